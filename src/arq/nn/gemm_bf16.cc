#include "arq/nn/gemm_bf16.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "arq/core/error.h"
#include "arq/core/isa.h"
#include "arq/nn/bf16_rounding.h"
#include "arq/nn/gemm_bf16_levels.h"

namespace arq::nn {
namespace {

constexpr unsigned kDenormalsAreZero = 1u << 6;  // MXCSR.DAZ
constexpr unsigned kFlushToZero = 1u << 15;      // MXCSR.FTZ

// Sets MXCSR.DAZ and MXCSR.FTZ for one scope (VDPBF16PS ignores MXCSR; the emulation and the
// epilogues need it so that every kernel rounds alike), restoring the caller's MXCSR after.
class FlushSubnormals {
 public:
  FlushSubnormals() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ | kDenormalsAreZero | kFlushToZero);
  }
  ~FlushSubnormals() { _mm_setcsr(saved_); }
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;

 private:
  unsigned saved_;
};

void check_kernel(Bf16Kernel kernel) {
  if (kernel == Bf16Kernel::kAvx512Bf16 &&
      !(cpu_supports_avx512_bf16() && cpu_supports(IsaLevel::kAvx512))) {
    throw Error("gemm_bf16: this CPU lacks avx512_bf16");
  }
}

void check_shapes(Eigen::Index m, Eigen::Index k, Eigen::Index kb, Eigen::Index n,
                  const MatrixRef& c) {
  if (k != kb || c.rows() != m || c.cols() != n) {
    throw Error("gemm_bf16: shape mismatch: op(A) is " + std::to_string(m) + "x" +
                std::to_string(k) + ", B is " + std::to_string(kb) + "x" + std::to_string(n) +
                ", C is " + std::to_string(c.rows()) + "x" + std::to_string(c.cols()));
  }
}

// Kernels' calls are separate functions in other units, so no floating-point operation of theirs
// can move across the MXCSR writes.
[[gnu::noinline]] void run_kernel(Bf16Kernel kernel, const detail::Bf16GemmArgs& args) {
  const FlushSubnormals flush;
  if (kernel == Bf16Kernel::kAvx512Bf16) {
    detail::gemm_bf16_avx512bf16(args);
  } else {
    detail::gemm_bf16_emulated(args);
  }
}

// One lane of gemm_bf16_emulated's dot_pair per element, scalar (MXCSR.DAZ/FTZ set by the
// caller; a separate function so that no operation moves across the MXCSR write).
[[gnu::noinline]] void emulate_lanes(float* acc, const std::uint32_t* a, const std::uint32_t* b,
                                     int count) {
  for (int l = 0; l < count; ++l) {
    const float a_odd = bf16_to_float(static_cast<std::uint16_t>(a[l] >> 16));
    const float b_odd = bf16_to_float(static_cast<std::uint16_t>(b[l] >> 16));
    const float a_even = bf16_to_float(static_cast<std::uint16_t>(a[l] & 0xffffu));
    const float b_even = bf16_to_float(static_cast<std::uint16_t>(b[l] & 0xffffu));
    acc[l] = __builtin_fmaf(a_even, b_even, __builtin_fmaf(a_odd, b_odd, acc[l]));
  }
}

}  // namespace

