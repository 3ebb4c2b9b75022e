#include "arq/nn/mish.h"

#include <cmath>

namespace arq::nn {
namespace {

// log(1 + e^x) without overflow for large x or loss of precision for very negative x.
float softplus(float x) {
  return x > 20.0f ? x : std::log1p(std::exp(x));
}

}  // namespace

ConstMatrixMap Mish::forward(const ConstMatrixRef& input) {
  MatrixMap out = begin_forward(input);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    for (Eigen::Index c = 0; c < input.cols(); ++c) {
      const float x = input(r, c);
      out(r, c) = x * std::tanh(softplus(x));
    }
  }
  return output_.view();
}

ConstMatrixMap Mish::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    for (Eigen::Index c = 0; c < input.cols(); ++c) {
      const float x = input(r, c);
      const float t = std::tanh(softplus(x));
      const float sigmoid = 1.0f / (1.0f + std::exp(-x));  // d softplus / dx
      grad_input(r, c) = grad_output(r, c) * (t + x * (1.0f - t * t) * sigmoid);
    }
  }
  return grad_input_.view();
}

}  // namespace arq::nn
