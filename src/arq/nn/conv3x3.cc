#include "arq/nn/conv3x3.h"

#include <algorithm>
#include <utility>

#include "arq/core/error.h"
#include "arq/nn/gemm.h"

namespace arq::nn {

Conv3x3::Conv3x3(std::string name, Eigen::Index height, Eigen::Index width,
                 Eigen::Index in_channels, Eigen::Index out_channels)
    : name_(std::move(name)),
      height_(height),
      width_(width),
      in_channels_(in_channels),
      out_channels_(out_channels) {
  if (height < 3 || width < 3 || in_channels <= 0 || out_channels <= 0) {
    throw Error("Conv3x3 " + name_ + ": needs an input of at least 3x3 pixels and positive " +
                "channel counts, got " + std::to_string(height) + "x" + std::to_string(width) +
                "x" + std::to_string(in_channels) + " -> " + std::to_string(out_channels));
  }
  kernel_ = Matrix::Zero(9 * in_channels, out_channels);
  kernel_grad_ = Matrix::Zero(9 * in_channels, out_channels);
  bias_ = Matrix::Zero(1, out_channels);
  bias_grad_ = Matrix::Zero(1, out_channels);
  patches_ = BatchBuffer(pixels() * 9 * in_channels);
  output_ = BatchBuffer(output_width());
  grad_output_copy_ = BatchBuffer(output_width());
  grad_patches_ = BatchBuffer(pixels() * 9 * in_channels);
  grad_input_ = BatchBuffer(input_width());
}

void Conv3x3::initialize(Init scheme, Rng& rng) {
  const int64_t fan_in = 9 * in_channels_;
  if (scheme == Init::kLecunNormal) {
    init_lecun_normal(kernel_, fan_in, rng);
    bias_.setZero();
  } else {
    init_torch_uniform(kernel_, fan_in, rng);
    init_torch_uniform(bias_, fan_in, rng);
  }
}

ConstMatrixMap Conv3x3::forward(const ConstMatrixRef& input) {
  check_shape(input, -1, input_width(), name_, "forward input");
  const Eigen::Index batch = input.rows();
  const Eigen::Index out_h = output_height(), out_w = output_width_pixels();
  const Eigen::Index tap_row = 3 * in_channels_;  // one kernel row (kx = 0..2, all c)
  MatrixMap patches = patches_.resize_rows(batch);
  // im2col: in (y, x, c) order the 3 taps of one kernel row are 3·C_in contiguous floats.
  for (Eigen::Index b = 0; b < batch; ++b) {
    const float* image = input.row(b).data();
    float* patch = patches.row(b).data();
    for (Eigen::Index y = 0; y < out_h; ++y) {
      for (Eigen::Index x = 0; x < out_w; ++x) {
        for (Eigen::Index ky = 0; ky < 3; ++ky) {
          const float* source = image + ((y + ky) * width_ + x) * in_channels_;
          patch = std::copy(source, source + tap_row, patch);
        }
      }
    }
  }
  MatrixMap out = output_.resize_rows(batch);
  MatrixMap out_pixels(out.data(), batch * pixels(), out_channels_);
  ConstMatrixMap patch_rows(patches.data(), batch * pixels(), 9 * in_channels_);
  out_pixels.rowwise() = bias_.row(0);
  gemm(patch_rows, Transpose::kNo, kernel_, Transpose::kNo, out_pixels, 1.0f, 1.0f);
  return output_.view();
}

ConstMatrixMap Conv3x3::pixel_rows(const ConstMatrixRef& grad_output) {
  const Eigen::Index rows = grad_output.rows() * pixels();
  if (grad_output.outerStride() == grad_output.cols()) {
    return ConstMatrixMap(grad_output.data(), rows, out_channels_);
  }
  MatrixMap copy = grad_output_copy_.resize_rows(grad_output.rows());
  copy = grad_output;
  return ConstMatrixMap(copy.data(), rows, out_channels_);
}

void Conv3x3::backward_parameters(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  parameter_gradients(input, grad_output);
}

ConstMatrixMap Conv3x3::parameter_gradients(const ConstMatrixRef& input,
                                            const ConstMatrixRef& grad_output) {
  check_shape(input, patches_.rows(), input_width(), name_, "backward input (as in forward)");
  check_shape(grad_output, input.rows(), output_width(), name_, "backward grad_output");
  const ConstMatrixMap dy = pixel_rows(grad_output);
  const ConstMatrixMap patch_rows(patches_.view().data(), dy.rows(), 9 * in_channels_);
  gemm(patch_rows, Transpose::kYes, dy, Transpose::kNo, kernel_grad_);  // dK = patchesᵀ·dy
  sum_rows(dy, bias_grad_);
  return dy;
}

ConstMatrixMap Conv3x3::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  const ConstMatrixMap dy = parameter_gradients(input, grad_output);
  const Eigen::Index batch = input.rows();
  MatrixMap grad_patches = grad_patches_.resize_rows(batch);
  MatrixMap grad_patch_rows(grad_patches.data(), dy.rows(), 9 * in_channels_);
  gemm(dy, Transpose::kNo, kernel_, Transpose::kYes, grad_patch_rows);  // dpatches = dy·Kᵀ
  // col2im: scatter-add each patch gradient back onto the input pixels it came from.
  MatrixMap grad_input = grad_input_.resize_rows(batch);
  grad_input.setZero();
  const Eigen::Index out_h = output_height(), out_w = output_width_pixels();
  const Eigen::Index tap_row = 3 * in_channels_;
  for (Eigen::Index b = 0; b < batch; ++b) {
    float* image = grad_input.row(b).data();
    const float* patch = grad_patches.row(b).data();
    for (Eigen::Index y = 0; y < out_h; ++y) {
      for (Eigen::Index x = 0; x < out_w; ++x) {
        for (Eigen::Index ky = 0; ky < 3; ++ky) {
          float* target = image + ((y + ky) * width_ + x) * in_channels_;
          for (Eigen::Index i = 0; i < tap_row; ++i) target[i] += patch[i];
          patch += tap_row;
        }
      }
    }
  }
  return grad_input_.view();
}

ParameterList Conv3x3::parameters() {
  return {{name_ + ".kernel", &kernel_, &kernel_grad_}, {name_ + ".bias", &bias_, &bias_grad_}};
}

}  // namespace arq::nn
