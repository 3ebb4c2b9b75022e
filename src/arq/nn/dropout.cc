#include "arq/nn/dropout.h"

#include <string>

#include "arq/core/error.h"

namespace arq::nn {

Dropout::Dropout(Eigen::Index width, float p)
    : ElementwiseLayer("dropout", width), p_(p), mask_(width) {
  if (!(p >= 0.0f && p < 1.0f)) {
    throw Error("Dropout: the probability must be in [0, 1), got " + std::to_string(p));
  }
}

ConstMatrixMap Dropout::forward(const ConstMatrixRef& input) {
  MatrixMap out = begin_forward(input);
  MatrixMap mask = mask_.resize_rows(input.rows());
  if (rng_ == nullptr || p_ == 0.0f) {
    mask.setOnes();
    out = input;
    return output_.view();
  }
  const float keep_scale = 1.0f / (1.0f - p_);
  const double p = p_;
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    for (Eigen::Index c = 0; c < input.cols(); ++c) {
      const double u = static_cast<double>((*rng_)() >> 11) * 0x1.0p-53;
      mask(r, c) = u < p ? 0.0f : keep_scale;
    }
  }
  out = input.cwiseProduct(mask);
  return output_.view();
}

ConstMatrixMap Dropout::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  grad_input = grad_output.cwiseProduct(mask_.view());
  return grad_input_.view();
}

}  // namespace arq::nn
