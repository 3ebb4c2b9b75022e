// nn.precision = bf16 in the local cells and learner: the forward equals an fp32 cell fed the
// bf16-rounded weights and inputs (only fp32 summation order differs), the local backward and
// a whole update stay within a stated tolerance of fp32, results repeat bit for bit, and
// weights changed through any path are re-rounded before their next use.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "arq/agents/local/local_cell.h"
#include "arq/agents/local/local_learner.h"
#include "arq/nn/gemm_bf16.h"

namespace arq::local {
namespace {

constexpr int kBatch = 64, kInput = 112, kHidden = 48, kActions = 3;

CellOptions cell_options(nn::Precision precision) {
  CellOptions o = CellOptions::arq(kHidden, kActions);
  o.precision = precision;
  return o;
}

nn::Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  nn::Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

nn::Matrix rounded(const nn::Matrix& m) {
  nn::Matrix r(m.rows(), m.cols());
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    r.data()[i] = nn::bf16_to_float(nn::round_to_bf16(m.data()[i]));
  }
  return r;
}

// max |a - b| / max |b|.
double relative_difference(const nn::Matrix& a, const nn::Matrix& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(b.cwiseAbs().maxCoeff(), 1e-30f);
}

struct Outputs {
  nn::Matrix q, h;
};

Outputs forward(LocalCell& cell, const nn::Matrix& x) {
  Outputs out{nn::Matrix(x.rows(), kActions), nn::Matrix(x.rows(), kHidden)};
  cell.forward_all(x, out.q, out.h);
  return out;
}

// The gradients of the squared Q of the given actions, in parameters() order.
std::vector<nn::Matrix> gradients(LocalCell& cell, const nn::Matrix& x,
                                  const std::vector<int>& actions) {
  std::vector<float> q(x.rows());
  nn::Matrix h(x.rows(), kHidden);
  cell.forward_backward_selected(
      x, actions, [](int, float value) { return 2.0f * value / kBatch; }, q, h);
  std::vector<nn::Matrix> result;
  for (const nn::Parameter& p : cell.parameters()) result.push_back(*p.grad);
  return result;
}

class Bf16CellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nn::Rng init(1);
    fp32_.initialize(init);
    bf16_.copy_parameters_from(fp32_);
    std::mt19937 rng(2);
    x_ = random_matrix(kBatch, kInput, rng);
    for (int b = 0; b < kBatch; ++b) actions_.push_back(b % kActions);
  }

  LocalCell fp32_{"cell", cell_options(nn::Precision::kFp32), kInput};
  LocalCell bf16_{"cell", cell_options(nn::Precision::kBf16), kInput};
  nn::Matrix x_;
  std::vector<int> actions_;
};

// The bf16 cell is the fp32 cell on rounded operands: the products' inputs are the same bf16
// values and each product of two is exact, so only the order of the fp32 additions differs
// (relative error of a few 2⁻²⁴ per addition, far below 1e-4 at these depths).
TEST_F(Bf16CellTest, ForwardEqualsFp32OnRoundedOperands) {
  LocalCell reference("cell", cell_options(nn::Precision::kFp32), kInput);
  reference.copy_parameters_from(fp32_);
  for (const nn::Parameter& p : reference.parameters()) {
    const std::string& name = p.name;
    if (name.ends_with("fc_h.kernel")) *p.value = rounded(*p.value);
    if (name.ends_with("fc_z1.kernel") || name.ends_with("fc_z2.kernel")) {
      // Only the state rows go through the bf16 products; the action-code rows stay fp32.
      p.value->topRows(kInput) = rounded(p.value->topRows(kInput));
    }
  }
  const Outputs expected = forward(reference, rounded(x_));
  const Outputs got = forward(bf16_, x_);
  EXPECT_LT(relative_difference(got.q, expected.q), 1e-4);
  EXPECT_LT(relative_difference(got.h, expected.h), 1e-4);
  // And it is not the fp32 result: the rounding happened.
  EXPECT_GT(relative_difference(got.q, forward(fp32_, x_).q), 1e-6);
}

