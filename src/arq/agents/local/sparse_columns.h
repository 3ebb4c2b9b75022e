#pragma once
// Products with a block of input columns that is mostly zero: the observation part of a local
// cell's input on MinAtar (binary 10×10×C grids with a few percent of cells set). Multiplying
// its zeros is unnecessary work, so those rows of X·W are formed from the nonzero entries only.
//
// One gather serves every product with the same rows: a learner gathers each observation batch
// once and hands it to all layers and both networks (the observation enters every layer through
// the input skip), instead of every cell scanning its copy of the observation again.
#include <vector>

#include "arq/nn/matrix.h"

namespace arq::local {

class SparseColumns {
 public:
  // Records the nonzeros of x[:, begin : begin + width], by row and by column; returns their
  // fraction (density()).
  double gather(const nn::ConstMatrixRef& x, int begin, int width);

  int rows() const { return rows_; }
  int width() const { return width_; }
  double density() const;

  // out += X_s·w for the recorded rows [first_row, end_row) (out holds every row), with w the
  // `width` rows of W that multiply the recorded columns [width, N]. Per output element the
  // nonzeros are added in column order, each with one multiply-add.
  void multiply_accumulate(const nn::ConstMatrixRef& w, nn::MatrixRef out, int first_row,
                           int end_row) const;
  // grad_w = X_sᵀ·grad_out over all recorded rows, overwriting grad_w [width, N] (any block of
  // columns of the full gradient, with grad_out's matching columns). Per element the rows are
  // added in order, each with one multiply-add.
  void transpose_multiply(const nn::ConstMatrixRef& grad_out, nn::MatrixRef grad_w) const;

 private:
  int rows_ = 0, width_ = 0;
  // By row: row_start_ [rows + 1] into column_/value_.
  std::vector<int> row_start_;
  std::vector<int> column_;
  std::vector<float> value_;
  // By column (the same entries): column_start_ [width + 1] into row_of_/column_value_.
  std::vector<int> column_start_;
  std::vector<int> row_of_;
  std::vector<float> column_value_;
  std::vector<int> fill_position_;  // gather's scratch
};

}  // namespace arq::local
