#pragma once
// Element-wise activations. Both differentiate through their own output (ReLU: y > 0,
// tanh: 1 - y²), so backward reads the input only to check its shape.
#include <string>
#include <utility>

#include "arq/nn/batch_buffer.h"
#include "arq/nn/layer.h"

namespace arq::nn {

class ElementwiseLayer : public Layer {
 public:
  Eigen::Index input_width() const override { return output_.cols(); }
  Eigen::Index output_width() const override { return output_.cols(); }
  ConstMatrixMap output() const override { return output_.view(); }

 protected:
  ElementwiseLayer(std::string name, Eigen::Index width)
      : name_(std::move(name)), output_(width), grad_input_(width) {}
  // Checks shapes and returns the output rows to write.
  MatrixMap begin_forward(const ConstMatrixRef& input);
  // Checks shapes and returns the input-gradient rows to write.
  MatrixMap begin_backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output);

  std::string name_;
  BatchBuffer output_;
  BatchBuffer grad_input_;
};

class Relu : public ElementwiseLayer {
 public:
  explicit Relu(Eigen::Index width) : ElementwiseLayer("relu", width) {}
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
};

class Tanh : public ElementwiseLayer {
 public:
  explicit Tanh(Eigen::Index width) : ElementwiseLayer("tanh", width) {}
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
};

}  // namespace arq::nn