void Bf16Panels::pack(const ConstMatrixRef& b) {
  using detail::kBf16PanelColumns;
  rows_ = b.rows();
  cols_ = b.cols();
  const std::int64_t pairs = (rows_ + 1) / 2;
  const std::int64_t panels = (cols_ + kBf16PanelColumns - 1) / kBf16PanelColumns;
  panel_words_ = pairs * kBf16PanelColumns;
  words_.resize(static_cast<size_t>(panels * panel_words_));
  // Row pair by row pair, so that B is read in order; full panels in a loop that vectorises.
  for (std::int64_t p = 0; p < pairs; ++p) {
    const float* even = b.data() + 2 * p * b.outerStride();
    const bool has_odd = 2 * p + 1 < rows_;
    const float* odd = has_odd ? even + b.outerStride() : even;
    for (std::int64_t panel = 0; panel < panels; ++panel) {
      std::uint32_t* target = words_.data() + panel * panel_words_ + p * kBf16PanelColumns;
      const std::int64_t j0 = panel * kBf16PanelColumns;
      const std::int64_t valid = std::min<std::int64_t>(kBf16PanelColumns, cols_ - j0);
      if (valid == kBf16PanelColumns && has_odd) {
        for (std::int64_t j = 0; j < kBf16PanelColumns; ++j) {
          target[j] = detail::bf16_pair(even[j0 + j], odd[j0 + j]);
        }
        continue;
      }
      for (std::int64_t j = 0; j < kBf16PanelColumns; ++j) {
        target[j] = j < valid ? detail::bf16_pair(even[j0 + j], has_odd ? odd[j0 + j] : 0.0f) : 0u;
      }
    }
  }
}

Bf16Kernel active_bf16_kernel() {
  return active_isa_level() == IsaLevel::kAvx512 && cpu_supports_avx512_bf16()
             ? Bf16Kernel::kAvx512Bf16
             : Bf16Kernel::kEmulated;
}

const char* bf16_kernel_name(Bf16Kernel kernel) {
  return kernel == Bf16Kernel::kAvx512Bf16 ? "avx512_bf16" : "emulated";
}

std::uint16_t round_to_bf16(float value) {
  return detail::bf16_bits(value);
}

float bf16_to_float(std::uint16_t bits) {
  const std::uint32_t word = static_cast<std::uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &word, sizeof value);
  return value;
}

namespace detail {

void gemm_bf16_with(Bf16Kernel kernel, const ConstMatrixRef& a, Transpose transpose_a,
                    const Bf16Panels& b, MatrixRef c, float alpha, float beta) {
  const bool ta = transpose_a == Transpose::kYes;
  const Eigen::Index m = ta ? a.cols() : a.rows();
  const Eigen::Index k = ta ? a.rows() : a.cols();
  check_shapes(m, k, b.rows(), b.cols(), c);
  check_kernel(kernel);
  const Eigen::Index n = b.cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.0f) {
      c.setZero();
    } else {
      c *= beta;
    }
    return;
  }
  const Bf16GemmArgs args{
      a.data(), a.outerStride(), ta,  b.words(), b.panel_words(), c.data(), c.outerStride(), m, n,
      k,        alpha,           beta};
  run_kernel(kernel, args);
}

void dot_pairs_with(Bf16Kernel kernel, float* acc, const std::uint32_t* a, const std::uint32_t* b,
                    int count) {
  check_kernel(kernel);
  const FlushSubnormals flush;
  for (int i = 0; i < count; i += 16) {
    float lanes[16] = {};
    std::uint32_t a_lanes[16] = {}, b_lanes[16] = {};
    const int n = std::min(16, count - i);
    std::memcpy(lanes, acc + i, n * sizeof(float));
    std::memcpy(a_lanes, a + i, n * sizeof(std::uint32_t));
    std::memcpy(b_lanes, b + i, n * sizeof(std::uint32_t));
    if (kernel == Bf16Kernel::kAvx512Bf16) {
      dot_pairs_avx512bf16(lanes, a_lanes, b_lanes);
    } else {
      emulate_lanes(lanes, a_lanes, b_lanes, n);
    }
    std::memcpy(acc + i, lanes, n * sizeof(float));
  }
}

}  // namespace detail

void gemm_bf16(const ConstMatrixRef& a, Transpose transpose_a, const Bf16Panels& b, MatrixRef c,
               float alpha, float beta) {
  detail::gemm_bf16_with(active_bf16_kernel(), a, transpose_a, b, c, alpha, beta);
}

void gemm_bf16(const ConstMatrixRef& a, Transpose transpose_a, const ConstMatrixRef& b, MatrixRef c,
               float alpha, float beta) {
  thread_local Bf16Panels packed;
  packed.pack(b);
  gemm_bf16(a, transpose_a, packed, c, alpha, beta);
}

}  // namespace arq::nn
