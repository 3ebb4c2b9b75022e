#pragma once
// Mish (Misra 2019): y = x · tanh(softplus(x)), TD-MPC2's hidden activation. Its derivative
// needs x, which backward receives as its input argument.
#include "arq/nn/activation.h"

namespace arq::nn {

class Mish : public ElementwiseLayer {
 public:
  explicit Mish(Eigen::Index width) : ElementwiseLayer("mish", width) {}
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
};

}  // namespace arq::nn
