#include "arq/nn/gemm.h"

#include <string>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

template <typename A, typename B>
void product_into(const A& a, const B& b, MatrixRef c, float alpha, float beta) {
  if (beta == 0.0f) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != 1.0f) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

}  // namespace

void gemm(const ConstMatrixRef& a, Transpose transpose_a, const ConstMatrixRef& b,
          Transpose transpose_b, MatrixRef c, float alpha, float beta) {
  const bool ta = transpose_a == Transpose::kYes;
  const bool tb = transpose_b == Transpose::kYes;
  const Eigen::Index m = ta ? a.cols() : a.rows();
  const Eigen::Index k = ta ? a.rows() : a.cols();
  const Eigen::Index kb = tb ? b.cols() : b.rows();
  const Eigen::Index n = tb ? b.rows() : b.cols();
  if (k != kb || c.rows() != m || c.cols() != n) {
    throw Error("gemm: shape mismatch: op(A) is " + std::to_string(m) + "x" + std::to_string(k) +
                ", op(B) is " + std::to_string(kb) + "x" + std::to_string(n) + ", C is " +
                std::to_string(c.rows()) + "x" + std::to_string(c.cols()));
  }
  if (!ta && !tb) product_into(a, b, c, alpha, beta);
  if (!ta && tb) product_into(a, b.transpose(), c, alpha, beta);
  if (ta && !tb) product_into(a.transpose(), b, c, alpha, beta);
  if (ta && tb) product_into(a.transpose(), b.transpose(), c, alpha, beta);
}

}  // namespace arq::nn
