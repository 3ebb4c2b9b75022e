#pragma once
// LayerNorm as in Flax: y = (x - mean) / sqrt(var + eps) · scale + bias over each row, with
// learnable scale (initialised to 1) and bias (0), eps = 1e-6 by default.
#include <string>

#include "arq/nn/batch_buffer.h"
#include "arq/nn/layer.h"
#include "arq/nn/row_standardize.h"

namespace arq::nn {

class LayerNorm : public Layer {
 public:
  static constexpr float kDefaultEps = 1e-6f;

  // Parameters are "<name>.scale" and "<name>.bias", both [1, width].
  LayerNorm(std::string name, Eigen::Index width, float eps = kDefaultEps);

  Eigen::Index input_width() const override { return scale_.cols(); }
  Eigen::Index output_width() const override { return scale_.cols(); }
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  ConstMatrixMap backward_input(const ConstMatrixRef& input,
                                const ConstMatrixRef& grad_output) override;
  ConstMatrixMap output() const override { return output_.view(); }
  ParameterList parameters() override;

  Matrix& scale() { return scale_; }
  Matrix& bias() { return bias_; }
  float eps() const { return eps_; }

 private:
  std::string name_;
  float eps_;
  Matrix scale_, scale_grad_;
  Matrix bias_, bias_grad_;
  BatchBuffer normalized_;  // before the affine: backward needs it
  BatchBuffer stats_;
  BatchBuffer output_;
  BatchBuffer grad_input_;
};

}  // namespace arq::nn
