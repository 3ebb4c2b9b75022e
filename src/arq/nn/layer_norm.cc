#include "arq/nn/layer_norm.h"

#include <utility>

#include "arq/core/error.h"

namespace arq::nn {

LayerNorm::LayerNorm(std::string name, Eigen::Index width, float eps)
    : name_(std::move(name)),
      eps_(eps),
      scale_(Matrix::Ones(1, width)),
      scale_grad_(Matrix::Zero(1, width)),
      bias_(Matrix::Zero(1, width)),
      bias_grad_(Matrix::Zero(1, width)),
      normalized_(width),
      stats_(kRowStatsCols),
      output_(width),
      grad_input_(width) {
  if (width <= 0 || !(eps > 0.0f)) {
    throw Error("LayerNorm " + name_ + ": needs a positive width and eps, got width=" +
                std::to_string(width) + " eps=" + std::to_string(eps));
  }
}

ConstMatrixMap LayerNorm::forward(const ConstMatrixRef& input) {
  check_shape(input, -1, input_width(), name_, "forward input");
  const Eigen::Index batch = input.rows();
  MatrixMap normalized = normalized_.resize_rows(batch);
  standardize_rows_forward(input, eps_, StdEpsilon::kInsideSqrt, normalized,
                           stats_.resize_rows(batch));
  MatrixMap out = output_.resize_rows(batch);
  for (Eigen::Index r = 0; r < batch; ++r) {
    out.row(r) = normalized.row(r).cwiseProduct(scale_.row(0)) + bias_.row(0);
  }
  return output_.view();
}

ConstMatrixMap LayerNorm::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  check_shape(input, output_.rows(), input_width(), name_, "backward input (as in forward)");
  check_shape(grad_output, output_.rows(), input_width(), name_, "backward grad_output");
  const ConstMatrixMap normalized = normalized_.view();
  MatrixMap grad_input = grad_input_.resize_rows(input.rows());
  scale_grad_.setZero();
  bias_grad_.setZero();
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    scale_grad_.row(0) += grad_output.row(r).cwiseProduct(normalized.row(r));
    bias_grad_.row(0) += grad_output.row(r);
    grad_input.row(r) = grad_output.row(r).cwiseProduct(scale_.row(0));  // d normalized
  }
  standardize_rows_backward(normalized, stats_.view(), grad_input, grad_input);
  return grad_input_.view();
}

ConstMatrixMap LayerNorm::backward_input(const ConstMatrixRef& input,
                                         const ConstMatrixRef& grad_output) {
  check_shape(input, output_.rows(), input_width(), name_, "backward input (as in forward)");
  check_shape(grad_output, output_.rows(), input_width(), name_, "backward grad_output");
  MatrixMap grad_input = grad_input_.resize_rows(input.rows());
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    grad_input.row(r) = grad_output.row(r).cwiseProduct(scale_.row(0));  // d normalized
  }
  standardize_rows_backward(normalized_.view(), stats_.view(), grad_input, grad_input);
  return grad_input_.view();
}

ParameterList LayerNorm::parameters() {
  return {{name_ + ".scale", &scale_, &scale_grad_}, {name_ + ".bias", &bias_, &bias_grad_}};
}

}  // namespace arq::nn
