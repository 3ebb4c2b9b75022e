#pragma once
// TD-MPC2's running value scale: S ← S + τ·(max(P95 - P5, 1) - S) over a batch of Q-values, where
// Pk is the k-th percentile with linear interpolation between sorted values (torch.quantile's
// rule). The actor divides its Q-values by S so the entropy coefficient means the same thing on
// every task.
#include <span>
#include <vector>

namespace arq::tdmpc2 {

class RunningScale {
 public:
  explicit RunningScale(float tau) : tau_(tau) {}
  float value() const { return value_; }
  void set_value(float value) { value_ = value; }
  // Updates S from `values` (at least one).
  void update(std::span<const float> values);

 private:
  float tau_;
  float value_ = 1.0f;
  std::vector<float> sorted_;
};

}  // namespace arq::tdmpc2
