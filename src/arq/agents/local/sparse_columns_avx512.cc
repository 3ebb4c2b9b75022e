// SparseColumns' row accumulation for AVX-512 (compiled with the AVX-512 flags, see
// CMakeLists.txt): the same tiles as accumulate_row in sparse_columns.cc with 16-float vectors
// and a masked last vector instead of a scalar tail. Per output element the nonzeros are added
// in the same order with one multiply-add each, so the results are those of the 8-float code.
//
// Everything but the entry point stays in the unnamed namespace (see core/isa.h).
#include <immintrin.h>

#include "arq/agents/local/sparse_columns_kernels.h"

namespace arq::local::detail {
namespace {

constexpr int kLanes = 16;

template <int kVectors>
void accumulate_tile(float* target, const float* base, std::ptrdiff_t stride, const int* index,
                     const float* value, int begin, int end, __mmask16 last_mask) {
  __m512 acc[kVectors];
  for (int v = 0; v < kVectors - 1; ++v) acc[v] = _mm512_loadu_ps(target + v * kLanes);
  acc[kVectors - 1] = _mm512_maskz_loadu_ps(last_mask, target + (kVectors - 1) * kLanes);
  for (int e = begin; e < end; ++e) {
    const __m512 a = _mm512_set1_ps(value[e]);
    const float* source = base + index[e] * stride;
    for (int v = 0; v < kVectors - 1; ++v) {
      acc[v] = _mm512_fmadd_ps(a, _mm512_loadu_ps(source + v * kLanes), acc[v]);
    }
    acc[kVectors - 1] = _mm512_fmadd_ps(
        a, _mm512_maskz_loadu_ps(last_mask, source + (kVectors - 1) * kLanes), acc[kVectors - 1]);
  }
  for (int v = 0; v < kVectors - 1; ++v) _mm512_storeu_ps(target + v * kLanes, acc[v]);
  _mm512_mask_storeu_ps(target + (kVectors - 1) * kLanes, last_mask, acc[kVectors - 1]);
}

}  // namespace

void sparse_accumulate_row_avx512(float* target, const float* base, std::ptrdiff_t stride,
                                  const int* index, const float* value, int begin, int end, int n) {
  constexpr __mmask16 kAll = 0xFFFF;
  int j = 0;
  for (; j + 4 * kLanes <= n; j += 4 * kLanes) {
    accumulate_tile<4>(target + j, base + j, stride, index, value, begin, end, kAll);
  }
  if (j + 2 * kLanes <= n) {
    accumulate_tile<2>(target + j, base + j, stride, index, value, begin, end, kAll);
    j += 2 * kLanes;
  }
  if (j < n) {
    const int rest = n - j;  // 1..32 columns: one or two vectors, the last one masked
    const auto mask = static_cast<__mmask16>((1u << (rest > kLanes ? rest - kLanes : rest)) - 1u);
    if (rest > kLanes) {
      accumulate_tile<2>(target + j, base + j, stride, index, value, begin, end, mask);
    } else {
      accumulate_tile<1>(target + j, base + j, stride, index, value, begin, end, mask);
    }
  }
}

}  // namespace arq::local::detail
