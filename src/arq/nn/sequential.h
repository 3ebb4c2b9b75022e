#pragma once
// A chain of layers run in order; itself a Layer. Layer i's input is layer i-1's output, so
// backward only needs the chain's own input from the caller.
#include <memory>
#include <utility>
#include <vector>

#include "arq/nn/layer.h"

namespace arq::nn {

class Sequential : public Layer {
 public:
  Sequential() = default;

  // Constructs a layer at the end of the chain and returns it (e.g. to initialise it). Throws
  // arq::Error if its input width does not match the previous layer's output width.
  template <typename LayerType, typename... Args>
  LayerType& add(Args&&... args) {
    auto layer = std::make_unique<LayerType>(std::forward<Args>(args)...);
    LayerType& added = *layer;
    append(std::move(layer));
    return added;
  }

  size_t size() const { return layers_.size(); }
  Layer& layer(size_t i) { return *layers_.at(i); }

  Eigen::Index input_width() const override;
  Eigen::Index output_width() const override;
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  void backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  ConstMatrixMap backward_input(const ConstMatrixRef& input,
                                const ConstMatrixRef& grad_output) override;
  ConstMatrixMap output() const override;
  ParameterList parameters() override;

 private:
  void append(std::unique_ptr<Layer> layer);
  // Given dLoss/d(output of layer i), runs backward through layers i .. 1 and returns
  // dLoss/d(output of layer 0).
  ConstMatrixMap backward_to_first(size_t i, const ConstMatrixRef& grad_output);

  std::vector<std::unique_ptr<Layer>> layers_;
};

}  // namespace arq::nn
