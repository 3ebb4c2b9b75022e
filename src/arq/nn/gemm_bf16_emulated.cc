// The bf16 GEMM without avx512_bf16: VDPBF16PS's arithmetic with AVX2 FMAs. A bf16 pair word
// becomes two fp32 values (the high half masked, the low half shifted up); each pair then costs
// two FMAs in the instruction's order, odd element first. With MXCSR.DAZ and MXCSR.FTZ set (by
// the caller) an FMA treats subnormal inputs as zero and flushes subnormal results, as VDPBF16PS
// does, so the results are the same bits. 4x32 tiles: 16 accumulators in 16 ymm registers would
// spill, but this path is for correctness on older CPUs, not speed.
#include <immintrin.h>

#include <cstdint>

namespace arq::nn::detail {
namespace {

struct Simd {
  using Vec = __m256;
  using Words = __m256i;
  static constexpr int kLanes = 8;
  static constexpr int kRowsPerTile = 4;
  static constexpr long kRowBlock = 128;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec set1(float x) { return _mm256_set1_ps(x); }
  static Words load_words(const std::uint32_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static Words broadcast_word(const std::uint32_t* p) {
    return _mm256_set1_epi32(static_cast<int>(*p));
  }
  static Vec odd(Words w) {
    return _mm256_castsi256_ps(
        _mm256_and_si256(w, _mm256_set1_epi32(static_cast<int>(0xffff0000u))));
  }
  static Vec even(Words w) { return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16)); }
  static Vec dot_pair(Vec acc, Words a, Words b) {
    acc = _mm256_fmadd_ps(odd(a), odd(b), acc);
    return _mm256_fmadd_ps(even(a), even(b), acc);
  }
};

}  // namespace
}  // namespace arq::nn::detail

#include "arq/nn/gemm_bf16_kernel.h"

namespace arq::nn::detail {

void gemm_bf16_emulated(const Bf16GemmArgs& args) {
  gemm_bf16_impl(args);
}

}  // namespace arq::nn::detail
