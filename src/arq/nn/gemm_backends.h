#pragma once
// The implementations behind nn::gemm (gemm.h), exposed so tests can check each against a naive
// product. Callers use nn::gemm, which validates shapes and picks one:
//   - fewer than 4 rows or 8 columns in C: gemm_thin (matrix-vector-like loops);
//   - otherwise gemm_packed where compiled in, else gemm_eigen.
// gemm_thin and gemm_packed never allocate in steady state; Eigen's product mallocs its packing
// blocks once they exceed 128 KiB (negligible next to the cost of such a product).
//
// Both compute C = alpha · op(A) · op(B) + beta · C on row-major views (any row stride). With
// beta == 0, C is not read (it may hold garbage, even NaN). C must not overlap A or B.
#include "arq/nn/matrix.h"

namespace arq::nn::detail {

// Eigen's general product. Used where the packed kernel is unavailable: without AVX2+FMA, and
// with AVX-512, where Eigen's 512-bit kernel is faster than our 256-bit one.
void gemm_eigen(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b,
                bool transpose_b, MatrixRef c, float alpha, float beta);

// True when gemm_packed is compiled in (an AVX2+FMA build without AVX-512).
bool gemm_packed_available();

// Cache-blocked GEMM with packed panels and a 6x16 AVX2 FMA micro-kernel (the BLIS scheme).
// Its packing buffers are per thread and only grow, so steady-state calls do not allocate.
// Throws arq::Error if !gemm_packed_available().
void gemm_packed(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b,
                 bool transpose_b, MatrixRef c, float alpha, float beta);

// Row-by-row loops for C with few rows or columns (acting at batch 1, a 1-wide value head).
void gemm_thin(const ConstMatrixRef& a, bool transpose_a, const ConstMatrixRef& b, bool transpose_b,
               MatrixRef c, float alpha, float beta);

enum class GemmBackend { kThin, kPacked, kEigen };

// The backend nn::gemm uses for a C of m x n.
GemmBackend choose_gemm_backend(Eigen::Index m, Eigen::Index n);

}  // namespace arq::nn::detail
