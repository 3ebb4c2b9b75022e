#include "arq/nn/sequential.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"
#include "arq/nn/activation.h"
#include "arq/nn/conv3x3.h"
#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

TEST(Sequential, ChainsLayersAndListsTheirParametersInOrder) {
  Rng rng(1);
  Sequential net;
  net.add<Linear>("fc0", 3, 4).initialize(Init::kLecunNormal, rng);
  net.add<Relu>(4);
  Linear& head = net.add<Linear>("fc1", 4, 2);
  head.initialize(Init::kLecunNormal, rng);
  EXPECT_EQ(net.input_width(), 3);
  EXPECT_EQ(net.output_width(), 2);

  const ParameterList parameters = net.parameters();
  ASSERT_EQ(parameters.size(), 4u);
  EXPECT_EQ(parameters[0].name, "fc0.kernel");
  EXPECT_EQ(parameters[3].name, "fc1.bias");
  EXPECT_EQ(parameters[2].value, &head.weight());

  const Matrix x = random_matrix(5, 3, rng);
  const Matrix hidden = Matrix(net.layer(0).forward(x)).cwiseMax(0.0f);
  const Matrix expected = head.forward(hidden);
  EXPECT_TRUE(Matrix(net.forward(x)).isApprox(expected));
}

TEST(Sequential, GradientsMatchFiniteDifferencesThroughEveryKindOfLayer) {
  Rng rng(2);
  Sequential net;
  net.add<Conv3x3>("conv", 4, 4, 2, 3).initialize(Init::kTorchDefault, rng);
  net.add<Tanh>(12);
  net.add<Linear>("fc", 12, 5).initialize(Init::kLecunNormal, rng);
  net.add<LayerNorm>("ln", 5);
  net.add<Linear>("out", 5, 2).initialize(Init::kLecunNormal, rng);
  expect_gradients_match(net, random_matrix(3, 32, rng), rng);
}

TEST(Sequential, BackwardParametersGivesTheSameParameterGradients) {
  Rng rng(3);
  Sequential net;
  net.add<Conv3x3>("conv", 5, 5, 1, 2).initialize(Init::kTorchDefault, rng);
  net.add<Relu>(18);
  net.add<Linear>("fc", 18, 3).initialize(Init::kTorchDefault, rng);
  const Matrix x = random_matrix(4, 25, rng), dy = random_matrix(4, 3, rng);
  net.forward(x);
  net.backward(x, dy);
  std::vector<Matrix> full;
  for (const Parameter& p : net.parameters()) full.push_back(*p.grad);
  net.backward_parameters(x, dy);
  const ParameterList parameters = net.parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_EQ(*parameters[i].grad, full[i]) << parameters[i].name;
  }
}

TEST(Sequential, RejectsLayersThatDoNotFit) {
  Sequential net;
  net.add<Linear>("fc0", 3, 4);
  EXPECT_THROW(net.add<Relu>(5), Error);
  EXPECT_THROW(net.forward(Matrix::Zero(2, 4)), Error);
  Sequential empty;
  EXPECT_THROW(empty.forward(Matrix::Zero(1, 1)), Error);
}

}  // namespace
}  // namespace arq::nn
