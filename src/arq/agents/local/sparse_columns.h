#pragma once
// Products with a block of input columns that is mostly zero: the observation part of a local
// cell's input on MinAtar (binary 10×10×C grids with a few percent of cells set). Multiplying
// its zeros is unnecessary work, so those rows of X·W are formed from the nonzero entries only,
// cache-blocked over W's columns so the touched rows of W stay in L2.
#include <vector>

#include "arq/nn/matrix.h"

namespace arq::local {

class SparseColumns {
 public:
  // Records the nonzeros of x[:, begin : begin + width]; returns their fraction.
  double gather(const nn::ConstMatrixRef& x, int begin, int width);

  // out += X_s·w for the recorded rows [first_row, end_row) (out holds every row), with w the
  // `width` rows of W that multiply the recorded columns [width, N].
  void multiply_accumulate(const nn::ConstMatrixRef& w, nn::MatrixRef out, int first_row,
                           int end_row) const;
  // grad_w = X_sᵀ·grad_out over all recorded rows, overwriting grad_w [width, N] (any block of
  // columns of the full gradient, with grad_out's matching columns).
  void transpose_multiply(const nn::ConstMatrixRef& grad_out, nn::MatrixRef grad_w) const;

 private:
  int rows_ = 0, width_ = 0;
  std::vector<int> row_start_;  // [rows + 1] into column_/value_
  std::vector<int> column_;     // column within the block
  std::vector<float> value_;
};

}  // namespace arq::local
