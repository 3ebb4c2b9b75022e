#pragma once
// The bf16 GEMM (gemm_bf16.h), written once over a vector type and compiled per kernel by
// gemm_bf16_<kernel>.cc, which define `Simd` and include this file. As in gemm_packed_kernel.h,
// everything is in an unnamed namespace so no inline code is shared between units.
//
// B arrives packed (gemm_bf16_levels.h); A is rounded to bf16 and packed here, per row block and
// depth block, into MR-row panels of bf16 pairs. For each C element the operations are the same
// in every kernel, whatever its tile shape: for each depth block, pairs in order, acc = fma(odd
// pair, acc) then fma(even pair, acc) (what VDPBF16PS does), then C = alpha · acc (+ beta · C as
// one fma). That is why the kernels agree bit for bit.
//
// Simd provides: Vec, Words, kLanes, kRowsPerTile (MR), kRowBlock (MC), zero(), load(p),
// store(p, v), mul(a, b), fmadd(a, b, c), set1(x), load_words(p), broadcast_word(p),
// dot_pair(acc, a, b).
#include <immintrin.h>

#include <cstdint>

#include "arq/nn/aligned_scratch.h"
#include "arq/nn/bf16_rounding.h"
#include "arq/nn/gemm_bf16_levels.h"

namespace arq::nn::detail {
namespace {

using Index = std::int64_t;
using Word = std::uint32_t;

constexpr Index kRowsPerTile = Simd::kRowsPerTile;  // MR
constexpr Index kColsPerTile = kBf16PanelColumns;   // NR
constexpr Index kVectorsPerTile = kColsPerTile / Simd::kLanes;
constexpr Index kDepthBlock = kBf16DepthBlock;  // KC
constexpr Index kRowBlock = Simd::kRowBlock;    // MC
static_assert(kColsPerTile % Simd::kLanes == 0 && kDepthBlock % 2 == 0 &&
              kRowBlock % kRowsPerTile == 0);

inline Index min_index(Index a, Index b) {
  return a < b ? a : b;
}

// op(A)[i0 : i0+rows, k0 : k0+depth] as bf16 pairs in MR-row panels: the pair (i, p) — columns
// k0+2p and k0+2p+1 of row i — at word p·MR + i. Rows past the end and a missing last odd
// column are zero.
void pack_a(const Bf16GemmArgs& args, Index i0, Index rows, Index k0, Index depth, Word* out) {
  const Index pairs = (depth + 1) / 2, full_pairs = depth / 2;
  const Index stride = args.a_stride;
  for (Index panel = 0; panel < rows; panel += kRowsPerTile) {
    const Index valid = min_index(kRowsPerTile, rows - panel);
    if (!args.transpose_a) {
      for (Index i = 0; i < kRowsPerTile; ++i) {
        if (i >= valid) {
          for (Index p = 0; p < pairs; ++p) out[p * kRowsPerTile + i] = 0;
          continue;
        }
        const float* row = args.a + (i0 + panel + i) * stride + k0;
        for (Index p = 0; p < full_pairs; ++p) {
          out[p * kRowsPerTile + i] = bf16_pair(row[2 * p], row[2 * p + 1]);
        }
        if (pairs > full_pairs) out[full_pairs * kRowsPerTile + i] = bf16_pair(row[depth - 1], 0);
      }
    } else {
      // A stored [k, m]: consecutive i are adjacent in memory.
      const float* first = args.a + k0 * stride + i0 + panel;
      for (Index p = 0; p < pairs; ++p) {
        const float* even = first + 2 * p * stride;
        const float* odd = 2 * p + 1 < depth ? even + stride : nullptr;
        Word* target = out + p * kRowsPerTile;
        for (Index i = 0; i < kRowsPerTile; ++i) {
          target[i] = i < valid ? bf16_pair(even[i], odd != nullptr ? odd[i] : 0.0f) : 0;
        }
      }
    }
    out += kRowsPerTile * pairs;
  }
}

// C[0:kRows, 0:cols] = alpha · Apanel · Bpanel (+ beta · C), cols <= kLanes · kVectors.
template <int kRows, int kVectors>
void micro_kernel(Index pairs, const Word* a_panel, const Word* b_panel, float* c, Index c_stride,
                  Index cols, float alpha, float beta) {
  using Vec = typename Simd::Vec;
  using Words = typename Simd::Words;
  constexpr int kLanes = Simd::kLanes;
  Vec acc[kRows][kVectors];
#pragma GCC unroll 8
  for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) acc[i][v] = Simd::zero();
  }
  for (Index p = 0; p < pairs; ++p) {
    Words b[kVectors];
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) b[v] = Simd::load_words(b_panel + kLanes * v);
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
      const Words a = Simd::broadcast_word(a_panel + i);
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) acc[i][v] = Simd::dot_pair(acc[i][v], a, b[v]);
    }
    a_panel += kRowsPerTile;
    b_panel += kColsPerTile;
  }
  const Vec alpha_v = Simd::set1(alpha);
  const Vec beta_v = Simd::set1(beta);
  if (cols == kLanes * kVectors) {
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
      float* row = c + i * c_stride;
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) {
        Vec value = Simd::mul(alpha_v, acc[i][v]);
        if (beta != 0.0f) value = Simd::fmadd(beta_v, Simd::load(row + kLanes * v), value);
        Simd::store(row + kLanes * v, value);
      }
    }
  } else {
    // The same two operations per element as the vector path, so edge tiles round alike.
    alignas(64) float tile_row[kLanes * kVectors];
#pragma GCC unroll 8
    for (int i = 0; i < kRows; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) Simd::store(tile_row + kLanes * v, acc[i][v]);
      float* row = c + i * c_stride;
      for (Index j = 0; j < cols; ++j) {
        const float value = alpha * tile_row[j];
        row[j] = beta != 0.0f ? __builtin_fmaf(beta, row[j], value) : value;
      }
    }
  }
}

