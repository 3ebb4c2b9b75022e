#include "arq/nn/gemm.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

Matrix naive(const Matrix& a, bool ta, const Matrix& b, bool tb) {
  const Matrix oa = ta ? Matrix(a.transpose()) : a;
  const Matrix ob = tb ? Matrix(b.transpose()) : b;
  Matrix c = Matrix::Zero(oa.rows(), ob.cols());
  for (int i = 0; i < oa.rows(); ++i) {
    for (int j = 0; j < ob.cols(); ++j) {
      double sum = 0.0;
      for (int k = 0; k < oa.cols(); ++k) sum += double(oa(i, k)) * ob(k, j);
      c(i, j) = static_cast<float>(sum);
    }
  }
  return c;
}

TEST(Gemm, AllTransposesMatchNaiveProductWithAlphaBeta) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      const Matrix a = ta ? Matrix::Random(7, 5) : Matrix::Random(5, 7);
      const Matrix b = tb ? Matrix::Random(3, 7) : Matrix::Random(7, 3);
      const Matrix c0 = Matrix::Random(5, 3);
      Matrix c = c0;
      gemm(a, ta ? Transpose::kYes : Transpose::kNo, b, tb ? Transpose::kYes : Transpose::kNo, c,
           0.5f, 2.0f);
      const Matrix expected = 0.5f * naive(a, ta, b, tb) + 2.0f * c0;
      EXPECT_LT((c - expected).cwiseAbs().maxCoeff(), 1e-5f) << ta << tb;
    }
  }
}

TEST(Gemm, WritesIntoColumnBlocksOfAWiderMatrix) {
  const Matrix a = Matrix::Random(4, 6);
  const Matrix b = Matrix::Random(6, 2);
  Matrix wide = Matrix::Constant(4, 5, 9.0f);
  gemm(a, Transpose::kNo, b, Transpose::kNo, wide.middleCols(1, 2));
  EXPECT_LT((wide.middleCols(1, 2) - naive(a, false, b, false)).cwiseAbs().maxCoeff(), 1e-5f);
  EXPECT_EQ(wide(0, 0), 9.0f);
  EXPECT_EQ(wide(3, 4), 9.0f);
}

TEST(Gemm, RejectsMismatchedShapes) {
  Matrix c(2, 2);
  EXPECT_THROW(gemm(Matrix::Zero(2, 3), Transpose::kNo, Matrix::Zero(4, 2), Transpose::kNo, c),
               Error);
}

}  // namespace
}  // namespace arq::nn
