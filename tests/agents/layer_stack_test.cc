#include "arq/agents/local/layer_stack.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "arq/agents/local/local_policy.h"
#include "arq/core/error.h"

namespace arq::local {
namespace {

StackOptions stack_options(int observation_size, std::vector<int> widths, CellOptions cell) {
  StackOptions options;
  options.observation_size = observation_size;
  options.widths = std::move(widths);
  options.cell = cell;
  return options;
}

nn::Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  nn::Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(rng);
  return m;
}

TEST(LayerStackTest, InputWidthsMatchTheReleasedConfigurations) {
  const StackOptions breakout = stack_options(400, {400, 200, 200}, CellOptions::arq(0, 3));
  EXPECT_EQ(breakout.input_width(0), 1000);
  EXPECT_EQ(breakout.input_width(1), 1200);
  EXPECT_EQ(breakout.input_width(2), 800);
  const StackOptions seaquest = stack_options(1000, {400, 200, 200}, CellOptions::arq(0, 6));
  EXPECT_EQ(seaquest.input_width(0), 1600);
  EXPECT_EQ(seaquest.input_width(1), 1800);
  EXPECT_EQ(seaquest.input_width(2), 1400);
  const StackOptions walker =
      stack_options(24, {128, 96, 96}, CellOptions::arq(0, 64, ActionCode::kBinary));
  EXPECT_EQ(walker.input_width(0), 248);
  EXPECT_EQ(walker.input_width(1), 344);
  EXPECT_EQ(walker.input_width(2), 216);
  StackOptions bare = walker;
  bare.input_skip = bare.recurrent = bare.top_down = false;
  EXPECT_EQ(bare.input_width(0), 24);
  EXPECT_EQ(bare.input_width(1), 128);
}

TEST(LayerStackTest, BuildsInputsInTheReferenceOrder) {
  LayerStack stack("", stack_options(2, {3, 2, 4}, CellOptions::arq(0, 2)));
  const nn::Matrix below = nn::Matrix::Constant(1, 3, 1.0f);
  const nn::Matrix observation = nn::Matrix::Constant(1, 2, 2.0f);
  const nn::Matrix own = nn::Matrix::Constant(1, 2, 3.0f);
  const nn::Matrix upper = nn::Matrix::Constant(1, 4, 4.0f);
  nn::Matrix x(1, 11);
  stack.build_input(1, below, observation, own, upper, x);
  nn::Matrix expected(1, 11);
  expected << 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4;
  EXPECT_EQ(x, expected);
  // Layer 0: [s_t, own, upper]; the top layer has no top-down input.
  nn::Matrix x0(1, 2 + 3 + 2), own0 = nn::Matrix::Constant(1, 3, 3.0f);
  stack.build_input(0, observation, observation, own0, nn::Matrix::Constant(1, 2, 4.0f), x0);
  nn::Matrix expected0(1, 7);
  expected0 << 2, 2, 3, 3, 3, 4, 4;
  EXPECT_EQ(x0, expected0);
  nn::Matrix x2(1, 2 + 2 + 4);
  stack.build_input(2, nn::Matrix::Constant(1, 2, 1.0f), observation, upper, upper, x2);
  nn::Matrix expected2(1, 8);
  expected2 << 1, 1, 2, 2, 4, 4, 4, 4;
  EXPECT_EQ(x2, expected2);
  nn::Matrix wrong(1, 10);
  EXPECT_THROW(stack.build_input(1, below, observation, own, upper, wrong), Error);
}

// forward_step runs the cells on the composed inputs, bottom-up, and returns their h as the
// next context; hidden_step gives the same context without Q.
TEST(LayerStackTest, StepComposesCellsBottomUp) {
  const StackOptions options = stack_options(5, {6, 4, 3}, CellOptions::arq(0, 3));
  LayerStack stack("online.", options);
  nn::Rng rng(3);
  stack.initialize(rng);
  EXPECT_EQ(stack.cell(1).name(), "online.layer1");
  std::mt19937 gen(1);
  const nn::Matrix obs = random_matrix(2, 5, gen);
  Context previous;
  previous.reset(options, 2);
  for (auto& layer : previous.layers) layer = random_matrix(2, layer.cols(), gen);
  Context next, hidden_only;
  std::vector<nn::Matrix> q;
  stack.forward_step(obs, previous, next, q);
  stack.hidden_step(obs, previous, hidden_only);
  ASSERT_EQ(q.size(), 3u);
  nn::Matrix below = obs;
  for (int l = 0; l < 3; ++l) {
    nn::Matrix x(2, options.input_width(l)), q_expected(2, 3), h_expected(2, options.widths[l]);
    stack.build_input(l, below, obs, previous.layers[l], previous.layers[std::min(l + 1, 2)], x);
    stack.cell(l).forward_all(x, q_expected, h_expected);
    EXPECT_EQ(q[l], q_expected) << l;
    EXPECT_EQ(next.layers[l], h_expected) << l;
    EXPECT_EQ(hidden_only.layers[l], h_expected) << l;
    below = h_expected;
  }
  // Only the first layer's Q when asked; the context is the same.
  Context next_one;
  stack.forward_step(obs, previous, next_one, q, 1);
  EXPECT_EQ(q.size(), 1u);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(next_one.layers[l], next.layers[l]);
}

TEST(LocalPolicyTest, ActsOnTheLayerMeanAndKeepsContext) {
  const StackOptions options = stack_options(5, {6, 4, 3}, CellOptions::arq(0, 4));
  LayerStack stack("", options);
  nn::Rng rng(9);
  stack.initialize(rng);
  std::mt19937 gen(2);
  const nn::Matrix o1 = random_matrix(1, 5, gen), o2 = random_matrix(1, 5, gen);
  LocalPolicy policy(stack);
  policy.begin_episode();
  const int a1 = policy.act_greedy({o1.data(), 5});
  const std::vector<std::vector<float>> q1 = policy.last_q_values();
  ASSERT_EQ(q1.size(), 3u);
  int best = 0;
  std::vector<float> mean(4);
  for (int a = 0; a < 4; ++a) {
    mean[a] = (q1[0][a] + q1[1][a] + q1[2][a]) / 3.0f;
    if (mean[a] > mean[best]) best = a;
  }
  EXPECT_EQ(a1, best);
  // The context after o1 is the stack's h for o1 from zeros; it feeds the step on o2.
  Context zeros, after_o1, after_o2;
  zeros.reset(options, 1);
  stack.hidden_step(o1, zeros, after_o1);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(policy.context().layers[l], after_o1.layers[l]);
  policy.act_greedy({o2.data(), 5});
  stack.hidden_step(o2, after_o1, after_o2);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(policy.context().layers[l], after_o2.layers[l]);
  // A new episode starts from zeros again.
  policy.begin_episode();
  for (int l = 0; l < 3; ++l) EXPECT_TRUE(policy.context().layers[l].isZero());
  // Layer-prefix policy: only layer 0's Q.
  LocalPolicy first_layer(stack, {.q_layers = 1});
  first_layer.act_greedy({o1.data(), 5});
  EXPECT_EQ(first_layer.last_q_values().size(), 1u);
  EXPECT_EQ(first_layer.last_q_values()[0], q1[0]);
  EXPECT_THROW(LocalPolicy(stack, {.q_layers = 4}), Error);
  EXPECT_THROW(policy.act_greedy({o1.data(), 4}), Error);
}

TEST(LocalPolicyTest, RandomStepsLeaveTheContextStaleUnlessAskedOtherwise) {
  const StackOptions options = stack_options(5, {6, 4}, CellOptions::ad(0, 3));
  LayerStack stack("", options);
  nn::Rng rng(4);
  stack.initialize(rng);
  std::mt19937 gen(5);
  const nn::Matrix o1 = random_matrix(1, 5, gen), o2 = random_matrix(1, 5, gen);
  LocalPolicy quirk(stack);  // the reference's behaviour
  LocalPolicy advancing(stack, {.q_layers = 0, .stale_context_on_random_steps = false});
  for (LocalPolicy* p : {&quirk, &advancing}) {
    p->begin_episode();
    p->act_greedy({o1.data(), 5});
    p->skip_step({o2.data(), 5});
  }
  Context zeros, after_o1, after_o2;
  zeros.reset(options, 1);
  stack.hidden_step(o1, zeros, after_o1);
  stack.hidden_step(o2, after_o1, after_o2);
  for (int l = 0; l < 2; ++l) {
    EXPECT_EQ(quirk.context().layers[l], after_o1.layers[l]);
    EXPECT_EQ(advancing.context().layers[l], after_o2.layers[l]);
    EXPECT_NE(after_o1.layers[l], after_o2.layers[l]);
  }
}

}  // namespace
}  // namespace arq::local
