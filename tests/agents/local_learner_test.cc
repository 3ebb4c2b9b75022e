#include "arq/agents/local/local_learner.h"

#include <gtest/gtest.h>

#include <random>
#include <tuple>
#include <vector>

#include "arq/agents/local/reference/cell.h"
#include "arq/core/error.h"
#include "arq/core/isa.h"

namespace arq::local {
namespace {

namespace ref = reference;  // the plain double-precision cell the fast path is checked against

using ref::Cell;
using ref::MatrixD;
using ref::VectorD;

constexpr int kBatch = 4, kWindow = 3, kObs = 5, kActions = 4;

StackOptions small_stack(CellOptions cell) {
  StackOptions options;
  options.observation_size = kObs;
  options.widths = {6, 5, 4};
  options.cell = cell;
  return options;
}

// A batch with random windows, one terminal transition and random rewards.
struct BatchData {
  std::vector<float> windows, next, rewards, terminated;
  std::vector<int> actions;
  LocalBatch view() const {
    return {kBatch, kWindow, kObs, windows, next, actions, rewards, terminated};
  }
};

// binary: MinAtar-like 0/1 observations with few ones (the cells' sparse path).
BatchData random_batch(std::mt19937& rng, bool binary = false) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::bernoulli_distribution bit(0.1);
  auto draw = [&] { return binary ? (bit(rng) ? 1.0f : 0.0f) : uniform(rng); };
  BatchData d;
  d.windows.resize(kBatch * kWindow * kObs);
  d.next.resize(kBatch * kObs);
  for (float& v : d.windows) v = draw();
  for (float& v : d.next) v = draw();
  d.actions = {2, 0, 3, 1};
  d.rewards = {0.5f, 1.0f, 0.0f, 2.0f};
  d.terminated = {0.0f, 1.0f, 0.0f, 0.0f};
  return d;
}

void perturb(LayerStack& stack, std::mt19937& rng, float size) {
  std::uniform_real_distribution<float> noise(-size, size);
  for (const nn::Parameter& p : stack.parameters()) {
    for (Eigen::Index i = 0; i < p.value->size(); ++i) p.value->data()[i] += noise(rng);
  }
}

// The whole update of docs/algorithms.md §9, written directly in double with the naive reference
// cells.
class ReferenceUpdate {
 public:
  ReferenceUpdate(LocalLearner& learner, const StackOptions& options) : options_(options) {
    for (int l = 0; l < options.layers(); ++l) {
      CellOptions cell = options.cell;
      cell.hidden = options.widths[l];
      online_.emplace_back(cell, ref::parameters_of(learner.online().cell(l)));
      target_.emplace_back(cell, ref::parameters_of(learner.target().cell(l)));
    }
  }

  struct LayerResult {
    ref::CellGradients grads;
    double loss, q_mean;
  };

  std::vector<LayerResult> run(const BatchData& d, double gamma) const {
    const int layers = options_.layers();
    auto window_obs = [&](int i) {
      MatrixD obs(kBatch, kObs);
      for (int b = 0; b < kBatch; ++b) {
        for (int s = 0; s < kObs; ++s) obs(b, s) = d.windows[(b * kWindow + i) * kObs + s];
      }
      return obs;
    };
    MatrixD next_obs(kBatch, kObs);
    for (int i = 0; i < kBatch * kObs; ++i) next_obs(i / kObs, i % kObs) = d.next[i];
    // Contexts: zeros, then one h-pass per window observation.
    std::vector<std::vector<MatrixD>> online_ctx{zeros()}, target_ctx{zeros()};
    for (int i = 0; i < kWindow; ++i) {
      online_ctx.push_back(hidden_pass(online_, window_obs(i), online_ctx.back()));
      target_ctx.push_back(hidden_pass(target_, window_obs(i), target_ctx.back()));
    }
    const std::vector<MatrixD>& before = online_ctx[kWindow - 1];
    const std::vector<MatrixD>& after = online_ctx[kWindow];
    const std::vector<MatrixD>& target_after = target_ctx[kWindow];
    const MatrixD obs = window_obs(kWindow - 1);
    MatrixD u = obs, u_next = next_obs, u_target = next_obs;
    std::vector<LayerResult> results;
    for (int l = 0; l < layers; ++l) {
      const MatrixD x = input(l, u, obs, before);
      const MatrixD x_next = input(l, u_next, next_obs, after);
      const MatrixD x_target = input(l, u_target, next_obs, target_after);
      const MatrixD q_next = online_[l].q_all(x_next);
      const MatrixD q_target = target_[l].q_all(x_target);
      const MatrixD q = online_[l].q_all(x);
      VectorD weights(kBatch);
      LayerResult r;
      r.loss = r.q_mean = 0.0;
      for (int b = 0; b < kBatch; ++b) {
        Eigen::Index best;
        q_next.row(b).maxCoeff(&best);
        const double y = d.rewards[b] + gamma * (1.0 - d.terminated[b]) * q_target(b, best);
        const double error = q(b, d.actions[b]) - y;
        r.loss += error * error / kBatch;
        r.q_mean += q(b, d.actions[b]) / kBatch;
        weights(b) = 2.0 * error / kBatch;  // dL/dQ_b of the MSE
      }
      online_[l].loss_and_gradients(x, d.actions, weights, &r.grads);
      results.push_back(r);
      u = online_[l].hidden(x);
      u_next = online_[l].hidden(x_next);
      u_target = target_[l].hidden(x_target);
    }
    return results;
  }

