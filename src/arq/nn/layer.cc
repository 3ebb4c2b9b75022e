#include "arq/nn/layer.h"

#include "arq/core/error.h"

namespace arq::nn {

void check_shape(const ConstMatrixRef& matrix, Eigen::Index expected_rows,
                 Eigen::Index expected_cols, const std::string& layer, const char* argument) {
  const bool rows_ok = expected_rows < 0 || matrix.rows() == expected_rows;
  if (rows_ok && matrix.cols() == expected_cols) return;
  const std::string rows = expected_rows < 0 ? "any" : std::to_string(expected_rows);
  throw Error(layer + ": " + argument + " is a " + std::to_string(matrix.rows()) + "x" +
              std::to_string(matrix.cols()) + " matrix, expected " + rows + "x" +
              std::to_string(expected_cols));
}

}  // namespace arq::nn