// An fp32 cell with its large products' weights rounded to bf16 (the action-code rows stay fp32).
void round_product_weights(LocalCell& cell) {
  for (const nn::Parameter& p : cell.parameters()) {
    const std::string& name = p.name;
    if (name.ends_with("fc_h.kernel")) *p.value = rounded(*p.value);
    if (name.ends_with("fc_z1.kernel") || name.ends_with("fc_z2.kernel")) {
      p.value->topRows(kInput) = rounded(p.value->topRows(kInput));
    }
  }
}

// The local backward against the fp32 cell on the same rounded operands: what is left is the
// rounding of dL/dZ and dL/dpre in the three weight-gradient products (2⁻⁹ relative per
// element, so 2⁻⁸ of Σ|x||g| per gradient element). Gradients that no bf16 product touches
// (biases, LayerNorm) agree to fp32 summation order.
TEST_F(Bf16CellTest, LocalBackwardEqualsFp32OnRoundedOperandsUpToRoundedGradients) {
  LocalCell reference("cell", cell_options(nn::Precision::kFp32), kInput);
  reference.copy_parameters_from(fp32_);
  round_product_weights(reference);
  const std::vector<nn::Matrix> want = gradients(reference, rounded(x_), actions_);
  const std::vector<nn::Matrix> have = gradients(bf16_, x_, actions_);
  const nn::ParameterList names = fp32_.parameters();
  for (size_t i = 0; i < want.size(); ++i) {
    const bool product = names[i].name.ends_with("kernel");
    const double diff = relative_difference(have[i], want[i]);
    EXPECT_LT(diff, product ? 1e-2 : 1e-3) << names[i].name;
  }
}

// Against fp32 on the unrounded operands. Rounding a value to bf16 moves it by up to 2⁻⁹ of
// itself (half a bf16 ulp), about one Adam step at the presets' learning rate (1e-4 on weights
// of ~0.05), and the cell's gradients are sensitive to such moves: standardisation and tanh
// amplify them (here a 2⁻⁹ move changes dL/dW_h by ~7 % of its largest entry). So the yardstick
// is the fp32 cell's own sensitivity: bf16 may move Q, h and every gradient at most 1.5 times as
// far as moving every weight and input by ±2⁻⁸ (one bf16 ulp, random signs) does in fp32.
TEST_F(Bf16CellTest, ForwardAndLocalBackwardStayWithinTheFp32Sensitivity) {
  LocalCell perturbed("cell", cell_options(nn::Precision::kFp32), kInput);
  perturbed.copy_parameters_from(fp32_);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> sign(-1.0f, 1.0f);
  const float size = std::ldexp(1.0f, -8);
  for (const nn::Parameter& p : perturbed.parameters()) {
    for (Eigen::Index i = 0; i < p.value->size(); ++i) {
      p.value->data()[i] *= 1.0f + size * (sign(rng) > 0 ? 1.0f : -1.0f);
    }
  }
  nn::Matrix x_perturbed = x_;
  for (Eigen::Index i = 0; i < x_perturbed.size(); ++i) {
    x_perturbed.data()[i] *= 1.0f + size * (sign(rng) > 0 ? 1.0f : -1.0f);
  }
  const Outputs expected = forward(fp32_, x_), got = forward(bf16_, x_);
  const Outputs nearby = forward(perturbed, x_perturbed);
  EXPECT_LT(relative_difference(got.q, expected.q),
            2 * relative_difference(nearby.q, expected.q) + 1e-6);
  EXPECT_LT(relative_difference(got.h, expected.h),
            2 * relative_difference(nearby.h, expected.h) + 1e-6);
  const std::vector<nn::Matrix> want = gradients(fp32_, x_, actions_);
  const std::vector<nn::Matrix> have = gradients(bf16_, x_, actions_);
  const std::vector<nn::Matrix> near = gradients(perturbed, x_perturbed, actions_);
  const nn::ParameterList names = fp32_.parameters();
  ASSERT_EQ(want.size(), have.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_LT(relative_difference(have[i], want[i]), 1.5 * relative_difference(near[i], want[i]))
        << names[i].name;
  }
}

