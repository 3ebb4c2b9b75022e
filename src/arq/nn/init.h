#pragma once
// Weight initialisers. Elements are drawn in row-major order, so a W stored [in, out] is filled
// row by row.
#include <cstdint>

#include "arq/nn/matrix.h"
#include "arq/nn/rng.h"

namespace arq::nn {

// How a Linear or Conv3x3 layer initialises its parameters.
enum class Init {
  // Flax's Dense default: truncated LeCun-normal kernel, zero bias (the AD/ARQ cells).
  kLecunNormal,
  // PyTorch's nn.Linear / nn.Conv2d default: kernel and bias ~ U(-1/sqrt(fan_in), +) (DQN).
  kTorchDefault,
};

// The std of a standard normal truncated to (-2, 2). Dividing by it restores unit variance
// (the constant of jax.nn.initializers.variance_scaling with "truncated_normal").
inline constexpr double kTruncatedNormalStd = 0.87962566103423978;

// jax.nn.initializers.lecun_normal(): N(0, 1) truncated to (-2, 2), times
// sqrt(1 / fan_in) / kTruncatedNormalStd, so the weights have variance 1 / fan_in.
void init_lecun_normal(MatrixRef weights, int64_t fan_in, Rng& rng);

// U(-1/sqrt(fan_in), 1/sqrt(fan_in)): what kaiming_uniform_(a = sqrt(5)) gives PyTorch weights,
// and what PyTorch draws for their biases too.
void init_torch_uniform(MatrixRef weights, int64_t fan_in, Rng& rng);

}  // namespace arq::nn
