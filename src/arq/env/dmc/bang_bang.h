#pragma once
// Bang-bang discretisation (ARQ's DiscretizedDMCWrapper): every corner of {-1, +1}^d is one
// discrete action. Index i sets component j to +1 when bit (d-1-j) of i is set, else -1, so the
// first action dimension is the most significant bit (itertools.product order).
#include <array>
#include <memory>

#include "arq/env/env.h"

namespace arq::dmc {

class BangBangEnv final : public Env {
 public:
  static constexpr int kMaxActionDim = 16;  // 65536 discrete actions

  // Takes a continuous environment; id gains the suffix ":bangbang".
  explicit BangBangEnv(std::unique_ptr<Env> inner);

  const EnvSpec& spec() const override { return spec_; }
  void reset(std::optional<uint32_t> seed = std::nullopt) override { inner_->reset(seed); }
  StepResult step(int action) override;
  void observation(std::span<float> out) const override { inner_->observation(out); }
  std::string stream_state() const override { return inner_->stream_state(); }
  void restore_stream_state(const std::string& state) override {
    inner_->restore_stream_state(state);
  }

  const Env& inner() const { return *inner_; }
  Env& inner() { return *inner_; }

 private:
  std::unique_ptr<Env> inner_;
  EnvSpec spec_;
  std::array<double, kMaxActionDim> corner_{};
};

// Writes the corner for `index` into `out` (out.size() = d); throws arq::Error when index is not
// in [0, 2^d) or d is outside [1, kMaxActionDim].
void bang_bang_corner(int index, std::span<double> out);

}  // namespace arq::dmc
