#include "arq/nn/sim_norm.h"

#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::nn {

SimNorm::SimNorm(Eigen::Index width, Eigen::Index group)
    : ElementwiseLayer("simnorm", width), group_(group) {
  if (group < 1 || width % group != 0) {
    throw Error("SimNorm: the group size " + std::to_string(group) +
                " must be >= 1 and divide the width " + std::to_string(width));
  }
}

ConstMatrixMap SimNorm::forward(const ConstMatrixRef& input) {
  MatrixMap out = begin_forward(input);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    out.row(r).array() =
        input.row(r).array().exp();  // shifted below where it could over- or underflow
    for (Eigen::Index g = 0; g < input.cols(); g += group_) {
      auto group = out.row(r).segment(g, group_);
      const float max = input.row(r).segment(g, group_).maxCoeff();
      if (std::abs(max) > 60.0f)
        group.array() = (input.row(r).segment(g, group_).array() - max).exp();
      group *= 1.0f / group.sum();
    }
  }
  return output_.view();
}

ConstMatrixMap SimNorm::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  const ConstMatrixMap y = output_.view();
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    for (Eigen::Index g = 0; g < y.cols(); g += group_) {
      float dot = 0.0f;
      for (Eigen::Index k = 0; k < group_; ++k) dot += y(r, g + k) * grad_output(r, g + k);
      for (Eigen::Index k = 0; k < group_; ++k) {
        grad_input(r, g + k) = y(r, g + k) * (grad_output(r, g + k) - dot);
      }
    }
  }
  return grad_input_.view();
}

}  // namespace arq::nn
