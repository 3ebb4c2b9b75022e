#include "arq/nn/layer_norm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "arq/core/error.h"
#include "arq/nn/row_standardize.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

TEST(LayerNorm, NormalisesEachRowThenScalesAndShifts) {
  LayerNorm norm("ln", 4);
  norm.scale() << 1, 2, 1, 1;
  norm.bias() << 0, 0, 0, 10;
  Matrix x(1, 4);
  x << 1, 2, 3, 6;  // mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5
  const Matrix y = norm.forward(x);
  const double inverse_std = 1.0 / std::sqrt(3.5 + 1e-6);
  EXPECT_NEAR(y(0, 0), -2 * inverse_std, 1e-6);
  EXPECT_NEAR(y(0, 1), 2 * -1 * inverse_std, 1e-6);
  EXPECT_NEAR(y(0, 2), 0.0, 1e-6);
  EXPECT_NEAR(y(0, 3), 3 * inverse_std + 10, 1e-5);
}

TEST(LayerNorm, StartsAsIdentityAffineWithFlaxNames) {
  LayerNorm norm("layer0.ln", 3);
  const ParameterList parameters = norm.parameters();
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].name, "layer0.ln.scale");
  EXPECT_EQ(*parameters[0].value, Matrix::Ones(1, 3));
  EXPECT_EQ(parameters[1].name, "layer0.ln.bias");
  EXPECT_EQ(*parameters[1].value, Matrix::Zero(1, 3));
}

TEST(LayerNorm, EpsilonKeepsAConstantRowFinite) {
  LayerNorm norm("ln", 5);
  const Matrix y = norm.forward(Matrix::Constant(2, 5, 3.0f));
  EXPECT_TRUE(y.allFinite());
  EXPECT_EQ(y, Matrix::Zero(2, 5));
}

TEST(LayerNorm, GradientsMatchFiniteDifferences) {
  Rng rng(1);
  LayerNorm norm("ln", 6);
  norm.scale() = random_matrix(1, 6, rng, 0.5, 1.5);
  norm.bias() = random_matrix(1, 6, rng);
  expect_gradients_match(norm, random_matrix(4, 6, rng, -2.0, 2.0), rng);
}

TEST(RowStandardize, EpsilonInsideTheSquareRoot) {
  RowStandardize standardize(3, 0.5f, StdEpsilon::kInsideSqrt);
  Matrix x(1, 3);
  x << 0, 1, 2;  // mean 1, variance 2/3
  const Matrix y = standardize.forward(x);
  EXPECT_NEAR(y(0, 0), -1.0 / std::sqrt(2.0 / 3.0 + 0.5), 1e-6);
  EXPECT_NEAR(y(0, 2), 1.0 / std::sqrt(2.0 / 3.0 + 0.5), 1e-6);
}

TEST(RowStandardize, EpsilonAddedToTheStd) {
  RowStandardize standardize(3, 0.5f, StdEpsilon::kAddedToStd);
  Matrix x(1, 3);
  x << 0, 1, 2;
  const Matrix y = standardize.forward(x);
  EXPECT_NEAR(y(0, 0), -1.0 / (std::sqrt(2.0 / 3.0) + 0.5), 1e-6);
  EXPECT_NEAR(y(0, 1), 0.0, 1e-6);
}

TEST(RowStandardize, GradientsMatchFiniteDifferencesInBothModes) {
  Rng rng(2);
  for (StdEpsilon mode : {StdEpsilon::kInsideSqrt, StdEpsilon::kAddedToStd}) {
    RowStandardize standardize(7, 1e-6f, mode);
    expect_gradients_match(standardize, random_matrix(3, 7, rng, -2.0, 2.0), rng);
  }
}

TEST(RowStandardize, ConstantRowHasZeroGradientWithEpsilonOnTheStd) {
  RowStandardize standardize(4, 1e-6f, StdEpsilon::kAddedToStd);
  const Matrix x = Matrix::Constant(1, 4, 2.0f);
  standardize.forward(x);
  const Matrix dx = standardize.backward(x, Matrix::Constant(1, 4, 1.0f));
  EXPECT_TRUE(dx.allFinite());
}

TEST(LayerNorm, RejectsBadArguments) {
  EXPECT_THROW(LayerNorm("ln", 0), Error);
  EXPECT_THROW(LayerNorm("ln", 4, 0.0f), Error);
  LayerNorm norm("ln", 4);
  EXPECT_THROW(norm.forward(Matrix::Zero(1, 3)), Error);
}

}  // namespace
}  // namespace arq::nn
