#include "arq/agents/local/sparse_columns.h"

#include <algorithm>

namespace arq::local {
namespace {

// Columns of W handled per pass: the block's rows of W for this many columns take at most
// ~256 KB, half of a core's L2.
int column_chunk(int width) {
  constexpr int kBytes = 256 * 1024;
  const int chunk = kBytes / (static_cast<int>(sizeof(float)) * std::max(width, 1));
  return std::max(16, chunk / 16 * 16);
}

inline void axpy(float a, const float* __restrict x, float* __restrict y, int n) {
  for (int j = 0; j < n; ++j) y[j] += a * x[j];
}

}  // namespace

double SparseColumns::gather(const nn::ConstMatrixRef& x, int begin, int width) {
  rows_ = static_cast<int>(x.rows());
  width_ = width;
  row_start_.resize(rows_ + 1);
  column_.clear();
  value_.clear();
  for (int b = 0; b < rows_; ++b) {
    row_start_[b] = static_cast<int>(column_.size());
    const float* row = x.row(b).data() + begin;
    for (int i = 0; i < width; ++i) {
      if (row[i] != 0.0f) {
        column_.push_back(i);
        value_.push_back(row[i]);
      }
    }
  }
  row_start_[rows_] = static_cast<int>(column_.size());
  const double cells = static_cast<double>(rows_) * width;
  return cells > 0 ? static_cast<double>(column_.size()) / cells : 0.0;
}

void SparseColumns::multiply_accumulate(const nn::ConstMatrixRef& w, nn::MatrixRef out,
                                        int first_row, int end_row) const {
  const int columns = static_cast<int>(w.cols()), chunk = column_chunk(width_);
  for (int first = 0; first < columns; first += chunk) {
    const int n = std::min(chunk, columns - first);
    for (int b = first_row; b < end_row; ++b) {
      float* target = out.row(b).data() + first;
      for (int e = row_start_[b]; e < row_start_[b + 1]; ++e) {
        axpy(value_[e], w.row(column_[e]).data() + first, target, n);
      }
    }
  }
}

void SparseColumns::transpose_multiply(const nn::ConstMatrixRef& grad_out,
                                       nn::MatrixRef grad_w) const {
  grad_w.setZero();
  const int columns = static_cast<int>(grad_out.cols()), chunk = column_chunk(width_);
  for (int first = 0; first < columns; first += chunk) {
    const int n = std::min(chunk, columns - first);
    for (int b = 0; b < rows_; ++b) {
      const float* source = grad_out.row(b).data() + first;
      for (int e = row_start_[b]; e < row_start_[b + 1]; ++e) {
        axpy(value_[e], source, grad_w.row(column_[e]).data() + first, n);
      }
    }
  }
}

}  // namespace arq::local
