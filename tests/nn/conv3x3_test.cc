#include "arq/nn/conv3x3.h"

#include <gtest/gtest.h>

#include <array>

#include "arq/core/error.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

// Direct 3x3 'valid' convolution in double from the documented layouts.
Matrix naive_conv(const Matrix& input, const Matrix& kernel, const Matrix& bias, int height,
                  int width, int in_channels, int out_channels) {
  const int out_h = height - 2, out_w = width - 2;
  Matrix out(input.rows(), out_h * out_w * out_channels);
  for (int b = 0; b < input.rows(); ++b) {
    for (int y = 0; y < out_h; ++y) {
      for (int x = 0; x < out_w; ++x) {
        for (int o = 0; o < out_channels; ++o) {
          double sum = bias(0, o);
          for (int ky = 0; ky < 3; ++ky) {
            for (int kx = 0; kx < 3; ++kx) {
              for (int c = 0; c < in_channels; ++c) {
                sum += double{input(b, ((y + ky) * width + (x + kx)) * in_channels + c)} *
                       kernel((ky * 3 + kx) * in_channels + c, o);
              }
            }
          }
          out(b, (y * out_w + x) * out_channels + o) = static_cast<float>(sum);
        }
      }
    }
  }
  return out;
}

TEST(Conv3x3, MinAtarShapes) {
  Conv3x3 conv("conv", 10, 10, 4, 16);
  EXPECT_EQ(conv.input_width(), 400);
  EXPECT_EQ(conv.output_width(), 8 * 8 * 16);
  EXPECT_EQ(conv.kernel().rows(), 36);
  EXPECT_EQ(conv.kernel().cols(), 16);
}

TEST(Conv3x3, ForwardEqualsDirectConvolution) {
  Rng rng(1);
  // MinAtar's size at batch 3, and a non-square image with odd channel counts.
  for (const auto& [height, width, in_channels, out_channels] :
       {std::array<int, 4>{10, 10, 6, 16}, std::array<int, 4>{5, 7, 3, 5}}) {
    Conv3x3 conv("conv", height, width, in_channels, out_channels);
    conv.initialize(Init::kTorchDefault, rng);
    const Matrix input = random_matrix(3, height * width * in_channels, rng);
    const Matrix expected =
        naive_conv(input, conv.kernel(), conv.bias(), height, width, in_channels, out_channels);
    EXPECT_LE((Matrix(conv.forward(input)) - expected).cwiseAbs().maxCoeff(), 1e-5f)
        << height << "x" << width << "x" << in_channels;
  }
}

TEST(Conv3x3, SinglePixelImpulsePlacesTheKernelTap) {
  // One input pixel set: output (y, x, o) sees it through tap (ky, kx) = (py - y, px - x).
  Conv3x3 conv("conv", 4, 4, 1, 2);
  for (int r = 0; r < 9; ++r) {
    conv.kernel()(r, 0) = static_cast<float>(r + 1);
    conv.kernel()(r, 1) = static_cast<float>(-(r + 1));
  }
  Matrix input = Matrix::Zero(1, 16);
  input(0, 1 * 4 + 2) = 1.0f;  // pixel (y=1, x=2)
  const Matrix out = conv.forward(input);
  // Output pixel (0, 1): tap (1, 1) = row 4 -> 5; output pixel (1, 0): tap (0, 2) = row 2 -> 3.
  EXPECT_EQ(out(0, (0 * 2 + 1) * 2 + 0), 5.0f);
  EXPECT_EQ(out(0, (0 * 2 + 1) * 2 + 1), -5.0f);
  EXPECT_EQ(out(0, (1 * 2 + 0) * 2 + 0), 3.0f);
  EXPECT_EQ(out(0, (0 * 2 + 0) * 2 + 0), 6.0f);  // (0, 0) sees it through tap (1, 2) = row 5
  EXPECT_EQ(out(0, (1 * 2 + 1) * 2 + 0), 2.0f);  // (1, 1) sees it through tap (0, 1) = row 1
}

TEST(Conv3x3, GradientsMatchFiniteDifferences) {
  Rng rng(2);
  Conv3x3 conv("conv", 5, 4, 2, 3);
  conv.initialize(Init::kTorchDefault, rng);
  expect_gradients_match(conv, random_matrix(2, 5 * 4 * 2, rng), rng);
}

TEST(Conv3x3, BackwardAcceptsANonContiguousGradient) {
  Rng rng(3);
  Conv3x3 conv("conv", 4, 4, 2, 3);
  conv.initialize(Init::kTorchDefault, rng);
  const Matrix x = random_matrix(2, 32, rng);
  const Matrix wide = random_matrix(2, 12 + 5, rng);
  conv.forward(x);
  const Matrix dx_strided = conv.backward(x, wide.leftCols(12));
  const Matrix kernel_grad_strided = *conv.parameters()[0].grad;
  const Matrix dx = conv.backward(x, Matrix(wide.leftCols(12)));
  EXPECT_EQ(dx_strided, dx);
  EXPECT_EQ(kernel_grad_strided, *conv.parameters()[0].grad);
}

TEST(Conv3x3, RejectsBadShapes) {
  EXPECT_THROW(Conv3x3("conv", 2, 10, 1, 1), Error);
  Conv3x3 conv("conv", 10, 10, 4, 16);
  EXPECT_THROW(conv.forward(Matrix::Zero(1, 401)), Error);
}

}  // namespace
}  // namespace arq::nn
