#include "arq/agents/local/bilinear_block.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "arq/agents/local/reference/block.h"
#include "arq/core/error.h"
#include "arq/core/isa.h"

namespace arq::local {
namespace {

namespace ref = reference;  // the plain double-precision cell the fast path is checked against

using ref::MatrixD;
using ref::VectorD;

MatrixD random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng, double scale = 1.0,
                      double offset = 0.0) {
  std::normal_distribution<double> normal(0.0, 1.0);
  MatrixD m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = offset + scale * normal(rng);
  return m;
}

VectorD random_vector(Eigen::Index n, std::mt19937& rng, double scale = 1.0, double offset = 0.0) {
  return random_matrix(n, 1, rng, scale, offset);
}

// max |actual - expected| relative to max |expected|.
double relative_error(const std::vector<float>& actual, const VectorD& expected) {
  double diff = 0.0, size = 1e-12;
  for (Eigen::Index i = 0; i < expected.size(); ++i) {
    diff = std::max(diff, std::abs(actual[i] - expected(i)));
    size = std::max(size, std::abs(expected(i)));
  }
  return diff / size;
}

// The reference's analytic gradients agree with central differences of its forward pass.
TEST(ReferenceBlockTest, BackwardMatchesFiniteDifferences) {
  for (const NormOrder order : {NormOrder::kCode, NormOrder::kPaper}) {
    std::mt19937 rng(7);
    MatrixD z1 = random_matrix(3, 5, rng, 1.0, 0.3);
    MatrixD z2 = random_matrix(3, 4, rng);
    VectorD h = random_vector(5, rng);
    VectorD scale = random_vector(5, rng, 0.3, 1.0);
    VectorD bias = random_vector(5, rng, 0.2);
    const VectorD grad_y = random_vector(4, rng);
    const ref::BlockGradients grads = ref::block_backward(z1, z2, h, order, scale, bias, grad_y);
    auto loss = [&] { return grad_y.dot(ref::block_forward(z1, z2, h, order, scale, bias)); };
    auto check = [&](double* value, double analytic, const std::string& what) {
      const double step = 1e-6, saved = *value;
      *value = saved + step;
      const double plus = loss();
      *value = saved - step;
      const double minus = loss();
      *value = saved;
      EXPECT_NEAR(analytic, (plus - minus) / (2 * step), 1e-6) << what;
    };
    for (Eigen::Index i = 0; i < z1.size(); ++i) check(&z1.data()[i], grads.z1.data()[i], "z1");
    for (Eigen::Index i = 0; i < z2.size(); ++i) check(&z2.data()[i], grads.z2.data()[i], "z2");
    for (Eigen::Index i = 0; i < h.size(); ++i) check(&h(i), grads.h(i), "h");
    if (order == NormOrder::kPaper) {
      for (Eigen::Index i = 0; i < 5; ++i) check(&scale(i), grads.scale(i), "scale");
      for (Eigen::Index i = 0; i < 5; ++i) check(&bias(i), grads.bias(i), "bias");
    }
  }
}

// heads, hidden, rows, norm order, keep tanh values from forward for backward, ISA level. At the
// AVX-512 level code order with 8 or more rows runs the one-row-per-lane kernels: 13 and 40 rows
// leave a partial tile of 16, hidden 13 and 40 a partial chunk of 16 columns.
using BlockCase = std::tuple<int, int, int, NormOrder, bool, IsaLevel>;

class BilinearBlockTest : public ::testing::TestWithParam<BlockCase> {};

TEST_P(BilinearBlockTest, MatchesReferenceForwardAndBackward) {
  const auto [heads, hidden, rows, order, keep_tanh, level] = GetParam();
  if (!cpu_supports(level)) GTEST_SKIP() << "this CPU lacks " << isa_name(level);
  const ScopedIsaLevel scoped_level(level);
  std::mt19937 rng(static_cast<unsigned>(heads * 1000 + hidden * 10 + rows));
  // Z1 with per-head offsets so centring matters; Z2 stored with a stride wider than its rows.
  // Paper order takes tanh of raw M: keep M moderate, because a row saturated at ±1 has a tiny
  // variance that LayerNorm amplifies, and float resolution near ±1 (6e-8) then limits agreement.
  const MatrixD z1 = random_matrix(heads, hidden, rng, 1.0, 0.7);
  const MatrixD z2 = random_matrix(heads, rows, rng, order == NormOrder::kPaper ? 0.3 : 1.0);
  const VectorD h = random_vector(hidden, rng);
  const VectorD scale = random_vector(hidden, rng, 0.3, 1.0);
  const VectorD bias = random_vector(hidden, rng, 0.2);
  const VectorD grad_y = random_vector(rows, rng);

  BilinearBlock block(heads, hidden, rows, order);
  const int z2_stride = rows + 3;
  std::vector<float> z2_data(static_cast<size_t>(heads) * z2_stride, 99.0f);
  for (int k = 0; k < heads; ++k) {
    for (int j = 0; j < hidden; ++j)
      block.z1()[k * block.stride() + j] = static_cast<float>(z1(k, j));
    for (int g = 0; g < rows; ++g) z2_data[k * z2_stride + g] = static_cast<float>(z2(k, g));
  }
  block.prepare();
  const std::vector<float> h_f(h.data(), h.data() + hidden);
  const std::vector<float> scale_f(scale.data(), scale.data() + hidden);
  const std::vector<float> bias_f(bias.data(), bias.data() + hidden);
  const std::vector<float> grad_y_f(grad_y.data(), grad_y.data() + rows);
  block.set_affine(scale_f.data(), bias_f.data());

  std::vector<float> y(rows), saved(static_cast<size_t>(rows) * block.stride());
  block.forward(z2_data.data(), z2_stride, rows, h_f.data(), y.data(),
                keep_tanh ? saved.data() : nullptr);
  const VectorD y_ref = ref::block_forward(z1, z2, h, order, scale, bias);
  EXPECT_LT(relative_error(y, y_ref), 1e-5);

  std::vector<float> grad_z1(static_cast<size_t>(heads) * block.stride());
  std::vector<float> grad_z2(static_cast<size_t>(heads) * z2_stride, 0.0f);
  std::vector<float> grad_h(hidden, 0.5f), grad_scale(hidden, 0.25f), grad_bias(hidden, -0.5f);
  block.backward(z2_data.data(), z2_stride, rows, h_f.data(), grad_y_f.data(), grad_z1.data(),
                 grad_z2.data(), z2_stride, grad_h.data(), grad_scale.data(), grad_bias.data(),
                 keep_tanh ? saved.data() : nullptr);
  const ref::BlockGradients want = ref::block_backward(z1, z2, h, order, scale, bias, grad_y);

  std::vector<float> grad_z1_packed, grad_z2_packed;
  VectorD ref_z1(heads * hidden), ref_z2(heads * rows);
  for (int k = 0; k < heads; ++k) {
    for (int j = 0; j < hidden; ++j) {
      grad_z1_packed.push_back(grad_z1[k * block.stride() + j]);
      ref_z1(k * hidden + j) = want.z1(k, j);
    }
    for (int g = 0; g < rows; ++g) {
      grad_z2_packed.push_back(grad_z2[k * z2_stride + g]);
      ref_z2(k * rows + g) = want.z2(k, g);
    }
  }
  EXPECT_LT(relative_error(grad_z1_packed, ref_z1), 1e-5);
  EXPECT_LT(relative_error(grad_z2_packed, ref_z2), 1e-5);
  // grad_h, grad_scale and grad_bias accumulate onto what they held.
  EXPECT_LT(relative_error(grad_h, (want.h.array() + 0.5).matrix()), 1e-5);
  if (order == NormOrder::kPaper) {
    EXPECT_LT(relative_error(grad_scale, (want.scale.array() + 0.25).matrix()), 1e-5);
    EXPECT_LT(relative_error(grad_bias, (want.bias.array() - 0.5).matrix()), 1e-5);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, BilinearBlockTest,
                         ::testing::Combine(::testing::Values(8, 3), ::testing::Values(16, 13, 40),
                                            ::testing::Values(1, 5, 13, 40),
                                            ::testing::Values(NormOrder::kCode, NormOrder::kPaper),
                                            ::testing::Bool(),
                                            ::testing::ValuesIn(all_isa_levels())));

TEST(BilinearBlockErrorsTest, RejectsTooManyRowsAndMissingAffine) {
  BilinearBlock block(2, 4, 3, NormOrder::kCode);
  std::vector<float> z2(8, 1.0f), h(4, 1.0f), y(4);
  block.prepare();
  EXPECT_THROW(block.forward(z2.data(), 4, 4, h.data(), y.data()), Error);
  BilinearBlock paper(2, 4, 3, NormOrder::kPaper);
  paper.prepare();
  EXPECT_THROW(paper.forward(z2.data(), 4, 1, h.data(), y.data()), Error);
}

}  // namespace
}  // namespace arq::local
