#pragma once
// TD-MPC2's policy prior: a diagonal Gaussian over u squashed to actions a = tanh(u). The head
// holds per action dimension a mean and a raw log-std r, bounded as
//   log σ = lo + (hi - lo)·(tanh(r) + 1)/2          (TD-MPC2: lo = -10, hi = 2).
// Samples are reparameterised, u = mean + σ·ε with ε ~ N(0, 1) given by the caller. Two
// log-probabilities come out:
//   gaussian  = Σ_j (-ε_j²/2 - log σ_j) - A·log(2π)/2           (of u, before the squash)
//   squashed  = gaussian - Σ_j log(relu(1 - a_j²) + 1e-6)         (of a, the official formula)
// The actor's entropy bonus uses A·gaussian (see docs/tdmpc2.md: the official "scaled entropy"
// equals it to within 1e-8), the logged entropy is -squashed.
#include "arq/nn/matrix.h"

namespace arq::tdmpc2 {

struct LogStdRange {
  float min = -10.0f;
  float max = 2.0f;
};

// head [N, 2A], noise [N, A] -> action [N, A], gaussian_log_prob [N, 1], squashed_log_prob [N, 1].
void policy_sample(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                   LogStdRange range, nn::MatrixRef action, nn::MatrixRef gaussian_log_prob,
                   nn::MatrixRef squashed_log_prob);

// Given the same head, noise and the action they produced, and the gradients of a loss with
// respect to the three outputs, writes dLoss/dhead [N, 2A].
void policy_backward(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                     const nn::ConstMatrixRef& action, LogStdRange range,
                     const nn::ConstMatrixRef& grad_action,
                     const nn::ConstMatrixRef& grad_gaussian_log_prob,
                     const nn::ConstMatrixRef& grad_squashed_log_prob, nn::MatrixRef grad_head);

// The deterministic action tanh(mean): head [N, 2A] -> action [N, A].
void policy_mode(const nn::ConstMatrixRef& head, nn::MatrixRef action);

}  // namespace arq::tdmpc2
