#pragma once
// Dense float matrices for all networks: row-major, one row per example (batch-major), so a
// layer's forward pass is Y = X · Wᵀ-free GEMM Y = X · W with W stored [in, out].
#include <Eigen/Core>

namespace arq::nn {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::Matrix<float, 1, Eigen::Dynamic, Eigen::RowMajor>;  // a row vector
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
// A view of any row-major block (e.g. a slice of rows, or some columns of a wider matrix).
using MatrixRef = Eigen::Ref<Matrix>;
using ConstMatrixRef = Eigen::Ref<const Matrix>;

}  // namespace arq::nn
