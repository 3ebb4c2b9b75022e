#include "arq/nn/row_standardize.h"

#include <cmath>
#include <string>

namespace arq::nn {
namespace {

const std::string kLayerName = "row_standardize";

}  // namespace

// With d the divisor (sqrt(var + eps) or std + eps), s the std and n the width:
//   dx = (1/d) · (dy - mean(dy) - c · y · mean(dy ⊙ y)),
// where c = 1 for kInsideSqrt and c = d / s for kAddedToStd (0 when s = 0: then y = 0 too).
// stats holds (1/d, c) per row.
void standardize_rows_forward(const ConstMatrixRef& x, float eps, StdEpsilon mode, MatrixRef y,
                              MatrixRef stats) {
  const float n = static_cast<float>(x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float mean = x.row(r).sum() / n;
    const float variance = (x.row(r).array() - mean).square().sum() / n;
    float divisor = 0.0f, coefficient = 1.0f;
    if (mode == StdEpsilon::kInsideSqrt) {
      divisor = std::sqrt(variance + eps);
    } else {
      const float std_dev = std::sqrt(variance);
      divisor = std_dev + eps;
      coefficient = std_dev > 0.0f ? divisor / std_dev : 0.0f;
    }
    const float inverse = 1.0f / divisor;
    y.row(r) = (x.row(r).array() - mean) * inverse;
    stats(r, 0) = inverse;
    stats(r, 1) = coefficient;
  }
}

void standardize_rows_backward(const ConstMatrixRef& y, const ConstMatrixRef& stats,
                               const ConstMatrixRef& grad_y, MatrixRef grad_x) {
  const float n = static_cast<float>(y.cols());
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    const float mean_grad = grad_y.row(r).sum() / n;
    const float mean_grad_y = grad_y.row(r).dot(y.row(r)) / n;
    const float inverse = stats(r, 0), coefficient = stats(r, 1);
    grad_x.row(r) = inverse * (grad_y.row(r).array() - mean_grad -
                               (coefficient * mean_grad_y) * y.row(r).array())
                                  .matrix();
  }
}

ConstMatrixMap RowStandardize::forward(const ConstMatrixRef& input) {
  check_shape(input, -1, input_width(), kLayerName, "forward input");
  standardize_rows_forward(input, eps_, mode_, output_.resize_rows(input.rows()),
                           stats_.resize_rows(input.rows()));
  return output_.view();
}

ConstMatrixMap RowStandardize::backward(const ConstMatrixRef& input,
                                        const ConstMatrixRef& grad_output) {
  check_shape(input, output_.rows(), input_width(), kLayerName, "backward input (as in forward)");
  check_shape(grad_output, output_.rows(), input_width(), kLayerName, "backward grad_output");
  standardize_rows_backward(output_.view(), stats_.view(), grad_output,
                            grad_input_.resize_rows(input.rows()));
  return grad_input_.view();
}

}  // namespace arq::nn
