// Finite-difference checks of SAC's explicit backward passes: the reparameterised tanh-Gaussian
// (action and log-probability), the critic loss, the actor loss (through the critics' action
// gradient) and the temperature loss.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "arq/agents/sac/sac_learner.h"
#include "arq/agents/sac/squashed_gaussian.h"
#include "arq/core/error.h"
#include "nn/gradient_check.h"

namespace arq::sac {
namespace {

using nn::Matrix;
using nn::testing::central_difference;
using nn::testing::expect_close;
using nn::testing::GradientCheckOptions;
using nn::testing::random_matrix;

TEST(SquashedGaussian, LogProbabilityIsTheChangeOfVariablesDensity) {
  nn::Rng rng(1);
  const Matrix head = random_matrix(3, 4, rng, -1.5, 1.5);
  const Matrix noise = random_matrix(3, 2, rng, -2.0, 2.0);
  const LogStdBounds bounds;
  Matrix action(3, 2), log_prob(3, 1);
  squashed_gaussian_sample(head, noise, bounds, action, log_prob);
  for (int i = 0; i < 3; ++i) {
    double expected = 0.0;
    for (int j = 0; j < 2; ++j) {
      const double log_std =
          bounds.min + 0.5 * (bounds.max - bounds.min) * (std::tanh(double{head(i, 2 + j)}) + 1.0);
      const double u = head(i, j) + std::exp(log_std) * noise(i, j);
      EXPECT_NEAR(action(i, j), std::tanh(u), 1e-6);
      // log N(u; mean, σ) - log |da/du|
      const double z = (u - head(i, j)) / std::exp(log_std);
      expected += -0.5 * z * z - log_std - 0.5 * std::log(2.0 * std::numbers::pi) -
                  std::log(1.0 - std::tanh(u) * std::tanh(u));
    }
    EXPECT_NEAR(log_prob(i, 0), expected, 1e-4) << "row " << i;
  }
  Matrix mode(3, 2);
  squashed_gaussian_mode(head, mode);
  EXPECT_FLOAT_EQ(mode(1, 1), std::tanh(head(1, 1)));
}

TEST(SquashedGaussian, BackwardMatchesFiniteDifferences) {
  nn::Rng rng(2);
  Matrix head = random_matrix(4, 6, rng, -1.5, 1.5);
  const Matrix noise = random_matrix(4, 3, rng, -2.0, 2.0);
  const Matrix probe_action = random_matrix(4, 3, rng);
  const Matrix probe_log_prob = random_matrix(4, 1, rng);
  const LogStdBounds bounds{-3.0f, 1.0f};
  Matrix action(4, 3), log_prob(4, 1), grad_head(4, 6);
  auto objective = [&] {
    squashed_gaussian_sample(head, noise, bounds, action, log_prob);
    return action.cast<double>().cwiseProduct(probe_action.cast<double>()).sum() +
           log_prob.cast<double>().cwiseProduct(probe_log_prob.cast<double>()).sum();
  };
  objective();
  squashed_gaussian_backward(head, noise, action, bounds, probe_action, probe_log_prob, grad_head);
  GradientCheckOptions options;
  options.step = 1e-3;
  for (Eigen::Index k = 0; k < head.size(); ++k) {
    const double numeric = central_difference(head.data() + k, options.step, objective);
    expect_close(grad_head.data()[k], numeric, options, "dL/dhead[" + std::to_string(k) + "]");
  }
}

// A tiny learner and a random batch with every input fixed.
struct Fixture {
  SacShape shape{3, 2, 6, 2};
  SacHyper hyper;
  SacLearner learner{shape, hyper, 11};
  SacBatch batch;
  Fixture() {
    nn::Rng rng(7);
    const int b = 5;
    batch.resize(b, shape.obs_size, shape.action_dim);
    batch.observations = random_matrix(b, 3, rng, -2.0, 2.0);
    batch.actions = random_matrix(b, 2, rng);
    batch.rewards = random_matrix(b, 1, rng, 0.0, 1.0);
    batch.not_done = Matrix::Ones(b, 1);
    batch.not_done(2, 0) = 0.0f;
    batch.next_observations = random_matrix(b, 3, rng, -2.0, 2.0);
    batch.next_noise = random_matrix(b, 2, rng, -1.5, 1.5);
    batch.noise = random_matrix(b, 2, rng, -1.5, 1.5);
    // Zero biases (the initialisation) put ReLU inputs exactly on the kink for rows whose
    // hidden units are all off; random biases keep the losses differentiable at the test point.
    for (const auto& list : {learner.actor_parameters(), learner.critic_parameters()}) {
      for (const auto& p : list) {
        if (p.name.ends_with(".bias")) *p.value = random_matrix(1, p.value->cols(), rng, 0.0, 0.5);
      }
    }
    // Targets that differ from the critics, so the critic loss has a real gradient.
    for (auto& p : learner.target_parameters()) p.value->array() *= 1.3f;
  }
};

void expect_parameter_gradients(const nn::ParameterList& parameters,
                                const std::function<double()>& loss,
                                const GradientCheckOptions& options) {
  loss();  // fills the gradients
  std::vector<Matrix> grads;
  for (const auto& p : parameters) grads.push_back(*p.grad);
  for (size_t p = 0; p < parameters.size(); ++p) {
    Matrix& value = *parameters[p].value;
    for (Eigen::Index i = 0; i < value.size(); ++i) {
      const double numeric = central_difference(value.data() + i, options.step, loss);
      expect_close(grads[p].data()[i], numeric, options,
                   "dL/d" + parameters[p].name + "[" + std::to_string(i) + "]");
    }
  }
}

TEST(SacLearner, CriticGradientsMatchFiniteDifferences) {
  Fixture f;
  GradientCheckOptions options;
  options.step = 1e-3;
  expect_parameter_gradients(
      f.learner.critic_parameters(), [&] { return f.learner.critic_gradients(f.batch); }, options);
}

TEST(SacLearner, ActorGradientsMatchFiniteDifferences) {
  Fixture f;
  GradientCheckOptions options;
  options.step = 1e-3;
  expect_parameter_gradients(
      f.learner.actor_parameters(), [&] { return f.learner.actor_gradients(f.batch); }, options);
}

TEST(SacLearner, TemperatureGradientMatchesFiniteDifferences) {
  Fixture f;
  double mean_log_prob = 0.0;
  f.learner.actor_gradients(f.batch, &mean_log_prob);
  EXPECT_TRUE(std::isfinite(mean_log_prob));
  GradientCheckOptions options;
  options.step = 1e-3;
  expect_parameter_gradients(
      f.learner.alpha_parameters(), [&] { return f.learner.alpha_gradients(mean_log_prob); },
      options);
  EXPECT_NEAR(f.learner.alpha(), 0.1, 1e-6);  // exp(log 0.1)
}

TEST(SacLearner, SoftUpdateMovesTargetsByTau) {
  Fixture f;
  const Matrix online = *f.learner.critic_parameters()[0].value;
  const Matrix before = *f.learner.target_parameters()[0].value;
  f.learner.soft_update_targets();
  const Matrix expected = 0.005f * online + 0.995f * before;
  EXPECT_TRUE(f.learner.target_parameters()[0].value->isApprox(expected, 1e-6f));
}

// The divergence guard: a non-finite critic loss stops the update before the critic optimiser
// steps, naming the network and the tensor, and leaves the weights as they were.
TEST(SacLearner, ANonFiniteLossStopsTheUpdateNamingTheNetwork) {
  Fixture f;
  f.batch.rewards(1, 0) = std::numeric_limits<float>::quiet_NaN();
  const Matrix before = *f.learner.critic_parameters()[0].value;
  try {
    f.learner.update(f.batch);
    FAIL() << "a NaN reward went through the update";
  } catch (const DivergenceError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("critic: critic_loss is nan"), std::string::npos) << message;
    EXPECT_NE(message.find("first non-finite tensor: critic.q1."), std::string::npos) << message;
  }
  EXPECT_TRUE(f.learner.critic_parameters()[0].value->cwiseEqual(before).all());
}

}  // namespace
}  // namespace arq::sac
