#pragma once
// Inverted dropout: in training mode each value is zeroed with probability p and the survivors
// are scaled by 1/(1 - p); in evaluation mode (no generator) the layer is the identity. The mask
// is drawn from the generator handed to set_training(), element by element in row-major order,
// so the same generator state gives the same mask.
#include <random>

#include "arq/nn/activation.h"

namespace arq::nn {

class Dropout : public ElementwiseLayer {
 public:
  // Throws arq::Error unless 0 <= p < 1.
  Dropout(Eigen::Index width, float p);

  // rng != nullptr: training mode, masks drawn from *rng (which must outlive the calls);
  // nullptr: evaluation mode.
  void set_training(std::mt19937_64* rng) { rng_ = rng; }
  bool training() const { return rng_ != nullptr; }

  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  // Uses the mask of the last forward.
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;

 private:
  float p_;
  std::mt19937_64* rng_ = nullptr;
  BatchBuffer mask_;  // 0 or 1/(1 - p) per value; all 1 in evaluation mode
};

}  // namespace arq::nn
