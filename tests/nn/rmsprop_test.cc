#include "arq/nn/rmsprop.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

TEST(CenteredRmsprop, MatchesHandComputedSteps) {
  Matrix p = Matrix::Constant(1, 1, 1.0f), g(1, 1);
  CenteredRmsprop rmsprop({{"p", &p, &g}},
                          RmspropOptions{.learning_rate = 0.1f, .alpha = 0.95f, .eps = 0.01f});
  // Step 1, g = 0.5: square_avg = 0.05·0.25 = 0.0125, grad_avg = 0.05·0.5 = 0.025;
  // avg = sqrt(0.0125 - 0.000625) + 0.01 = 0.1189725; p = 1 - 0.1·0.5/0.1189725 = 0.5797347.
  g(0, 0) = 0.5f;
  rmsprop.step();
  EXPECT_NEAR(p(0, 0), 0.5797347194, 2e-6);
  // Step 2, g = -1: square_avg = 0.95·0.0125 + 0.05 = 0.061875,
  // grad_avg = 0.025 + 0.05·(-1 - 0.025) = -0.02625; avg = sqrt(0.061875 - 0.000689) + 0.01 =
  // 0.2573579; p = 0.5797347 + 0.1/0.2573579 = 0.9682986.
  g(0, 0) = -1.0f;
  rmsprop.step();
  EXPECT_NEAR(p(0, 0), 0.9682986401, 2e-6);
  // Step 3, g = 0.25: square_avg = 0.0619063, grad_avg = -0.0124375, avg = 0.2584986;
  // p = 0.9682986 - 0.025/0.2584986 = 0.8715863.
  g(0, 0) = 0.25f;
  rmsprop.step();
  EXPECT_NEAR(p(0, 0), 0.8715863208, 2e-6);

  const OptimizerState state = rmsprop.export_state();
  EXPECT_EQ(state.step, 3);
  ASSERT_EQ(state.tensors.size(), 2u);
  EXPECT_EQ(state.tensors[0].name, "p.square_avg");
  EXPECT_NEAR(state.tensors[0].value(0, 0), 0.06190625, 1e-6);
  EXPECT_EQ(state.tensors[1].name, "p.grad_avg");
  EXPECT_NEAR(state.tensors[1].value(0, 0), -0.0124375, 1e-7);
}

TEST(CenteredRmsprop, ConstantGradientNeverProducesNan) {
  // square_avg - grad_avg² tends to 0 for a constant gradient and can round below it.
  Matrix p = Matrix::Zero(1, 3), g(1, 3);
  g << 0.1f, 3.0f, 1e-3f;
  CenteredRmsprop rmsprop({{"p", &p, &g}}, RmspropOptions{});
  for (int i = 0; i < 2000; ++i) rmsprop.step();
  EXPECT_TRUE(p.allFinite());
}

TEST(CenteredRmsprop, ImportedStateContinuesIdentically) {
  Matrix p1 = Matrix::Constant(2, 2, 0.5f), g1(2, 2);
  g1 << 0.1f, -0.2f, 0.3f, 0.05f;
  CenteredRmsprop first({{"w", &p1, &g1}}, RmspropOptions{});
  first.step();
  first.step();
  Matrix p2 = p1, g2 = g1;
  CenteredRmsprop second({{"w", &p2, &g2}}, RmspropOptions{});
  second.import_state(first.export_state());
  first.step();
  second.step();
  EXPECT_EQ(p1, p2);
  EXPECT_EQ(second.step_count(), 3);
}

TEST(CenteredRmsprop, RejectsBadOptionsAndState) {
  Matrix p(1, 1), g(1, 1);
  EXPECT_THROW(CenteredRmsprop({{"p", &p, &g}}, RmspropOptions{.alpha = 1.5f}), Error);
  CenteredRmsprop rmsprop({{"p", &p, &g}}, RmspropOptions{});
  OptimizerState state = rmsprop.export_state();
  state.step = -1;
  EXPECT_THROW(rmsprop.import_state(state), Error);
}

}  // namespace
}  // namespace arq::nn
