#include "arq/agents/dqn/q_network.h"

#include "arq/core/error.h"
#include "arq/nn/activation.h"
#include "arq/nn/conv3x3.h"
#include "arq/nn/linear.h"

namespace arq::dqn {

QNetwork::QNetwork(const QNetworkShape& shape, const std::string& prefix) {
  if (shape.num_actions <= 0) throw Error("DQN needs a discrete action space");
  if (shape.obs_shape.size() == 3 && shape.obs_shape[0] >= 3 && shape.obs_shape[1] >= 3) {
    auto& conv = net_.add<nn::Conv3x3>(prefix + ".conv", shape.obs_shape[0], shape.obs_shape[1],
                                       shape.obs_shape[2], shape.conv_channels);
    net_.add<nn::Relu>(conv.output_width());
    net_.add<nn::Linear>(prefix + ".fc", conv.output_width(), shape.hidden);
  } else {
    int size = 1;
    for (int d : shape.obs_shape) size *= d;
    net_.add<nn::Linear>(prefix + ".fc0", size, shape.hidden);
    net_.add<nn::Relu>(shape.hidden);
    net_.add<nn::Linear>(prefix + ".fc", shape.hidden, shape.hidden);
  }
  net_.add<nn::Relu>(shape.hidden);
  net_.add<nn::Linear>(prefix + ".out", shape.hidden, shape.num_actions);
}

void QNetwork::initialize(nn::Rng& rng) {
  for (size_t i = 0; i < net_.size(); ++i) {
    if (auto* conv = dynamic_cast<nn::Conv3x3*>(&net_.layer(i))) {
      conv->initialize(nn::Init::kTorchDefault, rng);
    } else if (auto* linear = dynamic_cast<nn::Linear*>(&net_.layer(i))) {
      linear->initialize(nn::Init::kTorchDefault, rng);
    }
  }
}

void QNetwork::copy_from(QNetwork& other) {
  auto mine = parameters();
  auto theirs = other.parameters();
  for (size_t i = 0; i < mine.size(); ++i) *mine[i].value = *theirs[i].value;
}

}  // namespace arq::dqn
