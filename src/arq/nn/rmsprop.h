#pragma once
// Centred RMSprop with PyTorch semantics (torch.optim.RMSprop, centered=True, no momentum, no
// weight decay), as MinAtar's DQN (lr 2.5e-4, alpha 0.95, eps 0.01):
//   square_avg ← alpha·square_avg + (1 - alpha)·g²
//   grad_avg   ← alpha·grad_avg + (1 - alpha)·g
//   p ← p - lr · g / (sqrt(square_avg - grad_avg²) + eps)
// square_avg - grad_avg² is ≥ 0 mathematically; it is clamped at 0 against rounding (where
// PyTorch would produce NaN).
#include <vector>

#include "arq/nn/optimizer.h"

namespace arq::nn {

struct RmspropOptions {
  float learning_rate = 2.5e-4f;
  float alpha = 0.95f;
  float eps = 0.01f;
};

class CenteredRmsprop : public Optimizer {
 public:
  CenteredRmsprop(ParameterList parameters, const RmspropOptions& options);

  void step() override;
  float learning_rate() const override { return options_.learning_rate; }
  void set_learning_rate(float learning_rate) override { options_.learning_rate = learning_rate; }
  int64_t step_count() const override { return step_; }
  // Tensors "<param>.square_avg", "<param>.grad_avg" (PyTorch's state names).
  OptimizerState export_state() const override;
  void import_state(const OptimizerState& state) override;

  const RmspropOptions& options() const { return options_; }

 private:
  ParameterList parameters_;
  RmspropOptions options_;
  int64_t step_ = 0;
  std::vector<Matrix> square_avg_, grad_avg_;
};

}  // namespace arq::nn