// MinAtar-like inputs: the first 100 columns binary with few ones. Their products run in fp32 on
// the fp32 weights (SparseColumns), the rest through bf16: the same as an fp32 cell whose
// weights are rounded except in those rows.
TEST_F(Bf16CellTest, SparseColumnsKeepTheirFp32Weights) {
  constexpr int kSparse = 100;
  std::mt19937 rng(3);
  std::bernoulli_distribution bit(0.05);
  for (int b = 0; b < kBatch; ++b) {
    for (int j = 0; j < kSparse; ++j) x_(b, j) = bit(rng) ? 1.0f : 0.0f;
  }
  LocalCell sparse("cell", cell_options(nn::Precision::kBf16), kInput);
  sparse.copy_parameters_from(fp32_);
  sparse.set_sparse_columns(0, kSparse);
  LocalCell reference("cell", cell_options(nn::Precision::kFp32), kInput);
  reference.copy_parameters_from(fp32_);
  round_product_weights(reference);
  const nn::ParameterList exact = fp32_.parameters();
  const nn::ParameterList mixed = reference.parameters();
  for (size_t i = 0; i < exact.size(); ++i) {
    if (exact[i].name.ends_with("kernel")) {
      mixed[i].value->topRows(kSparse) = exact[i].value->topRows(kSparse);
    }
  }
  const Outputs expected = forward(reference, rounded(x_)), got = forward(sparse, x_);
  EXPECT_LT(relative_difference(got.q, expected.q), 1e-4);
  EXPECT_LT(relative_difference(got.h, expected.h), 1e-4);
}

// Weights written through parameters() (a checkpoint load, a test) or copied are rounded again
// before the next product: the cell never computes with stale bf16 weights.
TEST_F(Bf16CellTest, ChangedWeightsAreRoundedAgain) {
  const Outputs before = forward(bf16_, x_);
  std::mt19937 rng(4);
  for (const nn::Parameter& p : fp32_.parameters())
    *p.value += 0.1f * random_matrix(p.value->rows(), p.value->cols(), rng);
  bf16_.copy_parameters_from(fp32_);
  const Outputs after_copy = forward(bf16_, x_);
  LocalCell fresh("cell", cell_options(nn::Precision::kBf16), kInput);
  fresh.copy_parameters_from(fp32_);
  EXPECT_EQ(after_copy.q, forward(fresh, x_).q);
  EXPECT_NE(after_copy.q, before.q);
  for (const nn::Parameter& p : bf16_.parameters()) p.value->array() *= 0.5f;
  const Outputs after_write = forward(bf16_, x_);
  for (const nn::Parameter& p : fresh.parameters()) p.value->array() *= 0.5f;
  EXPECT_EQ(after_write.q, forward(fresh, x_).q);
}

// A whole update: a stack of three layers on MinAtar-sized inputs, fp32 and bf16 from the same
// weights and batch.
struct LearnerCase {
  static StackOptions stack(nn::Precision precision) {
    StackOptions o;
    o.observation_size = 100;
    o.widths = {64, 48, 48};
    o.cell = CellOptions::arq(0, kActions);
    o.cell.precision = precision;
    return o;
  }
  static LocalBatch batch(std::mt19937& rng, std::vector<float>& windows, std::vector<float>& next,
                          std::vector<int>& actions, std::vector<float>& rewards,
                          std::vector<float>& terminated) {
    constexpr int kWindow = 4, kObs = 100;
    std::bernoulli_distribution bit(0.08);
    windows.resize(kBatch * kWindow * kObs);
    next.resize(kBatch * kObs);
    for (float& v : windows) v = bit(rng) ? 1.0f : 0.0f;
    for (float& v : next) v = bit(rng) ? 1.0f : 0.0f;
    actions.resize(kBatch);
    rewards.resize(kBatch);
    terminated.assign(kBatch, 0.0f);
    for (int b = 0; b < kBatch; ++b) {
      actions[b] = static_cast<int>(rng() % kActions);
      rewards[b] = static_cast<float>(rng() % 2);
    }
    return {kBatch, kWindow, kObs, windows, next, actions, rewards, terminated};
  }
};

