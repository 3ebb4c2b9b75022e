// The packed GEMM for AVX2 + FMA: 6x16 tiles, 12 accumulators of the 16 ymm registers.
#include <immintrin.h>

namespace arq::nn::detail {
namespace {

struct Simd {
  using Vec = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kRowsPerTile = 6;
  static constexpr int kVectorsPerTile = 2;
  static constexpr long kDepthBlock = 256;  // a 256x16 B panel is 16 KiB, half of L1
  static constexpr long kRowBlock = 120;    // a 120x256 A block is 120 KiB, within L2
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec set1(float x) { return _mm256_set1_ps(x); }
};

}  // namespace
}  // namespace arq::nn::detail

#include "arq/nn/gemm_packed_kernel.h"

namespace arq::nn::detail {

void gemm_packed_avx2(const PackedGemmArgs& args) {
  gemm_packed_impl(args);
}

}  // namespace arq::nn::detail
