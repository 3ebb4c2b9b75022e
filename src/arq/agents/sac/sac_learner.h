#pragma once
// The SAC learning rule (Haarnoja et al. 2018, with the learned temperature of the 2018 v2
// paper) as pytorch_sac (Yarats & Kostrikov) implements it, on one batch at a time:
//   critic:  y = r + γ·(1 - terminated)·(min_k Q̄_k(s', a') - α·log π(a'|s')),  a' ~ π(·|s')
//            L_Q = Σ_k mean (Q_k(s, a) - y)²                        (one Adam over both critics)
//   actor:   L_π = mean (α·log π(ã|s) - min_k Q_k(s, ã)),  ã ~ π(·|s) reparameterised
//   alpha:   L_α = mean α·(-log π(ã|s) - H̄),  H̄ = -|A|,  learned as log α
//   targets: Q̄ ← τ·Q + (1 - τ)·Q̄  (soft_update_targets, called by the trainer every N steps)
// Every gradient comes from our own backward passes; the actor's flows through the critics'
// input gradient with respect to the action. The noise ε is an input, so the same batch and
// noise give the same update (and tests can hold them fixed).
#include <string>

#include "arq/agents/sac/squashed_gaussian.h"
#include "arq/nn/adam.h"
#include "arq/nn/sequential.h"

namespace arq::sac {

struct SacShape {
  int obs_size = 0;
  int action_dim = 0;
  int hidden = 1024;
  int depth = 2;
};

struct SacHyper {
  float gamma = 0.99f;
  float tau = 0.005f;
  float init_temperature = 0.1f;
  LogStdBounds log_std;
  nn::AdamOptions actor_adam{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 0.0f};
  nn::AdamOptions critic_adam{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 0.0f};
  nn::AdamOptions alpha_adam{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 0.0f};
};

// One sampled batch. not_done is 1 - terminated (time limits still bootstrap).
struct SacBatch {
  nn::Matrix observations;       // [B, obs]
  nn::Matrix actions;            // [B, A]
  nn::Matrix rewards;            // [B, 1]
  nn::Matrix not_done;           // [B, 1]
  nn::Matrix next_observations;  // [B, obs]
  nn::Matrix next_noise;         // [B, A]  ε for a' ~ π(·|s')
  nn::Matrix noise;              // [B, A]  ε for ã ~ π(·|s)
  void resize(int batch, int obs_size, int action_dim);
};

struct SacUpdateMetrics {
  double critic_loss = 0, actor_loss = 0, alpha_loss = 0, alpha = 0, entropy = 0, q_mean = 0;
};

class SacLearner {
 public:
  // Networks "actor", "critic.q1", "critic.q2", "critic_target.q1", "critic_target.q2" and the
  // scalar "log_alpha"; weights orthogonal from `init_seed`, targets equal to the critics.
  SacLearner(const SacShape& shape, const SacHyper& hyper, uint64_t init_seed);

  // The full update: critic step, then actor and temperature steps.
  SacUpdateMetrics update(const SacBatch& batch);
  void soft_update_targets();

  // The pieces of update(), without optimiser steps: each returns its loss and overwrites the
  // gradients of its own parameters (exposed for the gradient checks).
  float critic_gradients(const SacBatch& batch);
  // Also leaves mean log π(ã|s) in *mean_log_prob (for the temperature) if non-null.
  float actor_gradients(const SacBatch& batch, double* mean_log_prob = nullptr);
  float alpha_gradients(double mean_log_prob);

  // The actor's head [B, 2A] for observations (means | raw log-stds).
  nn::ConstMatrixMap actor_head(const nn::ConstMatrixRef& observations) {
    return actor_.forward(observations);
  }
  float alpha() const;

  nn::ParameterList actor_parameters() { return actor_.parameters(); }
  nn::ParameterList critic_parameters();
  nn::ParameterList target_parameters();
  nn::ParameterList alpha_parameters();
  nn::Adam& actor_optimizer() { return *actor_optimizer_; }
  nn::Adam& critic_optimizer() { return *critic_optimizer_; }
  nn::Adam& alpha_optimizer() { return *alpha_optimizer_; }

  const SacShape& shape() const { return shape_; }
  const SacHyper& hyper() const { return hyper_; }

 private:
  // Writes [observations | actions] into `out` (resized once per batch size).
  void concatenate(const nn::ConstMatrixRef& observations, const nn::ConstMatrixRef& actions,
                   nn::Matrix& out) const;

  SacShape shape_;
  SacHyper hyper_;
  nn::Sequential actor_;
  nn::Sequential q1_, q2_, q1_target_, q2_target_;
  nn::Matrix log_alpha_, log_alpha_grad_;  // 1 x 1
  std::unique_ptr<nn::Adam> actor_optimizer_, critic_optimizer_, alpha_optimizer_;
  // Each optimiser's parameters, listed once for the divergence guard.
  nn::ParameterList actor_list_, critic_list_, alpha_list_;

  // Batch scratch space, sized on the first batch.
  nn::Matrix next_action_, next_log_prob_, target_input_, targets_, critic_input_;
  nn::Matrix grad_q_, action_, log_prob_, actor_input_, grad_q1_, grad_q2_, grad_action_,
      grad_log_prob_, grad_head_;
};

}  // namespace arq::sac
