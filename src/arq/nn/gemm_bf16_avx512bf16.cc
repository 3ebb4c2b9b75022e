// The bf16 GEMM with VDPBF16PS (compiled with the AVX-512 and avx512_bf16 flags, see
// CMakeLists.txt): 8x32 tiles, 16 accumulators of the 32 zmm registers; each instruction
// multiplies 16 lanes by two bf16 pairs, twice the work of an fp32 FMA.
#include <immintrin.h>

#include <cstdint>

namespace arq::nn::detail {
namespace {

struct Simd {
  using Vec = __m512;
  using Words = __m512i;
  static constexpr int kLanes = 16;
  static constexpr int kRowsPerTile = 8;
  static constexpr long kRowBlock = 128;  // a 128x512 bf16 A block is 128 KiB, within L2
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec set1(float x) { return _mm512_set1_ps(x); }
  static Words load_words(const std::uint32_t* p) { return _mm512_loadu_si512(p); }
  static Words broadcast_word(const std::uint32_t* p) {
    return _mm512_set1_epi32(static_cast<int>(*p));
  }
  static Vec dot_pair(Vec acc, Words a, Words b) {
    return _mm512_dpbf16_ps(acc, __builtin_bit_cast(__m512bh, a), __builtin_bit_cast(__m512bh, b));
  }
};

}  // namespace
}  // namespace arq::nn::detail

#include "arq/nn/gemm_bf16_kernel.h"

namespace arq::nn::detail {

void gemm_bf16_avx512bf16(const Bf16GemmArgs& args) {
  gemm_bf16_impl(args);
}

void dot_pairs_avx512bf16(float* acc, const std::uint32_t* a, const std::uint32_t* b) {
  Simd::store(acc, Simd::dot_pair(Simd::load(acc), Simd::load_words(a), Simd::load_words(b)));
}

void round_to_bf16_avx512bf16(const float* in, std::uint16_t* out) {
  const __m256bh rounded = _mm512_cvtneps_pbh(_mm512_loadu_ps(in));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), __builtin_bit_cast(__m256i, rounded));
}

}  // namespace arq::nn::detail
