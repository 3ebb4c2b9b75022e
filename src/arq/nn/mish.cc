#include "arq/nn/mish.h"

namespace arq::nn {
namespace {

// tanh(softplus(x)) = n / (n + 2) with n = eˣ·(eˣ + 2): one exponential per value, evaluated by
// Eigen's vectorised exp. x is capped at 20 inside the exponential, where the ratio is already 1
// in float, so n cannot overflow.
constexpr float kExpCap = 20.0f;

}  // namespace

ConstMatrixMap Mish::forward(const ConstMatrixRef& input) {
  MatrixMap out = begin_forward(input);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    const auto x = input.row(r).array();
    const auto e = x.min(kExpCap).exp().eval();
    const auto n = (e * (e + 2.0f)).eval();
    out.row(r).array() = x * n / (n + 2.0f);
  }
  return output_.view();
}

ConstMatrixMap Mish::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    const auto x = input.row(r).array();
    const auto e = x.min(kExpCap).exp().eval();
    const auto n = (e * (e + 2.0f)).eval();
    const auto t = (n / (n + 2.0f)).eval();
    // d/dx x·tanh(softplus(x)) = t + x·(1 - t²)·sigmoid(x), sigmoid(x) = e / (1 + e).
    grad_input.row(r).array() =
        grad_output.row(r).array() * (t + x * (1.0f - t * t) * e / (1.0f + e));
  }
  return grad_input_.view();
}

}  // namespace arq::nn
