// The packed GEMM backend (see gemm_backends.h). Loop nest and blocking follow
// BLIS:
//   for each NC-wide column block of op(B), for each KC-deep slice:
//     pack op(B)[KC x NC] into 16-column panels            (stays in L3/L2)
//     for each MC-tall row block of op(A):
//       pack op(A)[MC x KC] into 6-row panels               (stays in L2)
//       for each 16-column panel, each 6-row panel: 6x16 micro-kernel (L1: one
//       B panel)
// Edge tiles run the same kernel with fewer rows and, for at most 8 columns,
// one vector of columns (template parameters); B columns past the edge are
// zero-padded.
#include <algorithm>
#include <cstdlib>
#include <new>

#include "arq/core/error.h"
#include "arq/nn/gemm_backends.h"

#if defined(__AVX2__) && defined(__FMA__) && !defined(__AVX512F__)
#define ARQ_GEMM_PACKED 1
#include <immintrin.h>
#endif

namespace arq::nn::detail {

#if ARQ_GEMM_PACKED
namespace {

using Index = Eigen::Index;

constexpr Index kRowsPerTile =
    6; // MR: 6 rows x 2 vectors = 12 accumulators of 16 ymm
constexpr Index kColsPerTile = 16; // NR: two 8-float vectors
constexpr Index kDepthBlock = 256; // KC: a 256x16 B panel is 16 KiB, half of L1
constexpr Index kRowBlock = 120;  // MC: a 120x256 A block is 120 KiB, within L2
constexpr Index kColBlock = 2048; // NC: a 256x2048 B block is 2 MiB
// Up to this many rows of C, full 16-column panels of a non-transposed B are
// read in place: with few row tiles per panel, packing B costs more than the
// strided reads it saves.
constexpr Index kMaxRowsForUnpackedB = 64;

// 64-byte aligned per-thread storage that only grows.
class PackBuffer {
public:
  PackBuffer() = default;
  PackBuffer(const PackBuffer &) = delete;
  PackBuffer &operator=(const PackBuffer &) = delete;
  ~PackBuffer() { std::free(data_); }