std::vector<nn::Matrix> weights(LayerStack& stack) {
  std::vector<nn::Matrix> values;
  for (const nn::Parameter& p : stack.parameters()) values.push_back(*p.value);
  return values;
}

void perturb(LocalLearner& learner, float size, std::mt19937& rng) {
  std::uniform_real_distribution<float> sign(-1.0f, 1.0f);
  for (const nn::Parameter& p : learner.online().parameters()) {
    for (Eigen::Index i = 0; i < p.value->size(); ++i) {
      p.value->data()[i] *= 1.0f + size * (sign(rng) > 0 ? 1.0f : -1.0f);
    }
  }
  learner.sync_target();
}

// A whole update in bf16 against fp32 from the same weights and batches. The first update's
// loss and gradient norm: within 3 % (2⁻⁷, the worst relative change of one product, plus
// margin; what the forward and backward tests above bound more tightly). After 20 updates the
// weights have diverged, as Adam's per-element normalisation amplifies any difference in small
// gradient entries; the yardstick is again fp32's own: bf16 ends at most 1.5 times as far from
// the fp32 weights as an fp32 run started from weights moved by ±2⁻⁸ does.
TEST(Bf16LearnerTest, UpdatesStayWithinTheFp32Sensitivity) {
  LearnerOptions options;
  options.adam.learning_rate = 1e-3f;
  LocalLearner fp32(LearnerCase::stack(nn::Precision::kFp32), options, 7);
  LocalLearner bf16(LearnerCase::stack(nn::Precision::kBf16), options, 7);
  LocalLearner nearby(LearnerCase::stack(nn::Precision::kFp32), options, 7);
  std::mt19937 perturbation(9);
  perturb(nearby, std::ldexp(1.0f, -8), perturbation);
  std::mt19937 rng(8);
  std::vector<float> windows, next, rewards, terminated;
  std::vector<int> actions;
  for (int step = 0; step < 20; ++step) {
    const LocalBatch batch = LearnerCase::batch(rng, windows, next, actions, rewards, terminated);
    const auto a = fp32.update(batch);
    const auto b = bf16.update(batch);
    nearby.update(batch);
    if (step == 0) {
      for (size_t l = 0; l < a.size(); ++l) {
        EXPECT_NEAR(b[l].td_loss, a[l].td_loss, 0.03 * a[l].td_loss) << l;
        EXPECT_NEAR(b[l].gradient_norm, a[l].gradient_norm, 0.03 * a[l].gradient_norm) << l;
      }
    }
  }
  const std::vector<nn::Matrix> w32 = weights(fp32.online()), w16 = weights(bf16.online()),
                                wnear = weights(nearby.online());
  double bf16_distance = 0, nearby_distance = 0;
  for (size_t i = 0; i < w32.size(); ++i) {
    bf16_distance += (w16[i] - w32[i]).squaredNorm();
    nearby_distance += (wnear[i] - w32[i]).squaredNorm();
  }
  EXPECT_LT(std::sqrt(bf16_distance), 1.5 * std::sqrt(nearby_distance));
  EXPECT_GT(bf16_distance, 0.0);
}

// Same seed, same batches, same thread count: the same bits, with one thread or two.
TEST(Bf16LearnerTest, SameSeedSameBits) {
  for (const int threads : {1, 2}) {
    LearnerOptions options;
    options.threads = threads;
    options.adam.learning_rate = 1e-3f;
    LocalLearner a(LearnerCase::stack(nn::Precision::kBf16), options, 11);
    LocalLearner b(LearnerCase::stack(nn::Precision::kBf16), options, 11);
    std::mt19937 rng(12);
    std::vector<float> windows, next, rewards, terminated;
    std::vector<int> actions;
    for (int step = 0; step < 3; ++step) {
      const LocalBatch batch = LearnerCase::batch(rng, windows, next, actions, rewards, terminated);
      const auto ma = a.update(batch);
      const auto mb = b.update(batch);
      for (size_t l = 0; l < ma.size(); ++l) EXPECT_EQ(ma[l].td_loss, mb[l].td_loss);
    }
    EXPECT_EQ(weights(a.online()), weights(b.online())) << threads << " thread(s)";
  }
}

}  // namespace
}  // namespace arq::local
