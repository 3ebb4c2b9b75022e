// TD-MPC2's layers: Mish and SimNorm against their definitions and finite differences, dropout's
// masks and their gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "arq/core/error.h"
#include "arq/nn/dropout.h"
#include "arq/nn/mish.h"
#include "arq/nn/sim_norm.h"
#include "nn/gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

TEST(Mish, MatchesItsDefinitionAndFiniteDifferences) {
  Rng rng(1);
  Mish mish(5);
  Matrix x = random_matrix(3, 5, rng, -4.0, 4.0);
  x(0, 0) = 30.0f;  // the large-input branch of softplus
  x(0, 1) = -30.0f;
  const Matrix y = mish.forward(x);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    EXPECT_NEAR(y.data()[i], v * std::tanh(std::log1p(std::exp(v))), 1e-5) << i;
  }
  x(0, 0) = 0.3f;
  x(0, 1) = -0.7f;
  expect_gradients_match(mish, x, rng);
}

TEST(SimNorm, EachGroupIsASoftmaxAndBackwardMatchesFiniteDifferences) {
  Rng rng(2);
  SimNorm norm(12, 4);
  const Matrix x = random_matrix(3, 12, rng, -3.0, 3.0);
  const Matrix y = norm.forward(x);
  for (Eigen::Index r = 0; r < 3; ++r) {
    for (Eigen::Index g = 0; g < 12; g += 4) {
      double total = 0.0, exp_sum = 0.0;
      for (Eigen::Index k = 0; k < 4; ++k) exp_sum += std::exp(double{x(r, g + k)});
      for (Eigen::Index k = 0; k < 4; ++k) {
        total += y(r, g + k);
        EXPECT_NEAR(y(r, g + k), std::exp(double{x(r, g + k)}) / exp_sum, 1e-6);
      }
      EXPECT_NEAR(total, 1.0, 1e-6);
    }
  }
  expect_gradients_match(norm, x, rng);
  EXPECT_THROW(SimNorm(10, 4), Error);
}

TEST(Dropout, IdentityInEvaluationAndMaskedScaledInTraining) {
  Rng rng(3);
  Dropout dropout(50, 0.2f);
  const Matrix x = random_matrix(40, 50, rng, 0.5, 1.5);  // no zeros of its own
  EXPECT_EQ(Matrix(dropout.forward(x)), x);
  std::mt19937_64 masks(9);
  dropout.set_training(&masks);
  const Matrix y = dropout.forward(x);
  int zeros = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (y.data()[i] == 0.0f) {
      ++zeros;
    } else {
      EXPECT_FLOAT_EQ(y.data()[i], x.data()[i] / 0.8f);
    }
  }
  EXPECT_NEAR(static_cast<double>(zeros) / static_cast<double>(x.size()), 0.2, 0.03);
  // The gradient passes where the value passed, with the same scale.
  const Matrix probe = random_matrix(40, 50, rng);
  const Matrix grad = dropout.backward(x, probe);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    EXPECT_FLOAT_EQ(grad.data()[i], y.data()[i] == 0.0f ? 0.0f : probe.data()[i] / 0.8f);
  }
  // Same generator state, same mask.
  std::mt19937_64 again(9);
  dropout.set_training(&again);
  EXPECT_EQ(Matrix(dropout.forward(x)), y);
  EXPECT_THROW(Dropout(4, 1.0f), Error);
}

}  // namespace
}  // namespace arq::nn
