#include "arq/nn/activation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "arq/core/error.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

// Inputs at least `margin` away from 0, where ReLU has its kink.
Matrix away_from_zero(Eigen::Index rows, Eigen::Index cols, Rng& rng, float margin) {
  Matrix m = random_matrix(rows, cols, rng, margin, 1.0);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    if (rng.uniform() < 0.5) m.data()[i] = -m.data()[i];
  }
  return m;
}

TEST(Relu, ForwardClampsNegativesToZero) {
  Relu relu(3);
  Matrix x(2, 3);
  x << -1, 0, 2, 3, -0.5f, 0.25f;
  Matrix expected(2, 3);
  expected << 0, 0, 2, 3, 0, 0.25f;
  EXPECT_EQ(Matrix(relu.forward(x)), expected);
}

TEST(Relu, GradientsMatchFiniteDifferences) {
  Rng rng(1);
  Relu relu(7);
  expect_gradients_match(relu, away_from_zero(5, 7, rng, 0.05f), rng);
}

TEST(Relu, PassesGradientOnlyWherePositive) {
  Relu relu(4);
  Matrix x(1, 4);
  x << -2, 1, -0.1f, 3;
  relu.forward(x);
  const Matrix dx = relu.backward(x, Matrix::Constant(1, 4, 5.0f));
  Matrix expected(1, 4);
  expected << 0, 5, 0, 5;
  EXPECT_EQ(dx, expected);
}

TEST(Tanh, ForwardIsTanh) {
  Tanh tanh_layer(2);
  Matrix x(1, 2);
  x << 0.3f, -2.0f;
  const Matrix y = tanh_layer.forward(x);
  EXPECT_FLOAT_EQ(y(0, 0), std::tanh(0.3f));
  EXPECT_FLOAT_EQ(y(0, 1), std::tanh(-2.0f));
}

TEST(Tanh, GradientsMatchFiniteDifferences) {
  Rng rng(2);
  Tanh tanh_layer(6);
  expect_gradients_match(tanh_layer, random_matrix(4, 6, rng, -2.0, 2.0), rng);
}

TEST(Activations, RejectBackwardWithAnotherBatch) {
  Relu relu(3);
  relu.forward(Matrix::Zero(2, 3));
  EXPECT_THROW(relu.backward(Matrix::Zero(4, 3), Matrix::Zero(4, 3)), Error);
  EXPECT_THROW(relu.forward(Matrix::Zero(2, 4)), Error);
}

}  // namespace
}  // namespace arq::nn
