#pragma once
// pytorch_sac's MLP: `depth` hidden Linear+ReLU layers of width `hidden`, then a linear output;
// weights orthogonal (torch.nn.init.orthogonal_, gain 1), biases zero.
#include <string>

#include "arq/nn/matrix.h"
#include "arq/nn/rng.h"
#include "arq/nn/sequential.h"

namespace arq::sac {

// Layers "<prefix>.fc0" .. "<prefix>.fc<depth-1>" and "<prefix>.out" (each .kernel/.bias).
void build_mlp(nn::Sequential& net, const std::string& prefix, int inputs, int hidden, int depth,
               int outputs);

// Every Linear of `net`: orthogonal kernel, zero bias.
void initialize_mlp(nn::Sequential& net, nn::Rng& rng);

// A (semi-)orthogonal matrix: the Q factor of a standard normal matrix (rows and columns
// orthonormal, whichever are fewer), its signs fixed by diag(R) as PyTorch does.
void init_orthogonal(nn::MatrixRef weights, nn::Rng& rng);

}  // namespace arq::sac
