// Layer::backward_input: the same dLoss/dInput as backward, without touching the parameter
// gradients (for losses that differentiate through a network they do not train), and the
// allocation-free Mish value helpers against the layer's definition.
#include <gtest/gtest.h>

#include <cmath>

#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "arq/nn/mish.h"
#include "arq/nn/sequential.h"
#include "nn/gradient_check.h"

namespace arq::nn {
namespace {

using testing::random_matrix;

TEST(BackwardInput, MatchesBackwardAndLeavesParameterGradientsAlone) {
  Rng rng(11);
  Sequential net;
  net.add<Linear>("fc0", 7, 9).initialize(Init::kLecunNormal, rng);
  net.add<LayerNorm>("ln0", 9, 1e-5f);
  net.add<Mish>(9);
  net.add<Linear>("fc1", 9, 4).initialize(Init::kLecunNormal, rng);
  for (Parameter& p : net.parameters())
    *p.value = random_matrix(p.value->rows(), p.value->cols(), rng);
  const Matrix x = random_matrix(5, 7, rng, -2.0, 2.0);
  const Matrix dy = random_matrix(5, 4, rng);

  net.forward(x);
  const Matrix expected = net.backward(x, dy);
  for (Parameter& p : net.parameters()) p.grad->setConstant(42.0f);
  net.forward(x);
  const Matrix got = net.backward_input(x, dy);
  ASSERT_EQ(got.rows(), expected.rows());
  ASSERT_EQ(got.cols(), expected.cols());
  for (Eigen::Index i = 0; i < got.size(); ++i) {
    EXPECT_FLOAT_EQ(got.data()[i], expected.data()[i]) << i;
  }
  for (Parameter& p : net.parameters()) {
    EXPECT_TRUE((p.grad->array() == 42.0f).all()) << p.name;
  }

  // A single-layer chain takes the short path.
  Sequential single;
  single.add<Linear>("only", 7, 3).initialize(Init::kLecunNormal, rng);
  const Matrix dz = random_matrix(5, 3, rng);
  single.forward(x);
  const Matrix full = single.backward(x, dz);
  single.forward(x);
  EXPECT_EQ(Matrix(single.backward_input(x, dz)), full);
}

TEST(MishValues, MatchTheDefinitionOverWholeChunksAndTheTail) {
  Rng rng(12);
  const Matrix x = random_matrix(1, 37, rng, -6.0, 6.0);  // two chunks of 16 and a tail of 5
  Matrix y(1, 37), dx(1, 37);
  const Matrix dy = random_matrix(1, 37, rng);
  mish_values(x.data(), y.data(), 37);
  mish_values_backward(x.data(), dy.data(), dx.data(), 37);
  for (Eigen::Index i = 0; i < 37; ++i) {
    const double v = x(0, i);
    const double t = std::tanh(std::log1p(std::exp(v)));
    const double sigmoid = 1.0 / (1.0 + std::exp(-v));
    EXPECT_NEAR(y(0, i), v * t, 1e-5) << i;
    EXPECT_NEAR(dx(0, i), dy(0, i) * (t + v * (1.0 - t * t) * sigmoid), 1e-5) << i;
  }
  Matrix in_place = x;
  mish_values(in_place.data(), in_place.data(), 37);
  EXPECT_EQ(in_place, y);
}

}  // namespace
}  // namespace arq::nn
