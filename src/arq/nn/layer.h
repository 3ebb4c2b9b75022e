#pragma once
// The layer interface: explicit forward and backward on batch-major row-major matrices.
//
// Contract shared by every layer:
// - forward(x) returns a view of layer-owned storage holding one output row per input row. The
//   view stays valid until the next forward of this layer.
// - backward(x, dy) takes the SAME input x that the last forward saw (the caller keeps it alive;
//   layers never copy their input) and dLoss/dOutput. It overwrites the layer's parameter
//   gradients (no accumulation: one backward per optimiser step) and returns a view of
//   dLoss/dInput, valid until the next backward.
// - backward_parameters(x, dy) writes only the parameter gradients: for a first layer, whose
//   input (an observation) needs no gradient.
// - backward_input(x, dy) returns only dLoss/dInput and leaves the parameter gradients as they
//   were: for a loss that differentiates through a network it does not train.
// - Workspace grows to the largest batch seen, so steady-state calls never allocate.
#include <string>

#include "arq/nn/matrix.h"
#include "arq/nn/parameter.h"

namespace arq::nn {

class Layer {
 public:
  Layer() = default;
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;  // parameters are handed out by address
  Layer& operator=(const Layer&) = delete;

  virtual Eigen::Index input_width() const = 0;
  virtual Eigen::Index output_width() const = 0;

  virtual ConstMatrixMap forward(const ConstMatrixRef& input) = 0;
  virtual ConstMatrixMap backward(const ConstMatrixRef& input,
                                  const ConstMatrixRef& grad_output) = 0;
  virtual void backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
    backward(input, grad_output);
  }
  virtual ConstMatrixMap backward_input(const ConstMatrixRef& input,
                                        const ConstMatrixRef& grad_output) {
    return backward(input, grad_output);
  }

  // The output of the last forward.
  virtual ConstMatrixMap output() const = 0;

  // Trainable tensors, in a fixed order; empty for parameter-free layers. The pointers stay
  // valid for the layer's lifetime.
  virtual ParameterList parameters() { return {}; }
};

// Throws arq::Error unless `matrix` has `expected_cols` columns (and, if expected_rows >= 0,
// that many rows). The message names the layer and the argument. Allocation-free when it passes.
void check_shape(const ConstMatrixRef& matrix, Eigen::Index expected_rows,
                 Eigen::Index expected_cols, const std::string& layer, const char* argument);

// out_row (1 x cols) = sum of the rows of m, walking contiguous rows so it vectorises.
inline void sum_rows(const ConstMatrixRef& m, MatrixRef out_row) {
  out_row.setZero();
  for (Eigen::Index r = 0; r < m.rows(); ++r) out_row += m.row(r);
}

}  // namespace arq::nn
