#pragma once
// The packed GEMM's per-ISA entry points (see gemm_backends.h; nn::gemm picks one by
// arq::active_isa_level()). Each lives in its own translation unit compiled for its level, so
// this header holds only plain types: nothing inline that the two units could share.
#include <cstdint>

namespace arq::nn::detail {

// C[m, n] = alpha · op(A) · op(B) + beta · C on row-major storage with the given row strides;
// m, n, k > 0. With beta == 0, C is not read.
struct PackedGemmArgs {
  const float* a;
  std::int64_t a_stride;
  bool transpose_a;
  const float* b;
  std::int64_t b_stride;
  bool transpose_b;
  float* c;
  std::int64_t c_stride;
  std::int64_t m, n, k;
  float alpha, beta;
};

void gemm_packed_avx2(const PackedGemmArgs& args);    // 6x16 tiles of 256-bit vectors
void gemm_packed_avx512(const PackedGemmArgs& args);  // 8x32 tiles of 512-bit vectors

}  // namespace arq::nn::detail
