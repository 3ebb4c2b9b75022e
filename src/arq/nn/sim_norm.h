#pragma once
// Simplicial normalisation (Lavoie et al. 2022), TD-MPC2's latent activation: each row is cut
// into consecutive groups of `group` values and each group is replaced by its softmax, so the
// latent is a concatenation of points on probability simplices.
#include "arq/nn/activation.h"

namespace arq::nn {

class SimNorm : public ElementwiseLayer {
 public:
  // Throws arq::Error unless group >= 1 divides width.
  SimNorm(Eigen::Index width, Eigen::Index group);
  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  // Per group: dx = y ⊙ (dy - Σ y·dy), from the output alone.
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;

  Eigen::Index group() const { return group_; }

 private:
  Eigen::Index group_;
};

}  // namespace arq::nn
