// The thin-shape GEMM backend (see gemm_backends.h): C row by row, each row either a sum of
// scaled B rows (B not transposed) or a set of dot products (B transposed). Both walk B's
// contiguous rows, need no packing and no scratch memory.
#include "arq/nn/gemm_backends.h"

namespace arq::nn::detail {

void gemm_thin(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b, bool transpose_b,
               MatrixRef c, float alpha, float beta) {
  const Eigen::Index m = c.rows(), n = c.cols();
  const Eigen::Index k = transpose_a ? a.rows() : a.cols();
  const auto a_at = [&](Eigen::Index i, Eigen::Index p) { return transpose_a ? a(p, i) : a(i, p); };
  for (Eigen::Index i = 0; i < m; ++i) {
    auto c_row = c.row(i);
    if (beta == 0.0f) {
      c_row.setZero();
    } else if (beta != 1.0f) {
      c_row *= beta;
    }
    if (!transpose_b) {
      // Four B rows per pass over the C row: a quarter of the C loads and stores.
      Eigen::Index p = 0;
      for (; p + 4 <= k; p += 4) {
        c_row += (alpha * a_at(i, p)) * b.row(p) + (alpha * a_at(i, p + 1)) * b.row(p + 1) +
                 (alpha * a_at(i, p + 2)) * b.row(p + 2) + (alpha * a_at(i, p + 3)) * b.row(p + 3);
      }
      for (; p < k; ++p) c_row += (alpha * a_at(i, p)) * b.row(p);
    } else if (!transpose_a) {
      for (Eigen::Index j = 0; j < n; ++j) c_row(j) += alpha * a.row(i).dot(b.row(j));
    } else {
      for (Eigen::Index j = 0; j < n; ++j) {
        c_row(j) += alpha * a.col(i).transpose().dot(b.row(j));
      }
    }
  }
}

}  // namespace arq::nn::detail
