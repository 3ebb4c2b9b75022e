#pragma once
// Layer-owned storage for per-example rows. It grows to the largest batch it has seen and then
// hands out views of its first `rows` rows, so alternating batch sizes (1 while acting, 32 or 512
// while training) never reallocate in steady state.
#include "arq/nn/matrix.h"

namespace arq::nn {

class BatchBuffer {
 public:
  explicit BatchBuffer(Eigen::Index cols = 0) : cols_(cols) {}

  Eigen::Index cols() const { return cols_; }
  Eigen::Index rows() const { return rows_; }

  // Ensures room for `rows` rows (allocating only when that exceeds every earlier request) and
  // returns a view of them. The contents are unspecified until written.
  MatrixMap resize_rows(Eigen::Index rows) {
    reserve(rows);
    rows_ = rows;
    return mutable_view();
  }
  void reserve(Eigen::Index rows) {
    if (rows > storage_.rows()) storage_.resize(rows, cols_);
  }

  // The rows of the last resize_rows. Rows are contiguous because the storage is row-major.
  MatrixMap mutable_view() { return MatrixMap(storage_.data(), rows_, cols_); }
  ConstMatrixMap view() const { return ConstMatrixMap(storage_.data(), rows_, cols_); }

 private:
  Eigen::Index cols_;
  Eigen::Index rows_ = 0;
  Matrix storage_;
};

}  // namespace arq::nn
