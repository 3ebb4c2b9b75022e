#pragma once
// The one GEMM entry point every network goes through, so a faster backend (oneDNN, AMX bf16,
// CUDA) can replace Eigen here without touching layers or agents.
//   C = alpha · op(A) · op(B) + beta · C,   op(X) = X or Xᵀ
#include "arq/nn/matrix.h"

namespace arq::nn {

enum class Transpose { kNo, kYes };

void gemm(const ConstMatrixRef& a, Transpose transpose_a, const ConstMatrixRef& b,
          Transpose transpose_b, MatrixRef c, float alpha = 1.0f, float beta = 0.0f);

// Shorthand for the common case, C = A · B.
inline void matmul(const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c) {
  gemm(a, Transpose::kNo, b, Transpose::kNo, c);
}

}  // namespace arq::nn
