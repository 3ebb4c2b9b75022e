#pragma once
// Products with bf16 operands and fp32 accumulation, for `nn.precision = "bf16"`:
//   C = alpha · op(A) · B + beta · C
// with op(A) and B rounded to bf16 (round to nearest even, NaN stays NaN, subnormals become
// zero; see bf16_rounding.h) and each C element accumulated in fp32 the way VDPBF16PS does it:
// the depth in pairs (2p, 2p+1), acc = fma(a[2p+1], b[2p+1], acc), then fma(a[2p], b[2p], acc),
// each rounded to nearest even with subnormal inputs read as zero and subnormal results flushed
// to zero (Intel SDM vol. 2, VDPBF16PS: "round to nearest even ... when doing each accumulation
// of the FMA. Output denormals are always flushed to zero and input denormals are always treated
// as zero"; the pseudo-code adds the odd element's product first). A bf16 · bf16 product has at
// most 16 significant bits, so it is exact in fp32 unless it under- or overflows.
//
// Kernels. avx512_bf16 is a capability next to the ISA levels (arq::cpu_supports_avx512_bf16()),
// not a level of its own: every CPU with it also has AVX-512, and what it changes is only these
// products, which are bit-identical with or without it. The VDPBF16PS kernel runs when the CPU
// has avx512_bf16 and the active level is avx512; otherwise (an AVX2 CPU, or `nn.isa = avx2`)
// the emulation runs the same arithmetic as fp32 FMAs under MXCSR.DAZ/FTZ, slower than fp32
// but with the same bits, so the numerics can be tested anywhere. AMX-BF16 (TDPBF16PS, Sapphire
// Rapids) is not used yet: its tiles accumulate in a different order, so it would need its own
// emulation and tests (docs/performance.md).
//
// B is packed once into Bf16Panels (a weight: once per optimizer step), or per call from fp32.
// MXCSR is restored after every call; calls never allocate in steady state.
#include <cstdint>
#include <vector>

#include "arq/nn/gemm.h"
#include "arq/nn/matrix.h"

namespace arq::nn {

// An fp32 matrix B [K, N] rounded to bf16 and laid out for the bf16 kernels.
class Bf16Panels {
 public:
  // Rounds and packs b; reuses the storage when the size does not grow.
  void pack(const ConstMatrixRef& b);
  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  const std::uint32_t* words() const { return words_.data(); }
  // Words from one panel of columns to the next.
  std::int64_t panel_words() const { return panel_words_; }

 private:
  std::vector<std::uint32_t> words_;
  Eigen::Index rows_ = 0, cols_ = 0;
  std::int64_t panel_words_ = 0;
};

// C = alpha · op(A) · B + beta · C with B packed. With beta == 0, C is not read.
void gemm_bf16(const ConstMatrixRef& a, Transpose transpose_a, const Bf16Panels& b, MatrixRef c,
               float alpha = 1.0f, float beta = 0.0f);
// The same with B in fp32, packed for this call (into per-thread storage that only grows).
void gemm_bf16(const ConstMatrixRef& a, Transpose transpose_a, const ConstMatrixRef& b, MatrixRef c,
               float alpha = 1.0f, float beta = 0.0f);

enum class Bf16Kernel {
  kAvx512Bf16,  // VDPBF16PS
  kEmulated,    // fp32 FMAs, the same bits
};
// The kernel gemm_bf16 uses now (see above).
Bf16Kernel active_bf16_kernel();
const char* bf16_kernel_name(Bf16Kernel kernel);  // "avx512_bf16", "emulated"

// fp32 -> bf16 bits and back (scalar, for tests and tools).
std::uint16_t round_to_bf16(float value);
float bf16_to_float(std::uint16_t bits);

namespace detail {
// gemm_bf16 with a given kernel (tests). Throws arq::Error if the CPU cannot run it.
void gemm_bf16_with(Bf16Kernel kernel, const ConstMatrixRef& a, Transpose transpose_a,
                    const Bf16Panels& b, MatrixRef c, float alpha, float beta);
// acc[i] += the dot of bf16 pairs a[i] and b[i] (even element in the low half), for i < count,
// as one step of the kernel computes it (tests of the instruction against the emulation).
void dot_pairs_with(Bf16Kernel kernel, float* acc, const std::uint32_t* a, const std::uint32_t* b,
                    int count);
}  // namespace detail

}  // namespace arq::nn
