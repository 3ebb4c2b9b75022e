#pragma once
// The bf16 GEMM's per-kernel entry points (see gemm_bf16.h). Each lives in its own translation
// unit compiled for its instruction set, so this header holds only plain types and constants.
#include <cstdint>

namespace arq::nn::detail {

// The packed layout of B shared by every bf16 kernel: panels of kBf16PanelColumns columns; in a
// panel, row pair p (rows 2p, 2p+1) is kBf16PanelColumns 32-bit words, word j holding
// (B[2p][j], B[2p+1][j]) as a bf16 pair (even row in the low half). Missing rows and columns
// are zero.
inline constexpr std::int64_t kBf16PanelColumns = 32;
// Depth of one pass over C: partial sums are written to C (alpha, beta applied) after every
// kBf16DepthBlock rows of B. The same for every kernel, so that all round alike.
inline constexpr std::int64_t kBf16DepthBlock = 512;

// C[m, n] = alpha · op(A) · B + beta · C; A is fp32 (rounded to bf16 while packed), B is packed
// as above with `b_panel_words` words per panel. m, n, k > 0. With beta == 0, C is not read.
struct Bf16GemmArgs {
  const float* a;
  std::int64_t a_stride;
  bool transpose_a;
  const std::uint32_t* b;
  std::int64_t b_panel_words;
  float* c;
  std::int64_t c_stride;
  std::int64_t m, n, k;
  float alpha, beta;
};

// VDPBF16PS (avx512_bf16), 8x32 tiles.
void gemm_bf16_avx512bf16(const Bf16GemmArgs& args);
// The same arithmetic with fp32 FMAs (AVX2), for CPUs without avx512_bf16. Must run with
// MXCSR.DAZ and MXCSR.FTZ set (gemm_bf16.cc does), as VDPBF16PS behaves.
void gemm_bf16_emulated(const Bf16GemmArgs& args);

// One VDPBF16PS on 16 lanes: acc[i] += a pair i · b pair i (test hook for the instruction).
void dot_pairs_avx512bf16(float* acc, const std::uint32_t* a, const std::uint32_t* b);
// VCVTNEPS2BF16 on 16 floats (test hook for the rounding).
void round_to_bf16_avx512bf16(const float* in, std::uint16_t* out);

}  // namespace arq::nn::detail