  float *reserve(Index floats) {
    if (floats > capacity_) {
      std::free(data_);
      const size_t bytes =
          (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float *>(std::aligned_alloc(64, bytes));
      if (data_ == nullptr)
        throw std::bad_alloc();
      capacity_ = floats;
    }
    return data_;
  }

private:
  float *data_ = nullptr;
  Index capacity_ = 0;
};

struct Operand {
  const float *data;
  Index stride; // distance between rows of the stored (row-major) matrix
  bool transposed;
  // Element (row, col) of op(X).
  float at(Index row, Index col) const {
    return transposed ? data[col * stride + row] : data[row * stride + col];
  }
};

// Transposes 8x8 floats held in registers: afterwards r[c] holds what was
// column c.
inline void transpose_8x8(__m256 r[8]) {
  __m256 t[8];
  // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
  for (int i = 0; i < 8; ++i)
    r[i] = t[i];
}

// Floats pack_a may write past the end of a block (see there).
constexpr Index kPackASlack = 8;

// op(A)[i0 : i0+rows, k0 : k0+depth] into 6-row panels, element (i, k) of a
// panel at k·6 + i; rows past the end are zero. A stored row-major is
// transposed 8 columns at a time in registers; each 8-float store runs 2 floats
// into the next k (or past the block, hence kPackASlack), which the next store
// overwrites.
void pack_a(const Operand &a, Index i0, Index rows, Index k0, Index depth,
            float *out) {
  for (Index panel = 0; panel < rows; panel += kRowsPerTile) {
    const Index valid = std::min(kRowsPerTile, rows - panel);
    if (!a.transposed) {
      const Index vector_depth = valid == kRowsPerTile ? depth / 8 * 8 : 0;
      const float *first_row = a.data + (i0 + panel) * a.stride + k0;
      for (Index k = 0; k < vector_depth; k += 8) {
        __m256 r[8];
        for (int i = 0; i < kRowsPerTile; ++i)
          r[i] = _mm256_loadu_ps(first_row + i * a.stride + k);
        r[6] = r[7] = _mm256_setzero_ps();
        transpose_8x8(r);
        for (int t = 0; t < 8; ++t)
          _mm256_storeu_ps(out + (k + t) * kRowsPerTile, r[t]);
      }
      for (Index i = 0; i < kRowsPerTile; ++i) {
        if (i < valid) {
          const float *source = first_row + i * a.stride;
          for (Index k = vector_depth; k < depth; ++k)
            out[k * kRowsPerTile + i] = source[k];
        } else {
          for (Index k = vector_depth; k < depth; ++k)
            out[k * kRowsPerTile + i] = 0.0f;
        }
      }
    } else {
      for (Index k = 0; k < depth; ++k) {
        const float *source = a.data + (k0 + k) * a.stride + i0 + panel;
        for (Index i = 0; i < kRowsPerTile; ++i) {
          out[k * kRowsPerTile + i] = i < valid ? source[i] : 0.0f;
        }
      }
    }
    out += kRowsPerTile * depth;
  }
}

// op(B)[k0 : k0+depth, j0 : j0+cols] into 16-column panels, element (k, j) of a
// panel at k·16 + j; columns past the end are zero.
void pack_b(const Operand &b, Index k0, Index depth, Index j0, Index cols,
            float *out) {
  for (Index panel = 0; panel < cols; panel += kColsPerTile) {
    const Index valid = std::min(kColsPerTile, cols - panel);
    if (!b.transposed) {
      for (Index k = 0; k < depth; ++k) {
        const float *source = b.data + (k0 + k) * b.stride + j0 + panel;
        float *target = out + k * kColsPerTile;
        if (valid == kColsPerTile) {
          _mm256_store_ps(target, _mm256_loadu_ps(source));
          _mm256_store_ps(target + 8, _mm256_loadu_ps(source + 8));
        } else {
          for (Index j = 0; j < kColsPerTile; ++j)
            target[j] = j < valid ? source[j] : 0.0f;
        }
      }
    } else {
      // B stored [n, k]: each panel is a transpose. Full 8x8 blocks go through
      // registers.
      const Index vector_depth = valid == kColsPerTile ? depth / 8 * 8 : 0;
      for (Index k = 0; k < vector_depth; k += 8) {
        for (Index group = 0; group < kColsPerTile; group += 8) {
          const float *rows_start =
              b.data + (j0 + panel + group) * b.stride + k0 + k;
          __m256 r[8];
          for (int i = 0; i < 8; ++i)
            r[i] = _mm256_loadu_ps(rows_start + i * b.stride);
          transpose_8x8(r);
          for (int i = 0; i < 8; ++i)
            _mm256_store_ps(out + (k + i) * kColsPerTile + group, r[i]);
        }
      }
      for (Index j = 0; j < kColsPerTile; ++j) {
        if (j < valid) {
          const float *source = b.data + (j0 + panel + j) * b.stride + k0;
          for (Index k = vector_depth; k < depth; ++k)
            out[k * kColsPerTile + j] = source[k];
        } else {
          for (Index k = vector_depth; k < depth; ++k)
            out[k * kColsPerTile + j] = 0.0f;
        }
      }
    }
    out += kColsPerTile * depth;
  }
}

// C[0:kRows, 0:cols] = alpha · Apanel · Bpanel + beta · C, where the B panel's
// rows are b_row_stride apart (16 when packed, the matrix stride when read in
// place) and cols <= 8 · kVectors. A panel with at most 8 valid columns runs
// with kVectors = 1, so narrow products do not pay for 16 columns.
template <int kRows, int kVectors>
void micro_kernel(Index depth, const float *a_panel, const float *b_panel,
                  Index b_row_stride, float *c, Index c_stride, Index cols,
                  float alpha, float beta) {
  __m256 acc[kRows][kVectors];
#pragma GCC unroll 6
  for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v)
      acc[i][v] = _mm256_setzero_ps();
  }
  for (Index k = 0; k < depth; ++k) {
    __m256 b[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v)
      b[v] = _mm256_loadu_ps(b_panel + 8 * v);
#pragma GCC unroll 6
    for (int i = 0; i < kRows; ++i) {
      const __m256 a = _mm256_broadcast_ss(a_panel + i);
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v)
        acc[i][v] = _mm256_fmadd_ps(a, b[v], acc[i][v]);
    }
    a_panel += kRowsPerTile;
    b_panel += b_row_stride;
  }
  const __m256 alpha_v = _mm256_set1_ps(alpha);
  const __m256 beta_v = _mm256_set1_ps(beta);
  if (cols == 8 * kVectors) {
#pragma GCC unroll 6
    for (int i = 0; i < kRows; ++i) {
      float *row = c + i * c_stride;
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) {
        __m256 value = _mm256_mul_ps(alpha_v, acc[i][v]);
        if (beta != 0.0f)
          value = _mm256_fmadd_ps(beta_v, _mm256_loadu_ps(row + 8 * v), value);
        _mm256_storeu_ps(row + 8 * v, value);
      }
    }
  } else {
    alignas(32) float tile_row[8 * kVectors];
#pragma GCC unroll 6
    for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v)
        _mm256_store_ps(tile_row + 8 * v, acc[i][v]);
      float *row = c + i * c_stride;
      for (Index j = 0; j < cols; ++j) {
        row[j] = beta != 0.0f ? alpha * tile_row[j] + beta * row[j]
                              : alpha * tile_row[j];
      }
    }
  }
}

