// The packed GEMM backend's front end (see gemm_backends.h): checks the degenerate shapes and
// hands the product to the kernel of the active ISA level (gemm_packed_<level>.cc).
#include "arq/core/isa.h"
#include "arq/nn/gemm_backends.h"
#include "arq/nn/gemm_packed_levels.h"

namespace arq::nn::detail {

void gemm_packed(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b,
                 bool transpose_b, MatrixRef c, float alpha, float beta) {
  const Eigen::Index m = c.rows(), n = c.cols();
  const Eigen::Index k = transpose_a ? a.rows() : a.cols();
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.0f) {
      c.setZero();
    } else {
      c *= beta;
    }
    return;
  }
  const PackedGemmArgs args{a.data(),
                            a.outerStride(),
                            transpose_a,
                            b.data(),
                            b.outerStride(),
                            transpose_b,
                            c.data(),
                            c.outerStride(),
                            m,
                            n,
                            k,
                            alpha,
                            beta};
  switch (active_isa_level()) {
    case IsaLevel::kAvx512:
      return gemm_packed_avx512(args);
    case IsaLevel::kAvx2:
      return gemm_packed_avx2(args);
  }
}

}  // namespace arq::nn::detail
