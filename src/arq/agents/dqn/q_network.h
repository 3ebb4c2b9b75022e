#pragma once
// MinAtar's reference DQN network: conv 16 3x3 (valid) -> ReLU -> Linear 128 -> ReLU -> Linear A,
// on observations of shape (10, 10, C) in (y, x, c) order. Vector observations (no image shape)
// get an MLP instead: Linear hidden -> ReLU -> Linear hidden -> ReLU -> Linear A.
#include <string>
#include <vector>

#include "arq/nn/init.h"
#include "arq/nn/rng.h"
#include "arq/nn/sequential.h"

namespace arq::dqn {

struct QNetworkShape {
  std::vector<int> obs_shape;
  int num_actions = 0;
  int conv_channels = 16;
  int hidden = 128;
};

class QNetwork {
 public:
  // Parameters are named "<prefix>.conv.kernel", "<prefix>.fc.kernel", "<prefix>.out.kernel"...
  QNetwork(const QNetworkShape& shape, const std::string& prefix);

  void initialize(nn::Rng& rng);
  nn::ConstMatrixMap forward(const nn::ConstMatrixRef& observations) {
    return net_.forward(observations);
  }
  // Parameter gradients only (the observations need none).
  void backward(const nn::ConstMatrixRef& observations, const nn::ConstMatrixRef& grad_q) {
    net_.backward_parameters(observations, grad_q);
  }
  nn::ParameterList parameters() { return net_.parameters(); }
  void copy_from(QNetwork& other);

 private:
  nn::Sequential net_;
};

}  // namespace arq::dqn