// The micro-kernel for `rows` (1..6) rows of C, with kVectors vectors of
// columns.
template <int kVectors>
void run_micro_kernel_rows(Index rows, Index depth, const float *a_panel,
                           const float *b_panel, Index b_row_stride, float *c,
                           Index c_stride, Index cols, float alpha,
                           float beta) {
  using Kernel = void (*)(Index, const float *, const float *, Index, float *,
                          Index, Index, float, float);
  static constexpr Kernel kKernels[] = {
      &micro_kernel<1, kVectors>, &micro_kernel<2, kVectors>,
      &micro_kernel<3, kVectors>, &micro_kernel<4, kVectors>,
      &micro_kernel<5, kVectors>, &micro_kernel<6, kVectors>};
  kKernels[rows - 1](depth, a_panel, b_panel, b_row_stride, c, c_stride, cols,
                     alpha, beta);
}

void run_micro_kernel(Index rows, Index depth, const float *a_panel,
                      const float *b_panel, Index b_row_stride, float *c,
                      Index c_stride, Index cols, float alpha, float beta) {
  if (cols <= 8) {
    run_micro_kernel_rows<1>(rows, depth, a_panel, b_panel, b_row_stride, c,
                             c_stride, cols, alpha, beta);
  } else {
    run_micro_kernel_rows<2>(rows, depth, a_panel, b_panel, b_row_stride, c,
                             c_stride, cols, alpha, beta);
  }
}

} // namespace

bool gemm_packed_available() { return true; }

void gemm_packed(const ConstMatrixRef &a_ref, bool transpose_a,
                 const ConstMatrixRef &b_ref, bool transpose_b, MatrixRef c_ref,
                 float alpha, float beta) {
  const Operand a{a_ref.data(), a_ref.outerStride(), transpose_a};
  const Operand b{b_ref.data(), b_ref.outerStride(), transpose_b};
  const Index m = c_ref.rows(), n = c_ref.cols();
  const Index k = transpose_a ? a_ref.rows() : a_ref.cols();
  float *const c = c_ref.data();
  const Index c_stride = c_ref.outerStride();
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    if (beta == 0.0f)
      c_ref.setZero();
    else
      c_ref *= beta;
    return;
  }
  thread_local PackBuffer a_buffer, b_buffer;
  float *const a_packed =
      a_buffer.reserve(kRowBlock * kDepthBlock + kPackASlack);
  const bool b_in_place = !transpose_b && m <= kMaxRowsForUnpackedB;
  for (Index jc = 0; jc < n; jc += kColBlock) {
    const Index block_cols = std::min(kColBlock, n - jc);
    // Columns [0, in_place_cols) of this block are read from B directly; the
    // rest are packed.
    const Index in_place_cols =
        b_in_place ? block_cols / kColsPerTile * kColsPerTile : 0;
    for (Index pc = 0; pc < k; pc += kDepthBlock) {
      const Index depth = std::min(kDepthBlock, k - pc);
      const float beta_here =
          pc == 0 ? beta : 1.0f; // later slices add onto earlier ones
      const Index packed_cols = block_cols - in_place_cols;
      float *const b_packed = b_buffer.reserve(
          std::max<Index>(1, (packed_cols + kColsPerTile - 1) / kColsPerTile) *
          kColsPerTile * kDepthBlock);
      if (packed_cols > 0)
        pack_b(b, pc, depth, jc + in_place_cols, packed_cols, b_packed);
      for (Index ic = 0; ic < m; ic += kRowBlock) {
        const Index block_rows = std::min(kRowBlock, m - ic);
        pack_a(a, ic, block_rows, pc, depth, a_packed);
        for (Index jr = 0; jr < block_cols; jr += kColsPerTile) {
          const bool in_place = jr < in_place_cols;
          const float *b_panel = in_place
                                     ? b.data + pc * b.stride + jc + jr
                                     : b_packed + (jr - in_place_cols) * depth;
          const Index b_row_stride = in_place ? b.stride : kColsPerTile;
          const Index cols = std::min(kColsPerTile, block_cols - jr);
          for (Index ir = 0; ir < block_rows; ir += kRowsPerTile) {
            run_micro_kernel(std::min(kRowsPerTile, block_rows - ir), depth,
                             a_packed + ir * depth, b_panel, b_row_stride,
                             c + (ic + ir) * c_stride + jc + jr, c_stride, cols,
                             alpha, beta_here);
          }
        }
      }
    }
  }
}

#else // no AVX2+FMA, or AVX-512 (Eigen's 512-bit kernel wins there)

bool gemm_packed_available() { return false; }

void gemm_packed(const ConstMatrixRef &, bool, const ConstMatrixRef &, bool,
                 MatrixRef, float, float) {
  throw Error("gemm_packed: not compiled into this build (it needs AVX2 and "
              "FMA without AVX-512)");
}

#endif

} // namespace arq::nn::detail
