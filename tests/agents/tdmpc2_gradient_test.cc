// TD-MPC2's pieces against their definitions and finite differences: symlog and the two-hot
// regression (cross-entropy and expected value), the squashed policy prior, the running value
// scale, and the whole model loss and actor loss of the learner (every network's parameters).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "arq/agents/tdmpc2/policy_prior.h"
#include "arq/agents/tdmpc2/running_scale.h"
#include "arq/agents/tdmpc2/tdmpc2_learner.h"
#include "arq/agents/tdmpc2/two_hot.h"
#include "arq/core/error.h"
#include "nn/gradient_check.h"

namespace arq::tdmpc2 {
namespace {

using nn::Matrix;
using nn::testing::central_difference;
using nn::testing::expect_close;
using nn::testing::GradientCheckOptions;
using nn::testing::random_matrix;

TEST(TwoHot, SymlogInvertsAndEncodingInterpolatesBetweenBins) {
  for (float x : {-50.0f, -1.5f, 0.0f, 0.2f, 7.0f})
    EXPECT_NEAR(symexp(symlog(x)), x, 1e-4f * (1 + std::abs(x)));
  const TwoHotBins bins(101, -10.0f, 10.0f);
  EXPECT_FLOAT_EQ(bins.bin_size(), 0.2f);
  int lower = 0;
  float offset = 0.0f;
  bins.encode(symexp(0.25f), &lower, &offset);  // symlog 0.25 = bin 51 (0.2) + a quarter
  EXPECT_EQ(lower, 51);
  EXPECT_NEAR(offset, 0.25f, 1e-4f);
  bins.encode(1e30f, &lower, &offset);  // clamped to vmax: all weight on the top bin
  EXPECT_EQ(lower, 100);
  EXPECT_EQ(offset, 0.0f);
  // Logits peaked on the two-hot of x decode back to about x.
  Matrix logits = Matrix::Constant(1, 101, -50.0f);
  bins.encode(3.0f, &lower, &offset);
  logits(0, lower) = std::log(1.0f - offset);
  logits(0, lower + 1) = std::log(offset);
  Matrix value(1, 1);
  bins.decode(logits, value);
  EXPECT_NEAR(value(0, 0), 3.0f, 1e-3f);
  EXPECT_THROW(TwoHotBins(1, -1.0f, 1.0f), Error);
}

TEST(TwoHot, CrossEntropyAndDecodeBackwardMatchFiniteDifferences) {
  nn::Rng rng(4);
  const TwoHotBins bins(11, -2.0f, 2.0f);
  Matrix logits = random_matrix(3, 11, rng, -2.0, 2.0);
  Matrix targets(3, 1);
  targets << -1.3f, 0.4f, 2.5f;
  Matrix grad(3, 11), scratch(3, 11);
  const float weight = 0.7f;
  bins.cross_entropy(logits, targets, weight, grad);
  auto ce = [&] { return bins.cross_entropy(logits, targets, weight, scratch); };
  const GradientCheckOptions options{1e-2, 1e-4, 1e-2};
  for (Eigen::Index i = 0; i < logits.size(); ++i) {
    expect_close(grad.data()[i], central_difference(logits.data() + i, options.step, ce), options,
                 "dCE/dlogit[" + std::to_string(i) + "]");
  }
  // Cross-entropy against its definition for row 0.
  int lower = 0;
  float offset = 0.0f;
  bins.encode(targets(0, 0), &lower, &offset);
  double log_sum = 0.0;
  for (int k = 0; k < 11; ++k) log_sum += std::exp(double{logits(0, k)});
  log_sum = std::log(log_sum);
  const double row0 =
      -(1 - offset) * (logits(0, lower) - log_sum) - offset * (logits(0, lower + 1) - log_sum);
  Matrix one_row(1, 11);
  EXPECT_NEAR(bins.cross_entropy(logits.topRows(1), targets.topRows(1), 1.0f, one_row), row0, 1e-5);

  const Matrix probe = random_matrix(3, 1, rng);
  Matrix values(3, 1), grad_logits(3, 11);
  bins.decode_backward(logits, probe, grad_logits);
  auto objective = [&] {
    bins.decode(logits, values);
    return values.cast<double>().cwiseProduct(probe.cast<double>()).sum();
  };
  for (Eigen::Index i = 0; i < logits.size(); ++i) {
    expect_close(grad_logits.data()[i],
                 central_difference(logits.data() + i, options.step, objective), options,
                 "dvalue/dlogit[" + std::to_string(i) + "]");
  }
}

TEST(PolicyPrior, LogProbabilitiesMatchTheirDefinitions) {
  nn::Rng rng(5);
  const Matrix head = random_matrix(2, 6, rng, -1.0, 1.0);
  const Matrix noise = random_matrix(2, 3, rng, -2.0, 2.0);
  const LogStdRange range;
  Matrix action(2, 3), gaussian(2, 1), squashed(2, 1);
  policy_sample(head, noise, range, action, gaussian, squashed);
  for (int i = 0; i < 2; ++i) {
    double g = 0.0, s = 0.0;
    for (int j = 0; j < 3; ++j) {
      const double log_std = -10.0 + 6.0 * (std::tanh(double{head(i, 3 + j)}) + 1.0);
      const double u = head(i, j) + noise(i, j) * std::exp(log_std);
      EXPECT_NEAR(action(i, j), std::tanh(u), 1e-6);
      g += -0.5 * noise(i, j) * noise(i, j) - log_std - 0.5 * std::log(2.0 * M_PI);
      s += std::log(1.0 - std::tanh(u) * std::tanh(u) + 1e-6);
    }
    EXPECT_NEAR(gaussian(i, 0), g, 1e-4);
    EXPECT_NEAR(squashed(i, 0), g - s, 1e-4);
  }
}

TEST(PolicyPrior, BackwardMatchesFiniteDifferences) {
  nn::Rng rng(6);
  Matrix head = random_matrix(4, 6, rng, -1.0, 1.0);
  const Matrix noise = random_matrix(4, 3, rng, -2.0, 2.0);
  const Matrix probe_action = random_matrix(4, 3, rng);
  const Matrix probe_gaussian = random_matrix(4, 1, rng);
  const Matrix probe_squashed = random_matrix(4, 1, rng);
  const LogStdRange range{-3.0f, 1.0f};
  Matrix action(4, 3), gaussian(4, 1), squashed(4, 1), grad_head(4, 6);
  auto objective = [&] {
    policy_sample(head, noise, range, action, gaussian, squashed);
    return action.cast<double>().cwiseProduct(probe_action.cast<double>()).sum() +
           gaussian.cast<double>().cwiseProduct(probe_gaussian.cast<double>()).sum() +
           squashed.cast<double>().cwiseProduct(probe_squashed.cast<double>()).sum();
  };
  objective();
  policy_backward(head, noise, action, range, probe_action, probe_gaussian, probe_squashed,
                  grad_head);
  const GradientCheckOptions options{1e-3, 2e-3, 1e-2};
  for (Eigen::Index i = 0; i < head.size(); ++i) {
    expect_close(grad_head.data()[i], central_difference(head.data() + i, options.step, objective),
                 options, "dL/dhead[" + std::to_string(i) + "]");
  }
  Matrix mode(4, 3);
  policy_mode(head, mode);
  EXPECT_FLOAT_EQ(mode(2, 1), std::tanh(head(2, 1)));
}

TEST(RunningScale, MovesTowardTheInterPercentileRangeAndNeverBelowOne) {
  RunningScale scale(0.5f);
  std::vector<float> values(101);
  for (int i = 0; i <= 100; ++i) values[static_cast<size_t>(i)] = static_cast<float>(100 - i);
  scale.update(values);  // P95 - P5 = 95 - 5 = 90
  EXPECT_FLOAT_EQ(scale.value(), 1.0f + 0.5f * (90.0f - 1.0f));
  const std::vector<float> flat(10, 3.0f);
  RunningScale small(1.0f);
  small.update(flat);
  EXPECT_FLOAT_EQ(small.value(), 1.0f);
  // Interpolation between sorted values: 4 values, P5 at position 0.15, P95 at 2.85.
  RunningScale interpolated(1.0f);
  interpolated.update(std::vector<float>{0.0f, 10.0f, 20.0f, 30.0f});
  EXPECT_NEAR(interpolated.value(), 28.5f - 1.5f, 1e-4f);
}

// A small learner whose weights are all O(1) (the official init starts the last layers at zero
// and everything else near it, where gradients are too small for a meaningful float check).
struct SmallProblem {
  ModelShape shape;
  LearnerHyper hyper;
  std::unique_ptr<Learner> learner;
  SequenceBatch batch;

