#pragma once
// Adam with optax semantics, optionally preceded by optax.clip_by_global_norm:
//   g ← g · max_norm / ‖g‖ if ‖g‖ ≥ max_norm     (‖·‖ over all parameters of this optimiser)
//   mu ← (1 - b1)·g + b1·mu,   nu ← (1 - b2)·g² + b2·nu,   t ← t + 1
//   p ← p - lr · (mu / (1 - b1^t)) / (sqrt(nu / (1 - b2^t) + eps_root) + eps)
// The clipping scales the gradients on the fly; the stored gradients are left untouched.
#include <vector>

#include "arq/nn/optimizer.h"

namespace arq::nn {

struct AdamOptions {
  float learning_rate = 1e-3f;
  float b1 = 0.9f;
  float b2 = 0.999f;
  float eps = 1e-8f;
  float eps_root = 0.0f;
  float max_grad_norm = 0.0f;  // > 0: clip by global norm first; 0: no clipping
};

class Adam : public Optimizer {
 public:
  Adam(ParameterList parameters, const AdamOptions& options);

  void step() override;
  float learning_rate() const override { return options_.learning_rate; }
  void set_learning_rate(float learning_rate) override { options_.learning_rate = learning_rate; }
  int64_t step_count() const override { return step_; }
  OptimizerState export_state() const override;  // tensors "<param>.mu", "<param>.nu"
  void import_state(const OptimizerState& state) override;

  const AdamOptions& options() const { return options_; }
  // The global gradient norm seen by the last step, before clipping (for logging).
  double last_gradient_norm() const { return last_gradient_norm_; }

 private:
  ParameterList parameters_;
  AdamOptions options_;
  int64_t step_ = 0;
  double last_gradient_norm_ = 0.0;
  std::vector<Matrix> mu_, nu_;
};

}  // namespace arq::nn
