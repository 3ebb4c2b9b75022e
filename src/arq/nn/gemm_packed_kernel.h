#pragma once
// The packed GEMM (BLIS scheme), written once over a vector type and compiled per ISA level by
// gemm_packed_<level>.cc, which define `Simd` (see there) and include this file. Everything here
// is in an unnamed namespace: each level's unit has its own copy, compiled with its own flags,
// and no inline function is shared between units (the linker could otherwise keep an AVX-512
// copy for the AVX2 caller). Only plain loops and intrinsics: no std:: or Eigen templates.
//
// Loop nest and blocking:
//   for each kColBlock-wide column block of op(B), for each kDepthBlock-deep slice:
//     pack op(B)[KC x NC] into NR-column panels                (stays in L3/L2)
//     for each kRowBlock-tall row block of op(A):
//       pack op(A)[MC x KC] into MR-row panels                  (stays in L2)
//       for each NR-column panel, each MR-row panel: MR x NR micro-kernel (L1: one B panel)
// Edge tiles run the same kernel with fewer rows and, for at most one vector of columns, one
// vector (template parameters); B columns past the edge are zero-padded.
//
// Simd provides: Vec, kLanes, kRowsPerTile (MR <= 8), kVectorsPerTile (NR / kLanes),
// kDepthBlock, kRowBlock, zero(), load(p), store(p, v), broadcast(p), fmadd(a, b, c), mul(a, b),
// set1(x).
#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "arq/nn/aligned_scratch.h"
#include "arq/nn/gemm_packed_levels.h"

