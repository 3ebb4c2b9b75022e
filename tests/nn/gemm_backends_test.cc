// Every GEMM backend, and the packed one at every ISA level the CPU has, against a double-precision
// naive product, over shapes that hit every edge of the packed kernel's blocking: partial 6-row and
// 16-column tiles, several 256-deep slices, more than one 2048-wide column block, B read in place
// (few rows) and packed (many rows).
#include "arq/nn/gemm_backends.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "arq/core/isa.h"
#include "arq/nn/gemm.h"
#include "arq/nn/rng.h"
#include "isa_levels.h"

namespace arq::nn::detail {
namespace {

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-1, 1));
  return m;
}

// alpha · op(A)·op(B) + beta · C0 in double.
Matrix reference(const Matrix& a, bool ta, const Matrix& b, bool tb, const Matrix& c0, float alpha,
                 float beta) {
  const Eigen::MatrixXd oa = ta ? Eigen::MatrixXd(a.transpose().cast<double>()) : a.cast<double>();
  const Eigen::MatrixXd ob = tb ? Eigen::MatrixXd(b.transpose().cast<double>()) : b.cast<double>();
  Eigen::MatrixXd c = double{alpha} * (oa * ob);
  if (beta != 0.0f) c += double{beta} * c0.cast<double>();
  return c.cast<float>();
}

struct Shape {
  Eigen::Index m, k, n;
};

using Backend = void (*)(const ConstMatrixRef&, bool, const ConstMatrixRef&, bool, MatrixRef, float,
                         float);

void check_backend(Backend backend, const std::string& backend_name) {
  const std::vector<Shape> shapes = {{1, 1, 1},      {5, 7, 3},     {6, 16, 16},  {7, 9, 17},
                                     {13, 33, 31},   {32, 300, 40}, {64, 20, 47}, {65, 20, 47},
                                     {130, 513, 35}, {7, 40, 2100}, {121, 10, 16}};
  Rng rng(42);
  for (const Shape& s : shapes) {
    for (int transposes = 0; transposes < 4; ++transposes) {
      const bool ta = (transposes & 1) != 0, tb = (transposes & 2) != 0;
      const Matrix a = ta ? random_matrix(s.k, s.m, rng) : random_matrix(s.m, s.k, rng);
      const Matrix b = tb ? random_matrix(s.n, s.k, rng) : random_matrix(s.k, s.n, rng);
      const Matrix c0 = random_matrix(s.m, s.n, rng);
      const float tolerance = 1e-5f * static_cast<float>(s.k) + 1e-5f;
      const std::string where = backend_name + " m=" + std::to_string(s.m) +
                                " k=" + std::to_string(s.k) + " n=" + std::to_string(s.n) +
                                " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb);
      {  // beta = 0 must ignore C entirely, even NaN.
        Matrix c = Matrix::Constant(s.m, s.n, std::numeric_limits<float>::quiet_NaN());
        backend(a, ta, b, tb, c, 1.0f, 0.0f);
        const Matrix expected = reference(a, ta, b, tb, c0, 1.0f, 0.0f);
        EXPECT_LE((c - expected).cwiseAbs().maxCoeff(), tolerance) << where << " beta=0";
      }
      {  // alpha and beta, writing into a column block of a wider matrix (row stride != n).
        Matrix wide = Matrix::Constant(s.m, s.n + 5, 7.0f);
        wide.middleCols(2, s.n) = c0;
        backend(a, ta, b, tb, wide.middleCols(2, s.n), -0.5f, 1.5f);
        const Matrix expected = reference(a, ta, b, tb, c0, -0.5f, 1.5f);
        EXPECT_LE((wide.middleCols(2, s.n) - expected).cwiseAbs().maxCoeff(), tolerance)
            << where << " alpha/beta";
        EXPECT_TRUE((wide.leftCols(2).array() == 7.0f).all()) << where;
        EXPECT_TRUE((wide.rightCols(3).array() == 7.0f).all()) << where;
      }
    }
  }
}

TEST(GemmBackends, EigenMatchesNaiveProduct) {
  check_backend(&gemm_eigen, "eigen");
}

TEST(GemmBackends, ThinMatchesNaiveProduct) {
  check_backend(&gemm_thin, "thin");
}

// The packed kernel at every ISA level, forced through the same override as nn.isa / ARQ_ISA;
// levels this CPU lacks are skipped.
class PackedAtLevel : public test::AtEachIsaLevel {};

TEST_P(PackedAtLevel, MatchesNaiveProduct) {
  ASSERT_EQ(active_isa_level(), GetParam());
  check_backend(&gemm_packed, "packed/" + std::string(isa_name(GetParam())));
}

TEST_P(PackedAtLevel, ReadsStridedInputs) {
  Rng rng(7);
  const Matrix a_wide = random_matrix(40, 70, rng);
  const Matrix b_wide = random_matrix(60, 50, rng);
  // op(A) = 40x33 block, op(B) = 33x34 block: both views have row strides larger than their width.
  const ConstMatrixRef a = a_wide.block(0, 3, 40, 33);
  const ConstMatrixRef b = b_wide.block(4, 9, 33, 34);
  Matrix c(40, 34);
  gemm_packed(a, false, b, false, c, 1.0f, 0.0f);
  const Matrix expected = (a.cast<double>() * b.cast<double>()).cast<float>();
  EXPECT_LE((c - expected).cwiseAbs().maxCoeff(), 1e-4f);
}

TEST_P(PackedAtLevel, EmptyInnerDimensionScalesC) {
  Matrix c = Matrix::Constant(3, 4, 2.0f);
  gemm_packed(Matrix(3, 0), false, Matrix(0, 4), false, c, 1.0f, 0.5f);
  EXPECT_EQ(c, Matrix::Constant(3, 4, 1.0f));
  gemm_packed(Matrix(3, 0), false, Matrix(0, 4), false, c, 1.0f, 0.0f);
  EXPECT_EQ(c, Matrix::Zero(3, 4));
}

// Same inputs, same level: the same bits (the determinism a run relies on).
TEST_P(PackedAtLevel, RepeatsBitForBit) {
  Rng rng(3);
  const Matrix a = random_matrix(130, 513, rng), b = random_matrix(513, 70, rng);
  Matrix first(130, 70), second(130, 70);
  gemm_packed(a, false, b, false, first, 1.0f, 0.0f);
  gemm_packed(a, false, b, false, second, 1.0f, 0.0f);
  EXPECT_EQ(first, second);
}

ARQ_INSTANTIATE_AT_EACH_ISA_LEVEL(PackedAtLevel);

TEST(GemmBackends, DispatchSendsThinShapesToTheThinKernel) {
  EXPECT_EQ(choose_gemm_backend(1, 400), GemmBackend::kThin);  // acting at batch 1
  EXPECT_EQ(choose_gemm_backend(512, 1), GemmBackend::kThin);  // a 1-wide head
  EXPECT_EQ(choose_gemm_backend(32, 6), GemmBackend::kThin);   // a 6-action output layer
  EXPECT_EQ(choose_gemm_backend(32, 400), GemmBackend::kPacked);
}

}  // namespace
}  // namespace arq::nn::detail
