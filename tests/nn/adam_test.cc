#include "arq/nn/adam.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

// One scalar parameter p with gradient g, as a 1x1 tensor.
struct Scalar {
  Matrix value = Matrix::Constant(1, 1, 1.0f);
  Matrix grad = Matrix::Zero(1, 1);
  Parameter parameter(const std::string& name) { return {name, &value, &grad}; }
};

TEST(Adam, MatchesHandComputedSteps) {
  Scalar p;
  Adam adam({p.parameter("p")}, AdamOptions{.learning_rate = 0.1f, .b1 = 0.9f, .b2 = 0.99f});
  // Step 1, g = 0.5: mu = 0.05, nu = 0.0025; mu^ = 0.05/0.1 = 0.5, nu^ = 0.0025/0.01 = 0.25;
  // update = 0.5 / (sqrt(0.25) + 1e-8) = 0.99999998; p = 1 - 0.1 · update = 0.900000002.
  p.grad(0, 0) = 0.5f;
  adam.step();
  EXPECT_NEAR(p.value(0, 0), 0.900000002, 1e-6);
  // Step 2, g = -0.25: mu = 0.1·(-0.25) + 0.9·0.05 = 0.02, nu = 0.01·0.0625 + 0.99·0.0025 =
  // 0.0031; mu^ = 0.02/0.19 = 0.1052632, nu^ = 0.0031/0.0199 = 0.1557789;
  // update = 0.1052632 / 0.3946883 = 0.2666994; p = 0.9 - 0.02666994 = 0.8733301.
  p.grad(0, 0) = -0.25f;
  adam.step();
  EXPECT_NEAR(p.value(0, 0), 0.8733300598, 1e-6);
  // Step 3, g = 0: mu = 0.018, nu = 0.003069; mu^ = 0.018/0.271 = 0.0664207,
  // nu^ = 0.003069/0.029701 = 0.1033299; update = 0.2066285; p = 0.8526672.
  p.grad(0, 0) = 0.0f;
  adam.step();
  EXPECT_NEAR(p.value(0, 0), 0.8526672065, 1e-6);
  EXPECT_EQ(adam.step_count(), 3);
  const OptimizerState state = adam.export_state();
  ASSERT_EQ(state.tensors.size(), 2u);
  EXPECT_EQ(state.tensors[0].name, "p.mu");
  EXPECT_NEAR(state.tensors[0].value(0, 0), 0.018, 1e-8);
  EXPECT_EQ(state.tensors[1].name, "p.nu");
  EXPECT_NEAR(state.tensors[1].value(0, 0), 0.003069, 3e-8);
}

TEST(Adam, ClipsByGlobalNormBeforeTheMoments) {
  // Two tensors with gradients 3 and 4: global norm 5.
  Scalar a, b;
  a.grad(0, 0) = 3.0f;
  b.grad(0, 0) = 4.0f;
  Adam clipped({a.parameter("a"), b.parameter("b")},
               AdamOptions{.learning_rate = 0.1f, .b2 = 0.99f, .max_grad_norm = 1.0f});
  clipped.step();
  EXPECT_DOUBLE_EQ(clipped.last_gradient_norm(), 5.0);
  const OptimizerState state = clipped.export_state();
  // Clipped to (0.6, 0.8): mu = 0.1 · g, nu = 0.01 · g².
  EXPECT_NEAR(state.tensors[0].value(0, 0), 0.06, 1e-7);    // a.mu
  EXPECT_NEAR(state.tensors[1].value(0, 0), 0.0036, 1e-8);  // a.nu
  EXPECT_NEAR(state.tensors[2].value(0, 0), 0.08, 1e-7);    // b.mu
  EXPECT_NEAR(state.tensors[3].value(0, 0), 0.0064, 1e-8);  // b.nu
  EXPECT_EQ(a.grad(0, 0), 3.0f);                            // the stored gradients are left alone

  // Below the threshold nothing changes.
  Scalar c, d;
  c.grad(0, 0) = 3.0f;
  d.grad(0, 0) = 4.0f;
  Adam unclipped({c.parameter("c"), d.parameter("d")}, AdamOptions{.max_grad_norm = 10.0f});
  unclipped.step();
  EXPECT_NEAR(unclipped.export_state().tensors[0].value(0, 0), 0.3, 1e-7);
}

TEST(Adam, UpdatesEveryElementOfEveryTensor) {
  Matrix w = Matrix::Zero(2, 3), w_grad(2, 3);
  w_grad << 1, -2, 0, 4, -5, 6;
  Adam adam({{"w", &w, &w_grad}}, AdamOptions{.learning_rate = 0.01f});
  adam.step();
  // First step: update = g / (|g| + eps) = sign(g) (0 for g = 0).
  Matrix expected(2, 3);
  expected << -0.01f, 0.01f, 0, -0.01f, 0.01f, -0.01f;
  EXPECT_LE((w - expected).cwiseAbs().maxCoeff(), 1e-8f);
}

TEST(Adam, ImportedStateContinuesIdentically) {
  Scalar original, restored;
  const AdamOptions options{.learning_rate = 0.05f, .b2 = 0.99f};
  Adam first({original.parameter("p")}, options);
  for (float g : {0.3f, -0.7f}) {
    original.grad(0, 0) = g;
    first.step();
  }
  restored.value = original.value;
  Adam second({restored.parameter("p")}, options);
  second.import_state(first.export_state());
  EXPECT_EQ(second.step_count(), 2);
  original.grad(0, 0) = restored.grad(0, 0) = 0.2f;
  first.step();
  second.step();
  EXPECT_EQ(original.value(0, 0), restored.value(0, 0));
}

TEST(Adam, RejectsMismatchedStateAndLeavesItsOwnIntact) {
  Scalar p;
  Adam adam({p.parameter("p")}, AdamOptions{});
  p.grad(0, 0) = 1.0f;
  adam.step();
  const OptimizerState good = adam.export_state();

  OptimizerState renamed = good;
  renamed.tensors[1].name = "q.nu";
  EXPECT_THROW(adam.import_state(renamed), Error);
  OptimizerState reshaped = good;
  reshaped.tensors[0].value = Matrix::Zero(2, 1);
  EXPECT_THROW(adam.import_state(reshaped), Error);
  OptimizerState missing = good;
  missing.tensors.pop_back();
  EXPECT_THROW(adam.import_state(missing), Error);

  EXPECT_EQ(adam.export_state().tensors[0].value, good.tensors[0].value);
  EXPECT_EQ(adam.step_count(), 1);
}

TEST(Adam, RejectsBadOptionsAndParameters) {
  Scalar p;
  EXPECT_THROW(Adam({p.parameter("p")}, AdamOptions{.b2 = 1.0f}), Error);
  EXPECT_THROW(Adam({p.parameter("p")}, AdamOptions{.max_grad_norm = -1.0f}), Error);
  EXPECT_THROW(Adam({p.parameter("p"), p.parameter("p")}, AdamOptions{}), Error);
  Matrix wrong_grad(2, 2);
  EXPECT_THROW(Adam({{"w", &p.value, &wrong_grad}}, AdamOptions{}), Error);
}

}  // namespace
}  // namespace arq::nn
