#pragma once
// Mish (Misra 2019): y = x · tanh(softplus(x)), TD-MPC2's hidden activation. Its derivative
// needs x, which backward receives as its input argument.
#include "arq/nn/activation.h"

namespace arq::nn {

// y = mish(x) over `count` contiguous values (y may be x), without allocating: for fused passes
// that apply Mish to a row they already hold.
void mish_values(const float* x, float* y, Eigen::Index count);
// grad_x = dy · mish'(x) over `count` contiguous values.
void mish_values_backward(const float* x, const float* grad_y, float* grad_x, Eigen::Index count);

class Mish : public ElementwiseLayer {
 public:
  explicit Mish(Eigen::Index width) : ElementwiseLayer("mish", width) {}
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
};

}  // namespace arq::nn
