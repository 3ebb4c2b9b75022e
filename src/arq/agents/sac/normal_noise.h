#pragma once
// Standard normal noise from a std::mt19937_64 for SAC's reparameterised samples. The transform
// is our own (Box–Muller on 53-bit uniforms, both values of each pair used), because
// std::normal_distribution differs between standard libraries; the engine is the trainer's
// seeded, checkpointed stream, so a resumed run draws the same noise.
#include <random>

#include "arq/nn/matrix.h"

namespace arq::sac {

// Fills `out` (row-major order) with independent N(0, 1) values.
void fill_standard_normal(std::mt19937_64& rng, nn::MatrixRef out);

}  // namespace arq::sac
