#include "arq/nn/linear.h"

#include <utility>

#include "arq/core/error.h"
#include "arq/nn/gemm.h"

namespace arq::nn {

Linear::Linear(std::string name, Eigen::Index in_features, Eigen::Index out_features, bool use_bias)
    : name_(std::move(name)),
      use_bias_(use_bias),
      weight_(Matrix::Zero(in_features, out_features)),
      weight_grad_(Matrix::Zero(in_features, out_features)),
      bias_(Matrix::Zero(use_bias ? 1 : 0, out_features)),
      bias_grad_(Matrix::Zero(use_bias ? 1 : 0, out_features)),
      output_(out_features),
      grad_input_(in_features) {
  if (in_features <= 0 || out_features <= 0) {
    throw Error("Linear " + name_ + ": widths must be positive, got in=" +
                std::to_string(in_features) + " out=" + std::to_string(out_features));
  }
}

void Linear::initialize(Init scheme, Rng& rng) {
  const int64_t fan_in = weight_.rows();
  if (scheme == Init::kLecunNormal) {
    init_lecun_normal(weight_, fan_in, rng);
    bias_.setZero();
  } else {
    init_torch_uniform(weight_, fan_in, rng);
    if (use_bias_) init_torch_uniform(bias_, fan_in, rng);
  }
}

ConstMatrixMap Linear::forward(const ConstMatrixRef& input) {
  check_shape(input, -1, input_width(), name_, "forward input");
  MatrixMap out = output_.resize_rows(input.rows());
  if (use_bias_) {
    out.rowwise() = bias_.row(0);
    gemm(input, Transpose::kNo, weight_, Transpose::kNo, out, 1.0f, 1.0f);
  } else {
    gemm(input, Transpose::kNo, weight_, Transpose::kNo, out);
  }
  return output_.view();
}

void Linear::check_backward_shapes(const ConstMatrixRef& input,
                                   const ConstMatrixRef& grad_output) const {
  check_shape(input, -1, input_width(), name_, "backward input");
  check_shape(grad_output, input.rows(), output_width(), name_, "backward grad_output");
}

void Linear::backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  check_backward_shapes(input, grad_output);
  gemm(input, Transpose::kYes, grad_output, Transpose::kNo, weight_grad_);  // dW = xᵀ·dy
  if (use_bias_) sum_rows(grad_output, bias_grad_);
}

ConstMatrixMap Linear::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  backward_parameters(input, grad_output);
  MatrixMap grad_input = grad_input_.resize_rows(input.rows());
  gemm(grad_output, Transpose::kNo, weight_, Transpose::kYes, grad_input);  // dx = dy·Wᵀ
  return grad_input_.view();
}

ConstMatrixMap Linear::backward_input(const ConstMatrixRef& input,
                                      const ConstMatrixRef& grad_output) {
  check_backward_shapes(input, grad_output);
  MatrixMap grad_input = grad_input_.resize_rows(input.rows());
  gemm(grad_output, Transpose::kNo, weight_, Transpose::kYes, grad_input);  // dx = dy·Wᵀ
  return grad_input_.view();
}

ParameterList Linear::parameters() {
  ParameterList list{{name_ + ".kernel", &weight_, &weight_grad_}};
  if (use_bias_) list.push_back({name_ + ".bias", &bias_, &bias_grad_});
  return list;
}

}  // namespace arq::nn
