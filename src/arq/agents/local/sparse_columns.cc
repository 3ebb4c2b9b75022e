#include "arq/agents/local/sparse_columns.h"

#include <algorithm>
#include <cstddef>

#include "arq/agents/local/sparse_columns_kernels.h"
#include "arq/agents/local/vec8.h"
#include "arq/core/isa.h"

namespace arq::local {
namespace {

// Columns handled per pass so that `height` rows of them take at most ~256 KB, half of a
// core's L2: they stay there while the sparse entries read them.
int column_chunk(int height) {
  constexpr int kBytes = 256 * 1024;
  const int chunk = kBytes / (static_cast<int>(sizeof(float)) * std::max(height, 1));
  return std::max(4 * kLanes, chunk / (4 * kLanes) * (4 * kLanes));
}

// kVectors·8 output columns held in registers while the sparse terms are added:
// acc[j] = fma(value[e], source[index[e]][j], acc[j]) for e in [begin, end), in order. Each
// output element is loaded and stored once instead of once per nonzero.
template <int kVectors>
inline void accumulate_tile(float* target, const float* base, std::ptrdiff_t stride,
                            const int* index, const float* value, int begin, int end) {
  Vec8 acc[kVectors];
  for (int v = 0; v < kVectors; ++v) acc[v] = load8(target + v * kLanes);
  for (int e = begin; e < end; ++e) {
    const Vec8 a = splat(value[e]);
    const float* source = base + index[e] * stride;
    for (int v = 0; v < kVectors; ++v) acc[v] += a * load8(source + v * kLanes);
  }
  for (int v = 0; v < kVectors; ++v) store8(target + v * kLanes, acc[v]);
}

// The same for columns [0, n) of one output row, tile by tile; a scalar loop for the last
// n mod 8 columns.
inline void accumulate_row(float* target, const float* base, std::ptrdiff_t stride,
                           const int* index, const float* value, int begin, int end, int n) {
  int j = 0;
  for (; j + 4 * kLanes <= n; j += 4 * kLanes) {
    accumulate_tile<4>(target + j, base + j, stride, index, value, begin, end);
  }
  if (j + 2 * kLanes <= n) {
    accumulate_tile<2>(target + j, base + j, stride, index, value, begin, end);
    j += 2 * kLanes;
  }
  if (j + kLanes <= n) {
    accumulate_tile<1>(target + j, base + j, stride, index, value, begin, end);
    j += kLanes;
  }
  for (; j < n; ++j) {
    float acc = target[j];
    for (int e = begin; e < end; ++e) acc += value[e] * base[index[e] * stride + j];
    target[j] = acc;
  }
}

// True if any of the 8 floats at p is nonzero (NaN counts as nonzero, as for `!= 0.0f`).
inline bool any_nonzero8(const float* p) {
#if defined(__AVX__)
  const __m256 nonzero = _mm256_cmp_ps(_mm256_loadu_ps(p), _mm256_setzero_ps(), _CMP_NEQ_UQ);
  return _mm256_movemask_ps(nonzero) != 0;
#else
  for (int i = 0; i < kLanes; ++i) {
    if (p[i] != 0.0f) return true;
  }
  return false;
#endif
}

}  // namespace

double SparseColumns::gather(const nn::ConstMatrixRef& x, int begin, int width) {
  rows_ = static_cast<int>(x.rows());
  width_ = width;
  row_start_.resize(rows_ + 1);
  column_.clear();
  value_.clear();
  column_start_.assign(width + 1, 0);
  for (int b = 0; b < rows_; ++b) {
    row_start_[b] = static_cast<int>(column_.size());
    const float* row = x.row(b).data() + begin;
    int i = 0;
    for (; i + kLanes <= width; i += kLanes) {
      if (!any_nonzero8(row + i)) continue;  // most blocks of 8 are empty
      for (int j = i; j < i + kLanes; ++j) {
        if (row[j] != 0.0f) {
          column_.push_back(j);
          value_.push_back(row[j]);
        }
      }
    }
    for (; i < width; ++i) {
      if (row[i] != 0.0f) {
        column_.push_back(i);
        value_.push_back(row[i]);
      }
    }
  }
  row_start_[rows_] = static_cast<int>(column_.size());
  // The same entries by column (a counting sort; rows stay in increasing order).
  for (const int c : column_) ++column_start_[c + 1];
  for (int c = 0; c < width; ++c) column_start_[c + 1] += column_start_[c];
  row_of_.resize(column_.size());
  column_value_.resize(column_.size());
  std::vector<int>& next = fill_position_;
  next.assign(column_start_.begin(), column_start_.end() - 1);
  for (int b = 0; b < rows_; ++b) {
    for (int e = row_start_[b]; e < row_start_[b + 1]; ++e) {
      const int slot = next[column_[e]]++;
      row_of_[slot] = b;
      column_value_[slot] = value_[e];
    }
  }
  return density();
}

double SparseColumns::density() const {
  const double cells = static_cast<double>(rows_) * width_;
  return cells > 0 ? static_cast<double>(column_.size()) / cells : 0.0;
}

void SparseColumns::multiply_accumulate(const nn::ConstMatrixRef& w, nn::MatrixRef out,
                                        int first_row, int end_row) const {
  const int columns = static_cast<int>(w.cols()), chunk = column_chunk(width_);
  const std::ptrdiff_t stride = static_cast<long>(w.outerStride());
  const float* w_data = w.data();
  float* out_data = out.data();
  const std::ptrdiff_t out_stride = out.outerStride();
  if (active_isa_level() == IsaLevel::kAvx512) {
    for (int first = 0; first < columns; first += chunk) {
      const int n = std::min(chunk, columns - first);
      for (int b = first_row; b < end_row; ++b) {
        detail::sparse_accumulate_row_avx512(out_data + b * out_stride + first, w_data + first,
                                             stride, column_.data(), value_.data(), row_start_[b],
                                             row_start_[b + 1], n);
      }
    }
    return;
  }
  run_at_isa_level([&] {
    for (int first = 0; first < columns; first += chunk) {
      const int n = std::min(chunk, columns - first);
      for (int b = first_row; b < end_row; ++b) {
        accumulate_row(out_data + b * out_stride + first, w_data + first, stride, column_.data(),
                       value_.data(), row_start_[b], row_start_[b + 1], n);
      }
    }
  });
}

void SparseColumns::transpose_multiply(const nn::ConstMatrixRef& grad_out,
                                       nn::MatrixRef grad_w) const {
  // Column blocks of grad_out small enough to stay in L2 while every recorded column reads its
  // rows from them.
  const int columns = static_cast<int>(grad_out.cols()), chunk = column_chunk(rows_);
  const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(grad_out.outerStride());
  const float* grad_out_data = grad_out.data();
  float* grad_w_data = grad_w.data();
  const std::ptrdiff_t grad_w_stride = grad_w.outerStride();
  if (active_isa_level() == IsaLevel::kAvx512) {
    for (int first = 0; first < columns; first += chunk) {
      const int n = std::min(chunk, columns - first);
      for (int c = 0; c < width_; ++c) {
        float* target = grad_w_data + c * grad_w_stride + first;
        std::fill(target, target + n, 0.0f);
        detail::sparse_accumulate_row_avx512(target, grad_out_data + first, stride, row_of_.data(),
                                             column_value_.data(), column_start_[c],
                                             column_start_[c + 1], n);
      }
    }
    return;
  }
  run_at_isa_level([&] {
    for (int first = 0; first < columns; first += chunk) {
      const int n = std::min(chunk, columns - first);
      for (int c = 0; c < width_; ++c) {
        float* target = grad_w_data + c * grad_w_stride + first;
        for (int j = 0; j < n; ++j) target[j] = 0.0f;
        accumulate_row(target, grad_out_data + first, stride, row_of_.data(), column_value_.data(),
                       column_start_[c], column_start_[c + 1], n);
      }
    }
  });
}

}  // namespace arq::local