 private:
  std::vector<MatrixD> zeros() const {
    std::vector<MatrixD> ctx;
    for (const int w : options_.widths) ctx.push_back(MatrixD::Zero(kBatch, w));
    return ctx;
  }

  // [below, obs (l > 0), own previous, upper previous (l < L-1)]
  MatrixD input(int l, const MatrixD& below, const MatrixD& obs,
                const std::vector<MatrixD>& ctx) const {
    const int last = options_.layers() - 1;
    std::vector<const MatrixD*> parts{&below};
    if (l > 0) parts.push_back(&obs);
    parts.push_back(&ctx[l]);
    if (l < last) parts.push_back(&ctx[l + 1]);
    Eigen::Index cols = 0;
    for (const MatrixD* p : parts) cols += p->cols();
    MatrixD x(kBatch, cols);
    Eigen::Index c = 0;
    for (const MatrixD* p : parts) {
      x.middleCols(c, p->cols()) = *p;
      c += p->cols();
    }
    return x;
  }

  std::vector<MatrixD> hidden_pass(const std::vector<Cell>& cells, const MatrixD& obs,
                                   const std::vector<MatrixD>& previous) const {
    std::vector<MatrixD> next;
    MatrixD below = obs;
    for (int l = 0; l < options_.layers(); ++l) {
      next.push_back(cells[l].hidden(input(l, below, obs, previous)));
      below = next.back();
    }
    return next;
  }

