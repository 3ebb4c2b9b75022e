#include "arq/nn/sequential.h"

#include <string>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

const std::string kName = "Sequential";

}  // namespace

void Sequential::append(std::unique_ptr<Layer> layer) {
  if (!layers_.empty() && layers_.back()->output_width() != layer->input_width()) {
    throw Error("Sequential: layer " + std::to_string(layers_.size()) + " takes " +
                std::to_string(layer->input_width()) + " inputs but the previous layer gives " +
                std::to_string(layers_.back()->output_width()));
  }
  layers_.push_back(std::move(layer));
}

Eigen::Index Sequential::input_width() const {
  if (layers_.empty()) throw Error("Sequential: has no layers");
  return layers_.front()->input_width();
}

Eigen::Index Sequential::output_width() const {
  if (layers_.empty()) throw Error("Sequential: has no layers");
  return layers_.back()->output_width();
}

ConstMatrixMap Sequential::forward(const ConstMatrixRef& input) {
  check_shape(input, -1, input_width(), kName, "forward input");
  layers_.front()->forward(input);
  for (size_t i = 1; i < layers_.size(); ++i) layers_[i]->forward(layers_[i - 1]->output());
  return output();
}

ConstMatrixMap Sequential::backward_to_first(size_t i, const ConstMatrixRef& grad_output) {
  const ConstMatrixMap grad_below = layers_[i]->backward(layers_[i - 1]->output(), grad_output);
  return i == 1 ? grad_below : backward_to_first(i - 1, grad_below);
}

ConstMatrixMap Sequential::backward(const ConstMatrixRef& input,
                                    const ConstMatrixRef& grad_output) {
  check_shape(grad_output, output().rows(), output_width(), kName, "backward grad_output");
  if (layers_.size() == 1) return layers_.front()->backward(input, grad_output);
  return layers_.front()->backward(input, backward_to_first(layers_.size() - 1, grad_output));
}

void Sequential::backward_parameters(const ConstMatrixRef& input,
                                     const ConstMatrixRef& grad_output) {
  check_shape(grad_output, output().rows(), output_width(), kName, "backward grad_output");
  if (layers_.size() == 1) return layers_.front()->backward_parameters(input, grad_output);
  layers_.front()->backward_parameters(input, backward_to_first(layers_.size() - 1, grad_output));
}

ConstMatrixMap Sequential::backward_input(const ConstMatrixRef& input,
                                          const ConstMatrixRef& grad_output) {
  check_shape(grad_output, output().rows(), output_width(), kName, "backward grad_output");
  if (layers_.size() == 1) return layers_.front()->backward_input(input, grad_output);
  // Each layer's gradient view is the next one's argument (a Map cannot be re-seated).
  ConstMatrixMap grad =
      layers_.back()->backward_input(layers_[layers_.size() - 2]->output(), grad_output);
  const float* data = grad.data();
  Eigen::Index rows = grad.rows(), cols = grad.cols();
  for (size_t i = layers_.size() - 1; i-- > 1;) {
    const ConstMatrixMap below =
        layers_[i]->backward_input(layers_[i - 1]->output(), ConstMatrixMap(data, rows, cols));
    data = below.data(), rows = below.rows(), cols = below.cols();
  }
  return layers_.front()->backward_input(input, ConstMatrixMap(data, rows, cols));
}

ConstMatrixMap Sequential::output() const {
  if (layers_.empty()) throw Error("Sequential: has no layers");
  return layers_.back()->output();
}

ParameterList Sequential::parameters() {
  ParameterList all;
  for (const auto& layer : layers_) {
    for (Parameter& p : layer->parameters()) all.push_back(std::move(p));
  }
  return all;
}

}  // namespace arq::nn