  explicit SmallProblem(bool scramble = true, float lr = 3e-4f) {
    hyper.lr = lr;
    shape.obs_size = 5;
    shape.action_dim = 2;
    shape.latent_dim = 8;
    shape.mlp_dim = 6;
    shape.enc_dim = 7;
    shape.num_q = 2;
    shape.num_bins = 9;
    shape.simnorm_dim = 4;
    shape.dropout = 0.2f;
    hyper.vmin = -3.0f;
    hyper.vmax = 3.0f;
    hyper.log_std = {-2.0f, 0.5f};
    learner = std::make_unique<Learner>(shape, hyper, 11);
    nn::Rng rng(12);
    WorldModel& m = learner->model();
    for (const auto& list : {m.encoder_parameters(), m.dynamics_reward_q_parameters(),
                             m.pi_parameters(), m.target_parameters()}) {
      if (!scramble) break;
      for (const auto& p : list) {
        *p.value = random_matrix(p.value->rows(), p.value->cols(), rng, -0.8, 0.8);
      }
    }
    batch.resize(hyper.horizon, 3, shape.obs_size, shape.action_dim);
    batch.observations = random_matrix(batch.observations.rows(), shape.obs_size, rng);
    batch.actions = random_matrix(batch.actions.rows(), shape.action_dim, rng);
    batch.rewards = random_matrix(batch.rewards.rows(), 1, rng, -3.0, 3.0);
  }
};

// Checks every `stride`-th entry of every parameter in `parameters`.
void check_parameters(const nn::ParameterList& parameters, const std::function<double()>& loss,
                      const std::vector<Matrix>& analytic, int stride,
                      const GradientCheckOptions& options) {
  for (size_t p = 0; p < parameters.size(); ++p) {
    Matrix& value = *parameters[p].value;
    for (Eigen::Index i = p % static_cast<size_t>(stride); i < value.size(); i += stride) {
      expect_close(analytic[p].data()[i], central_difference(value.data() + i, options.step, loss),
                   options, "dL/d" + parameters[p].name + "[" + std::to_string(i) + "]");
    }
  }
}

std::vector<Matrix> gradients_of(const nn::ParameterList& parameters) {
  std::vector<Matrix> grads;
  for (const auto& p : parameters) grads.push_back(*p.grad);
  return grads;
}

TEST(Tdmpc2Learner, ModelLossGradientsMatchFiniteDifferences) {
  SmallProblem problem;
  Learner& learner = *problem.learner;
  const std::mt19937_64 draws(21);  // the same targets' noise, Q pair and dropout masks each call
  std::mt19937_64 rng = draws;
  learner.model_gradients(problem.batch, rng);
  WorldModel& m = learner.model();
  nn::ParameterList parameters = m.encoder_parameters();
  for (const auto& p : m.dynamics_reward_q_parameters()) parameters.push_back(p);
  const std::vector<Matrix> analytic = gradients_of(parameters);
  auto loss = [&] {
    std::mt19937_64 same = draws;
    return learner.model_gradients(problem.batch, same, nullptr, true);
  };
  check_parameters(parameters, loss, analytic, 3, GradientCheckOptions{1e-2, 2e-3, 2e-2});
}

TEST(Tdmpc2Learner, ActorLossGradientsMatchFiniteDifferences) {
  SmallProblem problem;
  Learner& learner = *problem.learner;
  std::mt19937_64 rng(22);
  learner.model_gradients(problem.batch, rng);  // the latents the actor trains on
  learner.scale().set_value(1.7f);
  const std::mt19937_64 draws(23);
  std::mt19937_64 first = draws;
  learner.pi_gradients(first, false);
  const nn::ParameterList parameters = learner.model().pi_parameters();
  const std::vector<Matrix> analytic = gradients_of(parameters);
  auto loss = [&] {
    std::mt19937_64 same = draws;
    return learner.pi_gradients(same, false);
  };
  check_parameters(parameters, loss, analytic, 1, GradientCheckOptions{1e-2, 2e-3, 2e-2});
}

TEST(Tdmpc2Learner, UpdateIsDeterministicAndLowersTheModelLoss) {
  SmallProblem a(false, 3e-3f), b(false, 3e-3f);  // the official initialisation
  std::mt19937_64 rng_a(5), rng_b(5);
  double first = 0.0, last = 0.0;
  for (int i = 0; i < 60; ++i) {
    const LearnerMetrics ma = a.learner->update(a.batch, rng_a);
    const LearnerMetrics mb = b.learner->update(b.batch, rng_b);
    EXPECT_EQ(ma.total_loss, mb.total_loss);
    EXPECT_EQ(ma.pi_loss, mb.pi_loss);
    if (i == 0) first = ma.reward_loss;
    last = ma.reward_loss;
  }
  EXPECT_LT(last, 0.7 * first) << first << " -> " << last;
}

}  // namespace
}  // namespace arq::tdmpc2