using Kernel = void (*)(Index, const Word*, const Word*, float*, Index, Index, float, float);

template <int kVectors, int kRows>
constexpr void fill_kernel(Kernel* table) {
  table[kRows - 1] = &micro_kernel<kRows, kVectors>;
  if constexpr (kRows > 1) fill_kernel<kVectors, kRows - 1>(table);
}

void run_micro_kernel(Index rows, Index pairs, const Word* a_panel, const Word* b_panel, float* c,
                      Index c_stride, Index cols, float alpha, float beta) {
  struct Tables {
    Kernel narrow[kRowsPerTile];
    Kernel full[kRowsPerTile];
    constexpr Tables() : narrow(), full() {
      fill_kernel<1, kRowsPerTile>(narrow);
      fill_kernel<kVectorsPerTile, kRowsPerTile>(full);
    }
  };
  static constexpr Tables kTables;
  const Kernel kernel = cols <= Simd::kLanes ? kTables.narrow[rows - 1] : kTables.full[rows - 1];
  kernel(pairs, a_panel, b_panel, c, c_stride, cols, alpha, beta);
}

void gemm_bf16_impl(const Bf16GemmArgs& args) {
  const Index m = args.m, n = args.n, k = args.k;
  thread_local AlignedScratch a_scratch;
  Word* const a_packed =
      static_cast<Word*>(a_scratch.reserve(sizeof(Word) * kRowBlock * (kDepthBlock / 2)));
  for (Index pc = 0; pc < k; pc += kDepthBlock) {
    const Index depth = min_index(kDepthBlock, k - pc);
    const Index pairs = (depth + 1) / 2;
    const float beta_here = pc == 0 ? args.beta : 1.0f;  // later blocks add onto earlier ones
    for (Index ic = 0; ic < m; ic += kRowBlock) {
      const Index block_rows = min_index(kRowBlock, m - ic);
      pack_a(args, ic, block_rows, pc, depth, a_packed);
      for (Index jr = 0; jr < n; jr += kColsPerTile) {
        const Word* b_panel =
            args.b + (jr / kColsPerTile) * args.b_panel_words + pc / 2 * kColsPerTile;
        const Index cols = min_index(kColsPerTile, n - jr);
        for (Index ir = 0; ir < block_rows; ir += kRowsPerTile) {
          run_micro_kernel(min_index(kRowsPerTile, block_rows - ir), pairs, a_packed + ir * pairs,
                           b_panel, args.c + (ic + ir) * args.c_stride + jr, args.c_stride, cols,
                           args.alpha, beta_here);
        }
      }
    }
  }
}

}  // namespace
}  // namespace arq::nn::detail
