#include "arq/nn/loss.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::central_difference;
using testing::random_matrix;

TEST(MseLoss, IsMeanSquaredErrorWithoutAHalf) {
  Matrix prediction(2, 2), target(2, 2), grad(2, 2);
  prediction << 1, 2, 3, 4;
  target << 0, 2, 5, 4;
  // errors 1, 0, -2, 0 -> (1 + 4) / 4
  EXPECT_FLOAT_EQ(mse_loss(prediction, target, grad), 1.25f);
  Matrix expected(2, 2);
  expected << 0.5f, 0, -1, 0;  // 2 · error / 4
  EXPECT_EQ(grad, expected);
}

TEST(HuberLoss, IsQuadraticInsideAndLinearOutsideDeltaOne) {
  Matrix prediction(1, 4), target = Matrix::Zero(1, 4), grad(1, 4);
  prediction << 0.5f, -0.5f, 3, -2;
  // 0.125 + 0.125 + 2.5 + 1.5 = 4.25, mean over 4
  EXPECT_FLOAT_EQ(huber_loss(prediction, target, grad), 4.25f / 4);
  Matrix expected(1, 4);
  expected << 0.125f, -0.125f, 0.25f, -0.25f;
  EXPECT_EQ(grad, expected);
}

void check_gradient(float (*loss)(const ConstMatrixRef&, const ConstMatrixRef&, MatrixRef),
                    Matrix prediction, const Matrix& target) {
  Matrix grad(prediction.rows(), prediction.cols()), scratch = grad;
  loss(prediction, target, grad);
  const auto objective = [&]() { return double{loss(prediction, target, scratch)}; };
  for (Eigen::Index i = 0; i < prediction.size(); ++i) {
    const double numeric = central_difference(prediction.data() + i, 1e-2, objective);
    EXPECT_NEAR(grad.data()[i], numeric, 1e-4 + 1e-2 * std::abs(numeric)) << "element " << i;
  }
}

TEST(MseLoss, GradientMatchesFiniteDifferences) {
  Rng rng(1);
  check_gradient(&mse_loss, random_matrix(4, 3, rng, -2, 2), random_matrix(4, 3, rng, -2, 2));
}

TEST(HuberLoss, GradientMatchesFiniteDifferencesOnBothBranches) {
  Rng rng(2);
  // Errors well inside (|d| <= 0.8) and outside (|d| >= 1.3) the kink at |d| = 1.
  Matrix prediction = random_matrix(4, 4, rng, -0.8, 0.8);
  for (Eigen::Index i = 0; i < prediction.size(); i += 2) {
    prediction.data()[i] += prediction.data()[i] < 0 ? -1.3f : 1.3f;
  }
  check_gradient(&huber_loss, prediction, Matrix::Zero(4, 4));
}

TEST(Losses, GradientMayOverwriteThePrediction) {
  Matrix values(1, 2), target(1, 2);
  values << 3, 1;
  target << 1, 1;
  EXPECT_FLOAT_EQ(mse_loss(values, target, values), 2.0f);
  EXPECT_FLOAT_EQ(values(0, 0), 2.0f);
  EXPECT_FLOAT_EQ(values(0, 1), 0.0f);
}

TEST(Losses, RejectMismatchedShapes) {
  Matrix grad(2, 2), narrow_grad(2, 1);
  EXPECT_THROW(mse_loss(Matrix::Zero(2, 2), Matrix::Zero(2, 1), grad), Error);
  EXPECT_THROW(huber_loss(Matrix::Zero(2, 2), Matrix::Zero(2, 2), narrow_grad), Error);
}

}  // namespace
}  // namespace arq::nn
