#include "arq/agents/local/local_cell.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "arq/agents/local/reference/cell.h"
#include "arq/core/error.h"

namespace arq::local {
namespace {

namespace ref = reference;  // the plain double-precision cell the fast path is checked against

using ref::Cell;
using ref::CellGradients;
using ref::MatrixD;
using ref::VectorD;

constexpr int kBatch = 3, kInput = 10, kHidden = 12, kActions = 4;

// Every combination of the options: AD and ARQ, with and without action conditioning, both codes,
// both norm orders and (ARQ) every goodness.
std::vector<CellOptions> all_options() {
  std::vector<CellOptions> list;
  for (const CellKind kind : {CellKind::kAd, CellKind::kArq}) {
    for (const bool conditioning : {false, true}) {
      for (const ActionCode code : {ActionCode::kOneHot, ActionCode::kBinary}) {
        if (!conditioning && code == ActionCode::kBinary) continue;
        for (const NormOrder order : {NormOrder::kCode, NormOrder::kPaper}) {
          for (const Goodness goodness : {Goodness::kStd, Goodness::kRms, Goodness::kMean,
                                          Goodness::kMeanSquare, Goodness::kVariance}) {
            if (kind == CellKind::kAd && goodness != Goodness::kStd) continue;
            CellOptions o = kind == CellKind::kArq ? CellOptions::arq(kHidden, kActions, code)
                                                   : CellOptions::ad(kHidden, kActions);
            o.action_conditioning = conditioning;
            o.action_code = code;
            o.norm_order = order;
            o.goodness = goodness;
            list.push_back(o);
          }
        }
      }
    }
  }
  return list;
}

std::string case_name(const ::testing::TestParamInfo<CellOptions>& info) {
  const CellOptions& o = info.param;
  std::string name =
      to_string(o.kind) +
      (o.action_conditioning ? "_ac_" + to_string(o.action_code) : std::string("_noac")) + "_" +
      to_string(o.norm_order);
  if (o.kind == CellKind::kArq) name += "_" + to_string(o.goodness);
  return name;
}

// A cell with its initial parameters moved off their special values (γ = 1, β = 0), so every
// term of every gradient is exercised.
void perturb_parameters(LocalCell& cell, std::mt19937& rng) {
  std::uniform_real_distribution<float> noise(-0.15f, 0.15f);
  for (const nn::Parameter& p : cell.parameters()) {
    for (Eigen::Index i = 0; i < p.value->size(); ++i) p.value->data()[i] += noise(rng);
  }
}

nn::Matrix random_input(std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  nn::Matrix x(kBatch, kInput);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

// max |actual - expected| relative to max |expected|, or to `floor` when the expected values
// are all tinier than that (e.g. the attention bias gradient under std goodness, which is zero in
// exact arithmetic because the bias shifts every y_g alike).
double relative_error(const MatrixD& actual, const MatrixD& expected, double floor = 1e-12) {
  return (actual - expected).cwiseAbs().maxCoeff() /
         std::max(expected.cwiseAbs().maxCoeff(), floor);
}

class LocalCellTest : public ::testing::TestWithParam<CellOptions> {
 protected:
  void SetUp() override {
    rng_.seed(11);
    cell_ = std::make_unique<LocalCell>("layer0", GetParam(), kInput);
    nn::Rng init_rng(5);
    cell_->initialize(init_rng);
    perturb_parameters(*cell_, rng_);
    x_ = random_input(rng_);
    actions_ = {1, 3, 0};
    weights_ = VectorD(kBatch);
    weights_ << 0.7, -1.3, 0.4;
  }

  // L = Σ_b w_b·Q(x_b, a_b) through the fast forward.
  double fast_loss() {
    std::vector<float> q(kBatch);
    nn::Matrix h(kBatch, kHidden);
    cell_->forward_selected(x_, actions_, q, h);
    double loss = 0.0;
    for (int b = 0; b < kBatch; ++b) loss += weights_(b) * q[b];
    return loss;
  }

  void fast_gradients() {
    std::vector<float> q(kBatch);
    nn::Matrix h(kBatch, kHidden);
    cell_->forward_backward_selected(
        x_, actions_, [&](int row, float) { return static_cast<float>(weights_(row)); }, q, h);
  }

  void expect_forward_matches_reference();
  void expect_backward_matches_reference();

  std::mt19937 rng_;
  std::unique_ptr<LocalCell> cell_;
  nn::Matrix x_;
  std::vector<int> actions_;
  VectorD weights_;
};

TEST_P(LocalCellTest, ForwardMatchesNaiveTiledReference) {
  expect_forward_matches_reference();
}

TEST_P(LocalCellTest, LocalBackwardMatchesNaiveReference) {
  expect_backward_matches_reference();
}

// With input columns declared sparse and mostly zero (a binary observation), only their
// nonzeros are multiplied; the results are those of the dense computation.
TEST_P(LocalCellTest, SparseObservationColumnsGiveTheSameResults) {
  cell_->set_sparse_columns(2, 6);
  for (int b = 0; b < kBatch; ++b) {
    for (int c = 2; c < 8; ++c) x_(b, c) = 0.0f;
  }
  x_(0, 3) = 1.0f;  // 3 of 18 entries set: below the density limit
  x_(2, 2) = 1.0f;
  x_(2, 7) = 1.0f;
  expect_forward_matches_reference();
  expect_backward_matches_reference();
  // Denser than the limit: the dense path, same results.
  for (int c = 2; c < 8; ++c) x_(1, c) = 1.0f;
  expect_forward_matches_reference();
  expect_backward_matches_reference();
}

// Splitting rows and gradient columns over workers changes nothing but float rounding.
TEST_P(LocalCellTest, WorkerPoolGivesTheSameResults) {
  nn::Matrix q1(kBatch, kActions), h1(kBatch, kHidden), q2(kBatch, kActions), h2(kBatch, kHidden);
  std::vector<float> t1(kBatch), t2(kBatch);
  auto grad = [&](int row, float) { return static_cast<float>(weights_(row)); };
  cell_->forward_all(x_, q1, h1);
  cell_->forward_backward_selected(x_, actions_, grad, t1, h1);
  std::vector<nn::Matrix> grads1;
  for (const nn::Parameter& p : cell_->parameters()) grads1.push_back(*p.grad);
  WorkerPool pool(3);
  cell_->set_worker_pool(&pool);
  cell_->forward_all(x_, q2, h2);
  EXPECT_LT(relative_error(q2.cast<double>(), q1.cast<double>()), 1e-6);
  cell_->forward_backward_selected(x_, actions_, grad, t2, h2);
  const nn::ParameterList params = cell_->parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_LT(relative_error(params[i].grad->cast<double>(), grads1[i].cast<double>(), 1e-3), 1e-6)
        << params[i].name;
  }
  cell_->set_worker_pool(nullptr);
}

void LocalCellTest::expect_forward_matches_reference() {
  const Cell reference(GetParam(), ref::parameters_of(*cell_));
  nn::Matrix q(kBatch, kActions), h(kBatch, kHidden);
  cell_->forward_all(x_, q, h);
  const MatrixD x = x_.cast<double>();
  EXPECT_LT(relative_error(q.cast<double>(), reference.q_all(x)), 1e-5);
  EXPECT_LT(relative_error(h.cast<double>(), reference.hidden(x)), 1e-5);
  // The selected-action and loss passes give the same Q as the all-action pass.
  std::vector<float> selected(kBatch), trained(kBatch);
  nn::Matrix h_selected(kBatch, kHidden), h_trained(kBatch, kHidden);
  cell_->forward_selected(x_, actions_, selected, h_selected);
  cell_->forward_backward_selected(
      x_, actions_, [](int, float) { return 0.0f; }, trained, h_trained);
  for (int b = 0; b < kBatch; ++b) {
    EXPECT_FLOAT_EQ(selected[b], q(b, actions_[b]));
    EXPECT_FLOAT_EQ(trained[b], q(b, actions_[b]));
  }
  EXPECT_EQ(h_selected, h);
  EXPECT_EQ(h_trained, h);
}

void LocalCellTest::expect_backward_matches_reference() {
  const Cell reference(GetParam(), ref::parameters_of(*cell_));
  CellGradients expected;
  reference.loss_and_gradients(x_.cast<double>(), actions_, weights_, &expected);
  fast_gradients();
  // A tensor whose gradient is zero in exact arithmetic is compared against the scale of the
  // cell's other gradients instead of its own (float rounding noise).
  const double largest = std::max({expected.fc_h_kernel.cwiseAbs().maxCoeff(),
                                   expected.z1_kernel.cwiseAbs().maxCoeff(),
                                   expected.z2_kernel.cwiseAbs().maxCoeff()});
  auto check = [&](const std::string& suffix, const MatrixD& want) {
    const MatrixD got = ref::gradient_of(*cell_, suffix);
    ASSERT_EQ(got.size(), want.size()) << suffix;
    EXPECT_LT(relative_error(got, want, 1e-2 * largest), 1e-5) << suffix;
  };
  check(".fc_h.kernel", expected.fc_h_kernel);
  check(".fc_h.bias", expected.fc_h_bias.transpose());
  check(".layer_norm.scale", expected.ln_scale.transpose());
  check(".layer_norm.bias", expected.ln_bias.transpose());
  check(".fc_z1.kernel", expected.z1_kernel);
  check(".fc_z2.kernel", expected.z2_kernel);
  if (GetParam().norm_order == NormOrder::kPaper) {
    check(".attn_norm.scale", expected.attn_scale.transpose());
    check(".attn_norm.bias", expected.attn_bias.transpose());
  }
}

// The reference's own gradients agree with central differences of its loss (in double), so
// agreeing with it means agreeing with the mathematics.
TEST_P(LocalCellTest, NaiveReferenceMatchesFiniteDifferences) {
  Cell reference(GetParam(), ref::parameters_of(*cell_));
  const MatrixD x = x_.cast<double>();
  CellGradients grads;
  reference.loss_and_gradients(x, actions_, weights_, &grads);
  ref::CellParameters& p = reference.parameters();
  CellGradients scratch;
  auto loss = [&] { return reference.loss_and_gradients(x, actions_, weights_, &scratch); };
  std::mt19937 pick(3);
  auto check = [&](double* values, const double* analytic, Eigen::Index size,
                   const std::string& what) {
    for (int trial = 0; trial < 6; ++trial) {
      const Eigen::Index i = std::uniform_int_distribution<Eigen::Index>(0, size - 1)(pick);
      const double saved = values[i], step = 1e-6;
      values[i] = saved + step;
      const double plus = loss();
      values[i] = saved - step;
      const double minus = loss();
      values[i] = saved;
      EXPECT_NEAR(analytic[i], (plus - minus) / (2 * step),
                  1e-6 * std::max(1.0, std::abs(analytic[i])))
          << what << "[" << i << "]";
    }
  };
  check(p.fc_h_kernel.data(), grads.fc_h_kernel.data(), p.fc_h_kernel.size(), "fc_h.kernel");
  check(p.fc_h_bias.data(), grads.fc_h_bias.data(), p.fc_h_bias.size(), "fc_h.bias");
  check(p.ln_scale.data(), grads.ln_scale.data(), p.ln_scale.size(), "layer_norm.scale");
  check(p.ln_bias.data(), grads.ln_bias.data(), p.ln_bias.size(), "layer_norm.bias");
  check(p.z1_kernel.data(), grads.z1_kernel.data(), p.z1_kernel.size(), "fc_z1.kernel");
  check(p.z2_kernel.data(), grads.z2_kernel.data(), p.z2_kernel.size(), "fc_z2.kernel");
  if (GetParam().norm_order == NormOrder::kPaper) {
    check(p.attn_scale.data(), grads.attn_scale.data(), p.attn_scale.size(), "attn_norm.scale");
    check(p.attn_bias.data(), grads.attn_bias.data(), p.attn_bias.size(), "attn_norm.bias");
  }
}

// Central differences straight on the float cell, every parameter tensor, a few entries each.
TEST_P(LocalCellTest, FastCellMatchesFiniteDifferences) {
  fast_gradients();
  std::mt19937 pick(4);
  for (const nn::Parameter& p : cell_->parameters()) {
    const nn::Matrix analytic = *p.grad;
    const float scale = std::max(analytic.cwiseAbs().maxCoeff(), 1e-3f);
    for (int trial = 0; trial < 4; ++trial) {
      const Eigen::Index i =
          std::uniform_int_distribution<Eigen::Index>(0, p.value->size() - 1)(pick);
      float& value = p.value->data()[i];
      const float saved = value, step = 1e-2f * std::max(std::abs(saved), 0.1f);
      value = saved + step;
      const double plus = fast_loss();
      value = saved - step;
      const double minus = fast_loss();
      value = saved;
      const double numeric = (plus - minus) / (2.0 * step);
      // Float rounding of the loss (~1e-7 relative, a little more after many sums) divided by
      // the step bounds how well a difference quotient can resolve a near-zero gradient.
      const double rounding = 1e-6 * (std::abs(plus) + std::abs(minus)) / (2.0 * step);
      EXPECT_NEAR(numeric, analytic.data()[i], 2e-2 * scale + rounding)
          << p.name << "[" << i << "]";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllOptions, LocalCellTest, ::testing::ValuesIn(all_options()), case_name);

TEST(LocalCellOptionsTest, NamesShapesAndInitialisation) {
  LocalCell cell("layer1", CellOptions::arq(6, 4, ActionCode::kBinary), 9);
  nn::Rng rng(1);
  cell.initialize(rng);
  const nn::ParameterList params = cell.parameters();
  ASSERT_EQ(params.size(), 6u);
  EXPECT_EQ(params[0].name, "layer1.fc_h.kernel");
  EXPECT_EQ(params[0].value->rows(), 9);
  EXPECT_EQ(params[0].value->cols(), 6);
  EXPECT_EQ(params[1].name, "layer1.fc_h.bias");
  EXPECT_TRUE(params[1].value->isZero());
  EXPECT_EQ(params[2].name, "layer1.layer_norm.scale");
  EXPECT_TRUE(params[2].value->isOnes());
  EXPECT_EQ(params[3].name, "layer1.layer_norm.bias");
  EXPECT_EQ(params[4].name, "layer1.fc_z1.kernel");
  EXPECT_EQ(params[4].value->rows(), 9 + 2);  // D + log2(A) binary code columns
  EXPECT_EQ(params[4].value->cols(), 8 * 6);
  EXPECT_EQ(params[5].name, "layer1.fc_z2.kernel");
  EXPECT_EQ(params[5].value->cols(), 8 * 6);
  // Truncated LeCun normal: |w| < 2·sqrt(1/fan_in)/0.8796.
  const float bound = 2.0f * std::sqrt(1.0f / 11.0f) / 0.87962566f;
  EXPECT_LT(params[4].value->cwiseAbs().maxCoeff(), bound);
  EXPECT_GT(params[4].value->cwiseAbs().maxCoeff(), 0.5f * bound);

  CellOptions no_ac = CellOptions::arq(6, 3);
  no_ac.action_conditioning = false;
  LocalCell ablation("layer0", no_ac, 9);
  EXPECT_EQ(ablation.parameters()[5].value->cols(), 8 * 3 * 6);  // K·A·H
  LocalCell ad("layer0", CellOptions::ad(6, 3), 9);
  EXPECT_EQ(ad.parameters()[5].value->cols(), 8 * 3);  // K·A
  CellOptions paper = CellOptions::ad(6, 3);
  paper.norm_order = NormOrder::kPaper;
  LocalCell ad_paper("layer0", paper, 9);
  EXPECT_EQ(ad_paper.parameters().back().name, "layer0.attn_norm.bias");
}

TEST(LocalCellOptionsTest, RejectsBadOptionsAndInputs) {
  EXPECT_THROW(LocalCell("c", CellOptions::arq(6, 3, ActionCode::kBinary), 9), Error);
  EXPECT_THROW(LocalCell("c", CellOptions::arq(0, 3), 9), Error);
  EXPECT_THROW(LocalCell("c", CellOptions::arq(6, 3), 0), Error);
  EXPECT_THROW(parse_goodness("l2"), Error);
  EXPECT_EQ(parse_goodness("msq"), Goodness::kMeanSquare);
  EXPECT_EQ(parse_norm_order("paper"), NormOrder::kPaper);
  LocalCell cell("c", CellOptions::arq(6, 3), 9);
  nn::Matrix wrong(2, 8), q(2, 3), h(2, 6);
  EXPECT_THROW(cell.forward_all(wrong, q, h), Error);
  nn::Matrix x(2, 9);
  x.setRandom();
  std::vector<float> out(2);
  const std::vector<int> bad_actions = {0, 3};
  EXPECT_THROW(cell.forward_selected(x, bad_actions, out, h), Error);
}

}  // namespace
}  // namespace arq::local
