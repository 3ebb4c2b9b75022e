#pragma once
// Fully connected layer y = x·W + b with W stored [in, out] (Flax's kernel layout), so both
// forward and backward are plain GEMMs on batch-major rows.
#include <string>

#include "arq/nn/batch_buffer.h"
#include "arq/nn/init.h"
#include "arq/nn/layer.h"

namespace arq::nn {

class Linear : public Layer {
 public:
  // Parameters are "<name>.kernel" [in, out] and "<name>.bias" [1, out]; all zero until
  // initialize().
  Linear(std::string name, Eigen::Index in_features, Eigen::Index out_features,
         bool use_bias = true);

  void initialize(Init scheme, Rng& rng);

  Eigen::Index input_width() const override { return weight_.rows(); }
  Eigen::Index output_width() const override { return weight_.cols(); }

  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  void backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  ConstMatrixMap backward_input(const ConstMatrixRef& input,
                                const ConstMatrixRef& grad_output) override;
  ConstMatrixMap output() const override { return output_.view(); }
  ParameterList parameters() override;

  Matrix& weight() { return weight_; }
  Matrix& bias() { return bias_; }
  bool has_bias() const { return use_bias_; }
  const Matrix& weight_grad() const { return weight_grad_; }
  const Matrix& bias_grad() const { return bias_grad_; }

 private:
  void check_backward_shapes(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) const;

  std::string name_;
  bool use_bias_;
  Matrix weight_, weight_grad_;  // [in, out]
  Matrix bias_, bias_grad_;      // [1, out]; empty without bias
  BatchBuffer output_;
  BatchBuffer grad_input_;
};

}  // namespace arq::nn
