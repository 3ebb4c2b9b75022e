#include "arq/nn/mish.h"

#include <algorithm>

namespace arq::nn {
namespace {

// tanh(softplus(x)) = n / (n + 2) with n = eˣ·(eˣ + 2): one exponential per value, evaluated by
// Eigen's vectorised exp. x is capped at 20 inside the exponential, where the ratio is already 1
// in float, so n cannot overflow.
constexpr float kExpCap = 20.0f;

// Values go through fixed-size chunks on the stack: a whole-row Eigen temporary would allocate.
constexpr Eigen::Index kChunk = 16;
using Fixed = Eigen::Array<float, 1, kChunk>;
using FixedMap = Eigen::Map<Fixed, Eigen::Unaligned>;
using ConstFixedMap = Eigen::Map<const Fixed, Eigen::Unaligned>;
using Tail = Eigen::Array<float, 1, Eigen::Dynamic, Eigen::RowMajor, 1, kChunk>;
using ConstChunkMap = Eigen::Map<const Eigen::Array<float, 1, Eigen::Dynamic, Eigen::RowMajor>>;
using ChunkMap = Eigen::Map<Eigen::Array<float, 1, Eigen::Dynamic, Eigen::RowMajor>>;

// The same arithmetic over a fixed-size chunk (fully vectorised) or the dynamic tail.
template <typename Array>
Array mish_chunk(const Array& x) {
  const Array e = x.min(kExpCap).exp();
  const Array n = e * (e + 2.0f);
  return x * n / (n + 2.0f);
}

// d/dx x·tanh(softplus(x)) = t + x·(1 - t²)·sigmoid(x), sigmoid(x) = e / (1 + e).
template <typename Array>
Array mish_derivative_chunk(const Array& x) {
  const Array e = x.min(kExpCap).exp();
  const Array n = e * (e + 2.0f);
  const Array t = n / (n + 2.0f);
  return t + x * (1.0f - t * t) * e / (1.0f + e);
}

}  // namespace

void mish_values(const float* x, float* y, Eigen::Index count) {
  Eigen::Index i = 0;
  for (; i + kChunk <= count; i += kChunk) {
    FixedMap(y + i) = mish_chunk<Fixed>(ConstFixedMap(x + i));
  }
  if (i < count) {
    ChunkMap(y + i, count - i) = mish_chunk<Tail>(ConstChunkMap(x + i, count - i));
  }
}

void mish_values_backward(const float* x, const float* grad_y, float* grad_x, Eigen::Index count) {
  Eigen::Index i = 0;
  for (; i + kChunk <= count; i += kChunk) {
    FixedMap(grad_x + i) =
        ConstFixedMap(grad_y + i) * mish_derivative_chunk<Fixed>(ConstFixedMap(x + i));
  }
  if (i < count) {
    const Eigen::Index size = count - i;
    ChunkMap(grad_x + i, size) =
        ConstChunkMap(grad_y + i, size) * mish_derivative_chunk<Tail>(ConstChunkMap(x + i, size));
  }
}

ConstMatrixMap Mish::forward(const ConstMatrixRef& input) {
  MatrixMap out = begin_forward(input);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    mish_values(input.row(r).data(), out.row(r).data(), input.cols());
  }
  return output_.view();
}

ConstMatrixMap Mish::backward(const ConstMatrixRef& input, const ConstMatrixRef& grad_output) {
  MatrixMap grad_input = begin_backward(input, grad_output);
  for (Eigen::Index r = 0; r < input.rows(); ++r) {
    mish_values_backward(input.row(r).data(), grad_output.row(r).data(), grad_input.row(r).data(),
                         input.cols());
  }
  return grad_input_.view();
}

}  // namespace arq::nn
