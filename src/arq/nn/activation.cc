#include "arq/nn/activation.h"

namespace arq::nn {

MatrixMap ElementwiseLayer::begin_forward(const ConstMatrixRef& input) {
  check_shape(input, -1, output_.cols(), name_, "forward input");
  return output_.resize_rows(input.rows());
}

MatrixMap ElementwiseLayer::begin_backward(const ConstMatrixRef& input,
                                           const ConstMatrixRef& grad_output) {
  check_shape(input, output_.rows(), output_.cols(), name_, "backward input (as in forward)");
  check_shape(grad_output, output_.rows(), output_.cols(), name_, "backward grad_output");
  return grad_input_.resize_rows(input.rows());
}

ConstMatrixMap Relu::forward(const ConstMatrixRef& input) {
  begin_forward(input) = input.cwiseMax(0.0f);
  return output_.view();
}

ConstMatrixMap Relu::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  grad_input = (output_.view().array() > 0.0f).select(grad_output.array(), 0.0f).matrix();
  return grad_input_.view();
}

ConstMatrixMap Tanh::forward(const ConstMatrixRef& input) {
  begin_forward(input) = input.array().tanh().matrix();
  return output_.view();
}

ConstMatrixMap Tanh::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  const ConstMatrixMap y = output_.view();
  grad_input = (grad_output.array() * (1.0f - y.array().square())).matrix();
  return grad_input_.view();
}

}  // namespace arq::nn
