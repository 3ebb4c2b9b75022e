#pragma once
// 3x3 convolution, stride 1, 'valid' padding (MinAtar's DQN: 10x10xC -> 8x8x16), as
// im2col + one GEMM.
//
// Layouts (one row per example, all channel-last):
//   input  [B, H·W·C_in]                 element (y, x, c)   at (y·W + x)·C_in + c
//   output [B, (H-2)·(W-2)·C_out]        element (y, x, o)   at (y·(W-2) + x)·C_out + o
//   kernel [9·C_in, C_out]               tap (ky, kx, c) → o at row (ky·3 + kx)·C_in + c
//   bias   [1, C_out]
// output(y, x, o) = bias[o] + Σ_{ky,kx,c} input(y+ky, x+kx, c) · kernel[(ky·3+kx)·C_in + c, o].
// PyTorch's Conv2d weight[o][c][ky][kx] is kernel[(ky·3+kx)·C_in + c][o]. Its flattened output is
// in (o, y, x) order instead of ours; a following Linear layer absorbs that permutation.
#include <string>

#include "arq/nn/batch_buffer.h"
#include "arq/nn/init.h"
#include "arq/nn/layer.h"

namespace arq::nn {

class Conv3x3 : public Layer {
 public:
  // Parameters are "<name>.kernel" [9·C_in, C_out] and "<name>.bias" [1, C_out].
  Conv3x3(std::string name, Eigen::Index height, Eigen::Index width, Eigen::Index in_channels,
          Eigen::Index out_channels);

  // Fan-in is 9·C_in for both schemes.
  void initialize(Init scheme, Rng& rng);

  Eigen::Index output_height() const { return height_ - 2; }
  Eigen::Index output_width_pixels() const { return width_ - 2; }
  Eigen::Index input_width() const override { return height_ * width_ * in_channels_; }
  Eigen::Index output_width() const override {
    return output_height() * output_width_pixels() * out_channels_;
  }

  ConstMatrixMap forward(const ConstMatrixRef& input) override;
  ConstMatrixMap backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  void backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) override;
  ConstMatrixMap output() const override { return output_.view(); }
  ParameterList parameters() override;

  Matrix& kernel() { return kernel_; }
  Matrix& bias() { return bias_; }

 private:
  Eigen::Index pixels() const { return output_height() * output_width_pixels(); }
  // grad_output viewed as one row per output pixel; copies only if it is not contiguous.
  ConstMatrixMap pixel_rows(const ConstMatrixRef& grad_output);
  // Writes the kernel and bias gradients; returns grad_output as pixel rows.
  ConstMatrixMap parameter_gradients(const ConstMatrixRef& input,
                                     const ConstMatrixRef& grad_output);

  std::string name_;
  Eigen::Index height_, width_, in_channels_, out_channels_;
  Matrix kernel_, kernel_grad_;
  Matrix bias_, bias_grad_;
  BatchBuffer patches_;  // per example: pixels x (9·C_in), row-major
  BatchBuffer output_;
  BatchBuffer grad_output_copy_;
  BatchBuffer grad_patches_;
  BatchBuffer grad_input_;
};

}  // namespace arq::nn
