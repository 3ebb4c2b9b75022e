#pragma once
// The implementations behind nn::gemm (gemm.h), exposed so tests can check each against a naive
// product. Callers use nn::gemm, which validates shapes and picks one:
//   - fewer than 4 rows or 8 columns in C: gemm_thin (matrix-vector-like loops);
//   - otherwise gemm_packed, with the micro-kernel of arq::active_isa_level() (AVX2 or AVX-512).
// gemm_thin and gemm_packed never allocate in steady state; Eigen's product mallocs its packing
// blocks once they exceed 128 KiB (negligible next to the cost of such a product).
//
// Both compute C = alpha · op(A) · op(B) + beta · C on row-major views (any row stride). With
// beta == 0, C is not read (it may hold garbage, even NaN). C must not overlap A or B.
#include "arq/nn/matrix.h"

namespace arq::nn::detail {

// Eigen's general product: the reference the benchmarks compare against (nn::gemm no longer
// uses it).
void gemm_eigen(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b,
                bool transpose_b, MatrixRef c, float alpha, float beta);

// Cache-blocked GEMM with packed panels (the BLIS scheme): a 6x16 AVX2 FMA micro-kernel or an
// 8x32 AVX-512 one, by arq::active_isa_level(). Its packing buffers are per thread and only
// grow, so steady-state calls do not allocate.
void gemm_packed(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b,
                 bool transpose_b, MatrixRef c, float alpha, float beta);

// Row-by-row loops for C with few rows or columns (acting at batch 1, a 1-wide value head).
void gemm_thin(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b, bool transpose_b,
               MatrixRef c, float alpha, float beta);

enum class GemmBackend { kThin, kPacked, kEigen };

// The backend nn::gemm uses for a C of m x n.
GemmBackend choose_gemm_backend(Eigen::Index m, Eigen::Index n);

}  // namespace arq::nn::detail
