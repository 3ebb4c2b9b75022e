#pragma once
// SAC's policy distribution (pytorch_sac's SquashedNormal): a diagonal Gaussian over u, squashed
// to actions a = tanh(u) in (-1, 1). The actor's head holds per action dimension the mean and a
// raw log-std r, bounded smoothly as log σ = lo + (hi - lo)·(tanh(r) + 1)/2.
//
// Samples are reparameterised, u = mean + σ·ε with ε ~ N(0, 1) given by the caller, so the
// action and its log-probability are differentiable functions of the head:
//   log π(a) = Σ_j [ -ε_j²/2 - log σ_j - log(2π)/2 - log(1 - tanh²(u_j)) ]
// with log(1 - tanh²(u)) = 2·(log 2 - u - softplus(-2u)), the stable form PyTorch's
// TanhTransform uses.
#include "arq/nn/matrix.h"

namespace arq::sac {

struct LogStdBounds {
  float min = -5.0f;
  float max = 2.0f;
};

// head [B, 2A] (means | raw log-stds), noise [B, A] -> action [B, A], log_prob [B, 1].
void squashed_gaussian_sample(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                              LogStdBounds bounds, nn::MatrixRef action, nn::MatrixRef log_prob);

// Given the same head, noise and the action it produced, and dLoss/daction [B, A] and
// dLoss/dlog_prob [B, 1], writes dLoss/dhead [B, 2A].
void squashed_gaussian_backward(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                                const nn::ConstMatrixRef& action, LogStdBounds bounds,
                                const nn::ConstMatrixRef& grad_action,
                                const nn::ConstMatrixRef& grad_log_prob, nn::MatrixRef grad_head);

// The deterministic (evaluation) action tanh(mean): head [B, 2A] -> action [B, A].
void squashed_gaussian_mode(const nn::ConstMatrixRef& head, nn::MatrixRef action);

}  // namespace arq::sac
