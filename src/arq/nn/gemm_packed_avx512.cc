// The packed GEMM for AVX-512 (compiled with the AVX-512 flags, see CMakeLists.txt): 8x32 tiles,
// 16 accumulators of the 32 zmm registers, enough independent chains to cover two FMA pipes'
// latency. Eight rows per panel let pack_a transpose whole 8x8 blocks.
#include <immintrin.h>

namespace arq::nn::detail {
namespace {

struct Simd {
  using Vec = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kRowsPerTile = 8;
  static constexpr int kVectorsPerTile = 2;
  static constexpr long kDepthBlock = 256;  // a 256x32 B panel is 32 KiB, within a 48 KiB L1
  static constexpr long kRowBlock = 128;    // a 128x256 A block is 128 KiB, within L2
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec set1(float x) { return _mm512_set1_ps(x); }
};

}  // namespace
}  // namespace arq::nn::detail

#include "arq/nn/gemm_packed_kernel.h"

namespace arq::nn::detail {

void gemm_packed_avx512(const PackedGemmArgs& args) {
  gemm_packed_impl(args);
}

}  // namespace arq::nn::detail