namespace arq::nn::detail {
namespace {

using Index = std::int64_t;

constexpr Index kRowsPerTile = Simd::kRowsPerTile;                    // MR
constexpr Index kColsPerTile = Simd::kLanes * Simd::kVectorsPerTile;  // NR
constexpr Index kDepthBlock = Simd::kDepthBlock;                      // KC
constexpr Index kRowBlock = Simd::kRowBlock;                          // MC
constexpr Index kColBlock = 2048;                                     // NC
// Up to this many rows of C, full panels of a non-transposed B are read in place: with few row
// tiles per panel, packing B costs more than the strided reads it saves.
constexpr Index kMaxRowsForUnpackedB = 64;
static_assert(kRowsPerTile <= 8 && kColsPerTile % 8 == 0 && kRowBlock % kRowsPerTile == 0);

inline Index min_index(Index a, Index b) {
  return a < b ? a : b;
}

struct Operand {
  const float* data;
  Index stride;  // distance between rows of the stored (row-major) matrix
  bool transposed;
};

// Transposes 8x8 floats held in registers: afterwards r[c] holds what was column c.
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
  for (int i = 0; i < 8; ++i) r[i] = t[i];
}

// Floats pack_a may write past the end of a block (see there).
constexpr Index kPackASlack = 8;

// op(A)[i0 : i0+rows, k0 : k0+depth] into MR-row panels, element (i, k) of a panel at k·MR + i;
// rows past the end are zero. A stored row-major is transposed 8 columns at a time in
// registers; with MR < 8 each 8-float store runs 8 - MR floats into the next k (or past the
// block, hence kPackASlack), which the next store overwrites.
void pack_a(const Operand& a, Index i0, Index rows, Index k0, Index depth, float* out) {
  for (Index panel = 0; panel < rows; panel += kRowsPerTile) {
    const Index valid = min_index(kRowsPerTile, rows - panel);
    if (!a.transposed) {
      const Index vector_depth = valid == kRowsPerTile ? depth / 8 * 8 : 0;
      const float* first_row = a.data + (i0 + panel) * a.stride + k0;
      for (Index k = 0; k < vector_depth; k += 8) {
        __m256 r[8];
        for (int i = 0; i < 8; ++i) {
          r[i] = i < kRowsPerTile ? _mm256_loadu_ps(first_row + i * a.stride + k)
                                  : _mm256_setzero_ps();
        }
        transpose_8x8(r);
        for (int t = 0; t < 8; ++t) _mm256_storeu_ps(out + (k + t) * kRowsPerTile, r[t]);
      }
      for (Index i = 0; i < kRowsPerTile; ++i) {
        if (i < valid) {
          const float* source = first_row + i * a.stride;
          for (Index k = vector_depth; k < depth; ++k) out[k * kRowsPerTile + i] = source[k];
        } else {
          for (Index k = vector_depth; k < depth; ++k) out[k * kRowsPerTile + i] = 0.0f;
        }
      }
    } else {
      for (Index k = 0; k < depth; ++k) {
        const float* source = a.data + (k0 + k) * a.stride + i0 + panel;
        for (Index i = 0; i < kRowsPerTile; ++i) {
          out[k * kRowsPerTile + i] = i < valid ? source[i] : 0.0f;
        }
      }
    }
    out += kRowsPerTile * depth;
  }
}

// op(B)[k0 : k0+depth, j0 : j0+cols] into NR-column panels, element (k, j) of a panel at
// k·NR + j; columns past the end are zero.
void pack_b(const Operand& b, Index k0, Index depth, Index j0, Index cols, float* out) {
  for (Index panel = 0; panel < cols; panel += kColsPerTile) {
    const Index valid = min_index(kColsPerTile, cols - panel);
    if (!b.transposed) {
      for (Index k = 0; k < depth; ++k) {
        const float* source = b.data + (k0 + k) * b.stride + j0 + panel;
        float* target = out + k * kColsPerTile;
        if (valid == kColsPerTile) {
          for (int v = 0; v < Simd::kVectorsPerTile; ++v) {
            Simd::store(target + v * Simd::kLanes, Simd::load(source + v * Simd::kLanes));
          }
        } else {
          for (Index j = 0; j < kColsPerTile; ++j) target[j] = j < valid ? source[j] : 0.0f;
        }
      }
    } else {
      // B stored [n, k]: each panel is a transpose. Full 8x8 blocks go through registers.
      const Index vector_depth = valid == kColsPerTile ? depth / 8 * 8 : 0;
      for (Index k = 0; k < vector_depth; k += 8) {
        for (Index group = 0; group < kColsPerTile; group += 8) {
          const float* rows_start = b.data + (j0 + panel + group) * b.stride + k0 + k;
          __m256 r[8];
          for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(rows_start + i * b.stride);
          transpose_8x8(r);
          for (int i = 0; i < 8; ++i) _mm256_store_ps(out + (k + i) * kColsPerTile + group, r[i]);
        }
      }
      for (Index j = 0; j < kColsPerTile; ++j) {
        if (j < valid) {
          const float* source = b.data + (j0 + panel + j) * b.stride + k0;
          for (Index k = vector_depth; k < depth; ++k) out[k * kColsPerTile + j] = source[k];
        } else {
          for (Index k = vector_depth; k < depth; ++k) out[k * kColsPerTile + j] = 0.0f;
        }
      }
    }
    out += kColsPerTile * depth;
  }
}

// C[0:kRows, 0:cols] = alpha · Apanel · Bpanel + beta · C, where the B panel's rows are
// b_row_stride apart (NR when packed, the matrix stride when read in place) and
// cols <= kLanes · kVectors. A panel with at most one vector of valid columns runs with
// kVectors = 1, so narrow products do not pay for a whole tile.
template <int kRows, int kVectors>
void micro_kernel(Index depth, const float* a_panel, const float* b_panel, Index b_row_stride,
                  float* c, Index c_stride, Index cols, float alpha, float beta) {
  using Vec = typename Simd::Vec;
  constexpr int kLanes = Simd::kLanes;
  Vec acc[kRows][kVectors];
#pragma GCC unroll 8
  for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) acc[i][v] = Simd::zero();
  }
  for (Index k = 0; k < depth; ++k) {
    Vec b[kVectors];
#pragma GCC unroll 2
    for (int v = 0; v < kVectors; ++v) b[v] = Simd::load(b_panel + kLanes * v);
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
      const Vec a = Simd::broadcast(a_panel + i);
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) acc[i][v] = Simd::fmadd(a, b[v], acc[i][v]);
    }
    a_panel += kRowsPerTile;
    b_panel += b_row_stride;
  }
  const Vec alpha_v = Simd::set1(alpha);
  const Vec beta_v = Simd::set1(beta);
  if (cols == kLanes * kVectors) {
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
      float* row = c + i * c_stride;
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) {
        Vec value = Simd::mul(alpha_v, acc[i][v]);
        if (beta != 0.0f) value = Simd::fmadd(beta_v, Simd::load(row + kLanes * v), value);
        Simd::store(row + kLanes * v, value);
      }
    }
  } else {
    alignas(64) float tile_row[kLanes * kVectors];
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 2
      for (int v = 0; v < kVectors; ++v) Simd::store(tile_row + kLanes * v, acc[i][v]);
      float* row = c + i * c_stride;
      for (Index j = 0; j < cols; ++j) {
        row[j] = beta != 0.0f ? alpha * tile_row[j] + beta * row[j] : alpha * tile_row[j];
      }
    }
  }
}

