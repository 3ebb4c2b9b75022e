// The thin-shape GEMM backend (see gemm_backends.h). No packing, no reuse to exploit:
//   few rows of C:    each C row is a sum of scaled op(B) rows (B as stored) or of dot products
//                     with B's rows (B transposed);
//   few columns of C: each C column is op(A) times one op(B) column, as dot products with A's
//                     rows (A as stored) or as a sum of scaled A rows (A transposed).
// Strided op(B) columns are gathered into a per-thread buffer that only grows.

#include "arq/nn/gemm_backends.h"

namespace arq::nn::detail {
namespace {

using Index = Eigen::Index;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// out = alpha · value + beta · out, where beta == 0 ignores out's old value (even NaN).
template <typename Out, typename Value>
void blend(Out&& out, const Value& value, float alpha, float beta) {
  if (beta == 0.0f) {
    out = alpha * value;
  } else {
    out = alpha * value + beta * out;
  }
}

void few_rows(const ConstMatrixRef& a, bool ta, const ConstMatrixRef& b, bool tb, MatrixRef c,
              float alpha, float beta) {
  const Index m = c.rows(), n = c.cols();
  const Index k = ta ? a.rows() : a.cols();
  const auto a_at = [&](Index i, Index p) { return ta ? a(p, i) : a(i, p); };
  for (Index i = 0; i < m; ++i) {
    auto c_row = c.row(i);
    if (beta == 0.0f) {
      c_row.setZero();
    } else if (beta != 1.0f) {
      c_row *= beta;
    }
    if (!tb) {
      // Eight B rows per pass over the C row: an eighth of the C loads and stores.
      Index p = 0;
      for (; p + 8 <= k; p += 8) {
        c_row += (alpha * a_at(i, p)) * b.row(p) + (alpha * a_at(i, p + 1)) * b.row(p + 1) +
                 (alpha * a_at(i, p + 2)) * b.row(p + 2) + (alpha * a_at(i, p + 3)) * b.row(p + 3) +
                 (alpha * a_at(i, p + 4)) * b.row(p + 4) + (alpha * a_at(i, p + 5)) * b.row(p + 5) +
                 (alpha * a_at(i, p + 6)) * b.row(p + 6) + (alpha * a_at(i, p + 7)) * b.row(p + 7);
      }
      for (; p < k; ++p) c_row += (alpha * a_at(i, p)) * b.row(p);
    } else if (!ta) {
      for (Index j = 0; j < n; ++j) c_row(j) += alpha * a.row(i).dot(b.row(j));
    } else {
      for (Index j = 0; j < n; ++j) c_row(j) += alpha * a.col(i).transpose().dot(b.row(j));
    }
  }
}

void few_columns(const ConstMatrixRef& a, bool ta, const ConstMatrixRef& b, bool tb, MatrixRef c,
                 float alpha, float beta) {
  thread_local RowVector column_buffer, sum_buffer;
  const Index m = c.rows(), n = c.cols();
  const Index k = ta ? a.rows() : a.cols();
  if (column_buffer.size() < k) column_buffer.resize(k);
  if (ta && sum_buffer.size() < m) sum_buffer.resize(m);
  for (Index j = 0; j < n; ++j) {
    // op(B) column j as a contiguous row of k values.
    auto column = column_buffer.head(k);
    if (tb) {
      column = b.row(j);
    } else {
      column = b.col(j).transpose();
    }
    if (!ta) {
      for (Index i = 0; i < m; ++i) {
        const float dot = a.row(i).dot(column);
        c(i, j) = beta == 0.0f ? alpha * dot : alpha * dot + beta * c(i, j);
      }
    } else {
      auto sum = sum_buffer.head(m);
      sum.setZero();
      for (Index p = 0; p < k; ++p) sum += column(p) * a.row(p);
      blend(c.col(j), sum.transpose(), alpha, beta);
    }
  }
}

}  // namespace

void gemm_thin(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b, bool transpose_b,
               MatrixRef c, float alpha, float beta) {
  if (c.rows() <= c.cols()) {
    few_rows(a, transpose_a, b, transpose_b, c, alpha, beta);
  } else {
    few_columns(a, transpose_a, b, transpose_b, c, alpha, beta);
  }
}

}  // namespace arq::nn::detail
