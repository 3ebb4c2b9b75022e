#pragma once
// TD-MPC2's update (tdmpc2.py `_update` and `update_pi`) on one batch of sequences, with every
// gradient from our own backward passes:
//   z_0 = enc(o_0),  z_{t+1} = d(z_t, a_t),  targets z̄_{t+1} = enc(o_{t+1}) (no gradient)
//   TD target  y_t = r_t + γ·min(Q̄_i, Q̄_j)(z̄_{t+1}, π(z̄_{t+1}))   (two random target heads)
//   L = Σ_t ρ^t [ c_cons·‖z_{t+1} - z̄_{t+1}‖²/(B·L) + c_rew·CE(R(z_t, a_t), r_t)
//                 + c_val/num_q·Σ_k CE(Q_k(z_t, a_t), y_t) ] / H
// one Adam step over encoder (lr·enc_lr_scale) and dynamics, reward, Q (lr) after clipping the
// joint gradient norm; then the actor on the detached latents z_0..z_H:
//   L_π = mean_t ρ^t · mean_b [ c_ent·A·log N(u) - (Q_i + Q_j)/2(z, a~π) / S ]
// with S the running value scale, updated from the t = 0 Q-values first; its own Adam (eps
// 1e-5) after clipping its norm. Dropout in the Q-heads is active in both losses (the official
// model is in train mode there) and off for the targets.
// Randomness (policy noise, dropout masks, the Q-head pairs) comes from the generator passed in.
#include <memory>
#include <random>
#include <vector>

#include "arq/agents/tdmpc2/inference_mlp.h"
#include "arq/agents/tdmpc2/policy_prior.h"
#include "arq/agents/tdmpc2/running_scale.h"
#include "arq/agents/tdmpc2/two_hot.h"
#include "arq/agents/tdmpc2/world_model.h"
#include "arq/nn/adam.h"

namespace arq::tdmpc2 {

struct LearnerHyper {
  int horizon = 3;
  float discount = 0.99f;
  float rho = 0.5f;
  float consistency_coef = 20.0f;
  float reward_coef = 0.1f;
  float value_coef = 0.1f;
  float entropy_coef = 1e-4f;
  float lr = 3e-4f;
  float enc_lr_scale = 0.3f;
  float grad_clip_norm = 20.0f;
  float tau = 0.01f;
  float vmin = -10.0f;
  float vmax = 10.0f;
  LogStdRange log_std;
};

// A batch of B sequences, time-major: row t·B + b is step t of sequence b.
struct SequenceBatch {
  nn::Matrix observations;  // [(H+1)·B, obs]
  nn::Matrix actions;       // [H·B, A]
  nn::Matrix rewards;       // [H·B, 1]
  int batch_size = 0;
  void resize(int horizon, int batch, int obs_size, int action_dim);
};

struct LearnerMetrics {
  double consistency_loss = 0, reward_loss = 0, value_loss = 0, total_loss = 0, grad_norm = 0;
  double pi_loss = 0, pi_entropy = 0, pi_scale = 0, pi_grad_norm = 0, td_target = 0;
};

class Learner {
 public:
  Learner(const ModelShape& shape, const LearnerHyper& hyper, uint64_t init_seed);

  LearnerMetrics update(const SequenceBatch& batch, std::mt19937_64& rng);

  // The pieces of update() without optimiser steps or clipping, for the gradient checks: each
  // returns its loss and overwrites the gradients of its own parameters. model_gradients draws
  // (in this order) the target policy noise, the target Q pair and the dropout masks from rng;
  // pi_gradients the policy noise, the Q pair and the masks. `update_scale`: whether the running
  // scale moves first (false in checks, so the loss is a fixed function of the weights).
  // `freeze_targets`: keep the latent and TD targets of the previous call (the random draws are
  // made all the same), so a finite-difference check sees the targets as the constants they are.
  double model_gradients(const SequenceBatch& batch, std::mt19937_64& rng,
                         LearnerMetrics* metrics = nullptr, bool freeze_targets = false);
  double pi_gradients(std::mt19937_64& rng, bool update_scale, LearnerMetrics* metrics = nullptr);
  // The latents z_0..z_H of the last model_gradients ([(H+1)·B, latent]); pi_gradients reads them.
  nn::Matrix& latents() { return zs_; }

  WorldModel& model() { return model_; }
  const TwoHotBins& bins() const { return bins_; }
  RunningScale& scale() { return scale_; }
  const LearnerHyper& hyper() const { return hyper_; }
  nn::Adam& encoder_optimizer() { return *encoder_optimizer_; }
  nn::Adam& model_optimizer() { return *model_optimizer_; }
  nn::Adam& pi_optimizer() { return *pi_optimizer_; }
  void soft_update_targets() { model_.soft_update_targets(hyper_.tau); }

  // Two distinct Q-head indices, as torch.randperm(num_q)[:2] picks them.
  static std::pair<int, int> random_pair(int num_q, std::mt19937_64& rng);

 private:
  // Writes [z | a] into `out`.
  static void concatenate(const nn::ConstMatrixRef& z, const nn::ConstMatrixRef& a,
                          nn::MatrixRef out);

  ModelShape shape_;
  LearnerHyper hyper_;
  WorldModel model_;
  TwoHotBins bins_;
  RunningScale scale_;
  std::unique_ptr<nn::Adam> encoder_optimizer_, model_optimizer_, pi_optimizer_;
  // Fused gradient-free passes for the targets (the encoder on o_1..o_H, the policy there and the
  // target Q-heads).
  InferenceMlp target_encoder_, target_pi_;
  std::vector<std::unique_ptr<InferenceMlp>> target_qs_;

  // Scratch space, sized per batch.
  nn::Matrix next_z_, target_noise_, target_action_, target_input_, td_targets_, q_values_,
      q_values_2_, log_prob_a_, log_prob_b_;
  nn::Matrix zs_, latent_action_, grad_zs_, grad_logits_, grad_input_acc_;
  nn::Matrix pi_noise_, pi_action_, pi_input_, pi_gaussian_, pi_squashed_, grad_q_, grad_action_,
      grad_gaussian_, grad_squashed_, grad_head_;
  std::vector<nn::Matrix> dynamics_grad_acc_;
};

// Scales every gradient of `parameters` by min(1, max_norm / (‖g‖ + 1e-6)) (PyTorch's
// clip_grad_norm_) and returns ‖g‖ before clipping.
double clip_gradients(const nn::ParameterList& parameters, double max_norm);

}  // namespace arq::tdmpc2
