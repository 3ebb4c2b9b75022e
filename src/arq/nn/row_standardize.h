#pragma once
// Standardising each row to zero mean and unit (population) variance, without parameters:
// the core of LayerNorm and the step before tanh in the AD/ARQ cells. Two conventions exist:
//   kInsideSqrt  y = (x - mean) / sqrt(var + eps)    LayerNorm (Flax, eps = 1e-6)
//   kAddedToStd  y = (x - mean) / (std + eps)        AD/ARQ cell's standardisation of M
// Variance is computed in two passes (Flax's "fast variance" E[x²] - E[x]² is the same value
// mathematically but loses precision when |mean| >> std).
#include "arq/nn/batch_buffer.h"
#include "arq/nn/layer.h"

namespace arq::nn {

enum class StdEpsilon { kInsideSqrt, kAddedToStd };

// Per-row statistics forward keeps for backward: [B, kRowStatsCols].
inline constexpr Eigen::Index kRowStatsCols = 2;

// y = standardised x; stats receives what standardize_rows_backward needs. y may alias x.
void standardize_rows_forward(const ConstMatrixRef& x, float eps, StdEpsilon mode, MatrixRef y,
                              MatrixRef stats);

// grad_x from grad_y, given the forward's y and stats. grad_x may alias grad_y.
void standardize_rows_backward(const ConstMatrixRef& y, const ConstMatrixRef& stats,
                               const ConstMatrixRef& grad_y, MatrixRef grad_x);

class RowStandardize : public Layer {
 public:
  RowStandardize(Eigen::Index width, float eps, StdEpsilon mode)
      : eps_(eps), mode_(mode), output_(width), stats_(kRowStatsCols), grad_input_(width) {}

  Eigen::Index input_width() const override { return output_.cols(); }
  Eigen::Index output_width() const override { return output_.cols(); }
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  ConstMatrixMap output() const override { return output_.view(); }

 private:
  float eps_;
  StdEpsilon mode_;
  BatchBuffer output_;
  BatchBuffer stats_;
  BatchBuffer grad_input_;
};

}  // namespace arq::nn