using Kernel = void (*)(Index, const float*, const float*, Index, float*, Index, Index, float,
                        float);

template <int kVectors, int... kRows>
constexpr void fill_kernels(Kernel* table, std::integer_sequence<int, kRows...>) {
  ((table[kRows] = &micro_kernel<kRows + 1, kVectors>), ...);
}

// The micro-kernel for `rows` (1..MR) rows of C and `cols` columns.
void run_micro_kernel(Index rows, Index depth, const float* a_panel, const float* b_panel,
                      Index b_row_stride, float* c, Index c_stride, Index cols, float alpha,
                      float beta) {
  struct Tables {
    Kernel narrow[kRowsPerTile];
    Kernel full[kRowsPerTile];
    constexpr Tables() : narrow(), full() {
      fill_kernels<1>(narrow, std::make_integer_sequence<int, kRowsPerTile>());
      fill_kernels<Simd::kVectorsPerTile>(full, std::make_integer_sequence<int, kRowsPerTile>());
    }
  };
  static constexpr Tables kTables;
  const Kernel kernel = cols <= Simd::kLanes ? kTables.narrow[rows - 1] : kTables.full[rows - 1];
  kernel(depth, a_panel, b_panel, b_row_stride, c, c_stride, cols, alpha, beta);
}

void gemm_packed_impl(const PackedGemmArgs& args) {
  const Operand a{args.a, args.a_stride, args.transpose_a};
  const Operand b{args.b, args.b_stride, args.transpose_b};
  const Index m = args.m, n = args.n, k = args.k;
  float* const c = args.c;
  const Index c_stride = args.c_stride;
  thread_local AlignedScratch a_scratch, b_scratch;
  float* const a_packed = static_cast<float*>(
      a_scratch.reserve(sizeof(float) * (kRowBlock * kDepthBlock + kPackASlack)));
  const bool b_in_place = !b.transposed && m <= kMaxRowsForUnpackedB;
  for (Index jc = 0; jc < n; jc += kColBlock) {
    const Index block_cols = min_index(kColBlock, n - jc);
    // Columns [0, in_place_cols) of this block are read from B directly; the rest are packed.
    const Index in_place_cols = b_in_place ? block_cols / kColsPerTile * kColsPerTile : 0;
    for (Index pc = 0; pc < k; pc += kDepthBlock) {
      const Index depth = min_index(kDepthBlock, k - pc);
      const float beta_here = pc == 0 ? args.beta : 1.0f;  // later slices add onto earlier ones
      const Index packed_cols = block_cols - in_place_cols;
      const Index packed_panels = (packed_cols + kColsPerTile - 1) / kColsPerTile;
      float* const b_packed = static_cast<float*>(b_scratch.reserve(
          sizeof(float) * (packed_panels > 0 ? packed_panels : 1) * kColsPerTile * kDepthBlock));
      if (packed_cols > 0) pack_b(b, pc, depth, jc + in_place_cols, packed_cols, b_packed);
      for (Index ic = 0; ic < m; ic += kRowBlock) {
        const Index block_rows = min_index(kRowBlock, m - ic);
        pack_a(a, ic, block_rows, pc, depth, a_packed);
        for (Index jr = 0; jr < block_cols; jr += kColsPerTile) {
          const bool in_place = jr < in_place_cols;
          const float* b_panel =
              in_place ? b.data + pc * b.stride + jc + jr : b_packed + (jr - in_place_cols) * depth;
          const Index b_row_stride = in_place ? b.stride : kColsPerTile;
          const Index cols = min_index(kColsPerTile, block_cols - jr);
          for (Index ir = 0; ir < block_rows; ir += kRowsPerTile) {
            run_micro_kernel(min_index(kRowsPerTile, block_rows - ir), depth, a_packed + ir * depth,
                             b_panel, b_row_stride, c + (ic + ir) * c_stride + jc + jr, c_stride,
                             cols, args.alpha, beta_here);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace arq::nn::detail
