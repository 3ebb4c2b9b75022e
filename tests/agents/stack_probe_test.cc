// The analysis probe of a local stack: its Q-values and contexts are bit-identical to acting
// (LayerStack::forward_step, LocalPolicy), and the double recomputation of every (state, action)
// vector y reads out as the fast cell's Q, for every cell variant.
#include "arq/agents/local/stack_probe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "arq/agents/local/local_policy.h"
#include "arq/core/error.h"

namespace arq::local {
namespace {

struct Variant {
  std::string name;
  CellOptions cell;
};

std::vector<Variant> variants() {
  std::vector<Variant> out;
  out.push_back({"arq_std_onehot", CellOptions::arq(0, 3)});
  CellOptions rms_binary = CellOptions::arq(0, 4, ActionCode::kBinary);
  rms_binary.goodness = Goodness::kRms;
  out.push_back({"arq_rms_binary", rms_binary});
  CellOptions unconditioned = CellOptions::arq(0, 3);
  unconditioned.action_conditioning = false;
  unconditioned.goodness = Goodness::kMeanSquare;
  out.push_back({"arq_without_conditioning", unconditioned});
  CellOptions paper = CellOptions::arq(0, 3);
  paper.norm_order = NormOrder::kPaper;
  out.push_back({"arq_paper_order", paper});
  out.push_back({"ad", CellOptions::ad(0, 3)});
  CellOptions ad_conditioned = CellOptions::ad(0, 3);
  ad_conditioned.action_conditioning = true;
  out.push_back({"ad_with_conditioning", ad_conditioned});
  return out;
}

StackOptions options_for(const CellOptions& cell) {
  StackOptions options;
  options.widths = {12, 8, 8};
  options.observation_size = 20;
  options.cell = cell;
  return options;
}

nn::Matrix observation(std::mt19937_64& rng, int size) {
  std::bernoulli_distribution bit(0.3);
  nn::Matrix row(1, size);
  for (int j = 0; j < size; ++j) row(0, j) = bit(rng) ? 1.0f : 0.0f;
  return row;
}

class StackProbeTest : public ::testing::TestWithParam<Variant> {};

TEST_P(StackProbeTest, MatchesForwardStepBitForBit) {
  const StackOptions options = options_for(GetParam().cell);
  LayerStack stack("online.", options);
  nn::Rng init(11);
  stack.initialize(init);
  std::mt19937_64 rng(5);
  Context probe_context, probe_next, step_context, step_next;
  probe_context.reset(options, 1);
  step_context.reset(options, 1);
  StackProbe probe;
  std::vector<nn::Matrix> q;
  for (int t = 0; t < 6; ++t) {
    const nn::Matrix obs = observation(rng, options.observation_size);
    probe_step(stack, obs, probe_context, probe_next, probe);
    stack.forward_step(obs, step_context, step_next, q);
    std::swap(probe_context, probe_next);
    std::swap(step_context, step_next);
    for (int l = 0; l < stack.layers(); ++l) {
      EXPECT_EQ(probe.q[l], q[l]) << "t " << t << " layer " << l;
      EXPECT_EQ(probe_context.layers[l], step_context.layers[l]) << "t " << t << " layer " << l;
      EXPECT_EQ(probe.hidden[l], step_context.layers[l]);  // α = 1: the context is h
      EXPECT_EQ(probe.inputs[l].cols(), options.input_width(l));
    }
  }
}

TEST_P(StackProbeTest, ActionVectorsReadOutAsTheCellsQ) {
  const StackOptions options = options_for(GetParam().cell);
  LayerStack stack("online.", options);
  nn::Rng init(13);
  stack.initialize(init);
  std::mt19937_64 rng(8);
  Context context, next;
  context.reset(options, 1);
  StackProbe probe;
  double worst = 0.0;
  for (int t = 0; t < 4; ++t) {
    probe_step(stack, observation(rng, options.observation_size), context, next, probe);
    std::swap(context, next);
    for (int l = 0; l < stack.layers(); ++l) {
      LocalCell& cell = stack.cell(l);
      const Eigen::MatrixXd y = action_vectors(cell, probe.inputs[l]);
      ASSERT_EQ(y.rows(), cell.actions());
      ASSERT_EQ(y.cols(), cell.options().rows_per_action());
      for (int a = 0; a < cell.actions(); ++a) {
        const double q = read_out_q(cell.options(), y.row(a).transpose());
        const double fast = probe.q[l](0, a);
        worst = std::max(worst, std::fabs(q - fast) / std::max(1.0, std::fabs(fast)));
      }
    }
  }
  EXPECT_LT(worst, 1e-5);
}

TEST_P(StackProbeTest, GreedyActionOfTheLayerMeanIsThePolicys) {
  const StackOptions options = options_for(GetParam().cell);
  LayerStack stack("online.", options);
  nn::Rng init(17);
  stack.initialize(init);
  LocalPolicy policy(stack);
  policy.begin_episode();
  std::mt19937_64 rng(2);
  Context context, next;
  context.reset(options, 1);
  StackProbe probe;
  for (int t = 0; t < 8; ++t) {
    const nn::Matrix obs = observation(rng, options.observation_size);
    probe_step(stack, obs, context, next, probe);
    std::swap(context, next);
    const int acted = policy.act_greedy(std::span<const float>(obs.data(), obs.size()));
    nn::Matrix mean = nn::Matrix::Zero(1, options.cell.actions);
    for (const auto& q : probe.q) mean += q;
    mean /= static_cast<float>(probe.q.size());
    Eigen::Index best = 0;
    mean.row(0).maxCoeff(&best);
    EXPECT_EQ(static_cast<int>(best), acted) << "t " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, StackProbeTest, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& param_info) {
                           return param_info.param.name;
                         });

TEST(ActionVectors, RejectsAnInputOfTheWrongWidth) {
  const StackOptions options = options_for(CellOptions::arq(0, 3));
  LayerStack stack("online.", options);
  EXPECT_THROW(action_vectors(stack.cell(0), nn::Matrix::Zero(1, 3)), Error);
}

}  // namespace
}  // namespace arq::local