  StackOptions options_;
  std::vector<Cell> online_, target_;
};

double relative_error(const MatrixD& actual, const MatrixD& expected) {
  return (actual - expected).cwiseAbs().maxCoeff() / std::max(expected.cwiseAbs().maxCoeff(), 1e-6);
}

// cell options, binary observations, ISA level of the kernels
class LocalLearnerReferenceTest
    : public ::testing::TestWithParam<std::tuple<CellOptions, bool, IsaLevel>> {};

TEST_P(LocalLearnerReferenceTest, UpdateMatchesTheReferenceProcedure) {
  const IsaLevel level = std::get<2>(GetParam());
  if (!cpu_supports(level)) GTEST_SKIP() << "this CPU lacks " << isa_name(level);
  const ScopedIsaLevel scoped_level(level);
  const StackOptions options = small_stack(std::get<0>(GetParam()));
  LocalLearner learner(options, {}, 17);
  std::mt19937 rng(8);
  perturb(learner.online(), rng, 0.1f);  // online differs from target
  const BatchData data = random_batch(rng, std::get<1>(GetParam()));
  const ReferenceUpdate reference(learner, options);
  const auto expected = reference.run(data, 0.99);
  const std::vector<LayerUpdateMetrics> metrics = learner.update(data.view());
  ASSERT_EQ(metrics.size(), 3u);
  for (int l = 0; l < 3; ++l) {
    const auto& want = expected[l];
    EXPECT_NEAR(metrics[l].td_loss, want.loss, 1e-4 * std::max(1.0, want.loss)) << l;
    EXPECT_NEAR(metrics[l].q_mean, want.q_mean, 1e-4 * std::max(1.0, std::abs(want.q_mean))) << l;
    LocalCell& cell = learner.online().cell(l);
    EXPECT_LT(relative_error(ref::gradient_of(cell, ".fc_h.kernel"), want.grads.fc_h_kernel), 1e-4)
        << l;
    EXPECT_LT(relative_error(ref::gradient_of(cell, ".fc_z1.kernel"), want.grads.z1_kernel), 1e-4)
        << l;
    EXPECT_LT(relative_error(ref::gradient_of(cell, ".fc_z2.kernel"), want.grads.z2_kernel), 1e-4)
        << l;
    EXPECT_LT(relative_error(ref::gradient_of(cell, ".layer_norm.scale"),
                             want.grads.ln_scale.transpose()),
              1e-4)
        << l;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cells, LocalLearnerReferenceTest,
    ::testing::Combine(::testing::Values(CellOptions::arq(0, kActions),
                                         CellOptions::arq(0, kActions, ActionCode::kBinary),
                                         CellOptions::ad(0, kActions)),
                       ::testing::Bool(), ::testing::ValuesIn(all_isa_levels())));

std::vector<nn::Matrix> values(LayerStack& stack, int layer) {
  std::vector<nn::Matrix> out;
  for (const nn::Parameter& p : stack.cell(layer).parameters()) out.push_back(*p.value);
  return out;
}

// Changing layer 1's TD targets changes layer 1's update only: no gradient reaches another
// layer, and the activations passed upward come from pre-update parameters.
TEST(LocalLearnerTest, AnotherLayersTargetNeverReachesALayer) {
  const StackOptions options = small_stack(CellOptions::arq(0, kActions));
  std::mt19937 rng(1);
  const BatchData data = random_batch(rng);
  LocalLearner plain(options, {}, 5), perturbed(options, {}, 5);
  perturbed.set_target_hook([](int layer, std::span<float> targets) {
    if (layer == 1) {
      for (float& y : targets) y += 3.0f;
    }
  });
  plain.update(data.view());
  perturbed.update(data.view());
  EXPECT_EQ(values(plain.online(), 0), values(perturbed.online(), 0));
  EXPECT_NE(values(plain.online(), 1), values(perturbed.online(), 1));
  EXPECT_EQ(values(plain.online(), 2), values(perturbed.online(), 2));
  // The target network moves only on sync.
  LocalLearner fresh(options, {}, 5);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(values(plain.target(), l), values(fresh.target(), l));
  plain.sync_target();
  for (int l = 0; l < 3; ++l) EXPECT_EQ(values(plain.target(), l), values(plain.online(), l));
}

TEST(LocalLearnerTest, SameSeedSameWeights) {
  const StackOptions options = small_stack(CellOptions::arq(0, kActions, ActionCode::kBinary));
  LearnerOptions learner_options;
  learner_options.adam.learning_rate = 1e-2f;
  LocalLearner a(options, learner_options, 42), b(options, learner_options, 42),
      c(options, learner_options, 43);
  std::mt19937 rng(6);
  for (int step = 0; step < 3; ++step) {
    const BatchData data = random_batch(rng);
    const auto ma = a.update(data.view());
    const auto mb = b.update(data.view());
    for (int l = 0; l < 3; ++l) EXPECT_EQ(ma[l].td_loss, mb[l].td_loss);
    c.update(data.view());
  }
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(values(a.online(), l), values(b.online(), l));
    EXPECT_NE(values(a.online(), l), values(c.online(), l));
  }
}

TEST(LocalLearnerTest, ThreadedUpdatesAreReproducible) {
  const StackOptions options = small_stack(CellOptions::arq(0, kActions));
  LearnerOptions threaded;
  threaded.threads = 2;
  threaded.adam.learning_rate = 1e-2f;
  LearnerOptions single = threaded;
  single.threads = 1;
  LocalLearner a(options, threaded, 9), b(options, threaded, 9), c(options, single, 9);
  std::mt19937 rng(4);
  for (int step = 0; step < 3; ++step) {
    const BatchData data = random_batch(rng, step == 1);
    a.update(data.view());
    b.update(data.view());
    c.update(data.view());
  }
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(values(a.online(), l), values(b.online(), l));
    const std::vector<nn::Matrix> va = values(a.online(), l), vc = values(c.online(), l);
    for (size_t i = 0; i < va.size(); ++i) {
      EXPECT_LT((va[i] - vc[i]).cwiseAbs().maxCoeff(), 1e-4f) << l;
    }
  }
  EXPECT_THROW(LocalLearner(options, LearnerOptions{.threads = 0}, 1), Error);
}

// Repeated updates on one batch fit its targets: the TD loss of every layer falls.
TEST(LocalLearnerTest, RepeatedUpdatesReduceEveryLayersLoss) {
  const StackOptions options = small_stack(CellOptions::arq(0, kActions));
  LearnerOptions learner_options;
  learner_options.adam.learning_rate = 3e-3f;
  learner_options.gamma = 0.0f;  // fixed targets: y = r
  LocalLearner learner(options, learner_options, 3);
  std::mt19937 rng(2);
  const BatchData data = random_batch(rng);
  const auto first = learner.update(data.view());
  std::vector<LayerUpdateMetrics> last;
  for (int i = 0; i < 60; ++i) last = learner.update(data.view());
  for (int l = 0; l < 3; ++l) EXPECT_LT(last[l].td_loss, 0.5 * first[l].td_loss) << l;
}

TEST(LocalLearnerTest, RejectsMalformedBatches) {
  LocalLearner learner(small_stack(CellOptions::ad(0, kActions)), {}, 1);
  std::mt19937 rng(3);
  BatchData data = random_batch(rng);
  LocalBatch batch = data.view();
  batch.observation_size = kObs + 1;
  EXPECT_THROW(learner.update(batch), Error);
  batch = data.view();
  batch.rewards = batch.rewards.subspan(1);
  EXPECT_THROW(learner.update(batch), Error);
  data.actions[0] = kActions;
  EXPECT_THROW(learner.update(data.view()), Error);
}

}  // namespace
}  // namespace arq::local
