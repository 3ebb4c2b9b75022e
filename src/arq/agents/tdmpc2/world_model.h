#pragma once
// TD-MPC2's implicit world model (Hansen, Su, Wang 2024) for state observations, single task:
//   encoder   obs -> z           MLP, last layer Linear + LayerNorm + SimNorm
//   dynamics  [z | a] -> z'      MLP, last layer Linear + LayerNorm + SimNorm
//   reward    [z | a] -> logits  MLP over the two-hot bins
//   pi        z -> [mean | raw log-std]   the policy prior's head
//   q_k       [z | a] -> logits  num_q MLPs, dropout after their first Linear
//   target_q_k                   Polyak averages of the q_k
// Hidden layers are Linear -> (Dropout) -> LayerNorm (eps 1e-5, PyTorch's) -> Mish. Weights are
// N(0, 0.02²) (the official trunc_normal_(std=0.02), whose ±2 cut is 100σ away), biases zero,
// and the last Linear of the reward and Q networks starts at zero.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "arq/nn/sequential.h"

namespace arq::tdmpc2 {

struct ModelShape {
  int obs_size = 0;
  int action_dim = 0;
  int latent_dim = 512;
  int mlp_dim = 512;
  int enc_dim = 256;
  int num_enc_layers = 2;
  int num_q = 5;
  int num_bins = 101;
  int simnorm_dim = 8;
  float dropout = 0.01f;
};

// The official MODEL_SIZE table (parameters in millions): 1, 5, 19, 48 or 317. Throws arq::Error
// naming tdmpc2.model_size for any other value.
ModelShape model_shape_for_size(int model_size);

class WorldModel {
 public:
  // Throws arq::Error for a shape that cannot be built (naming the tdmpc2.* key).
  WorldModel(const ModelShape& shape, uint64_t init_seed);

  const ModelShape& shape() const { return shape_; }
  nn::Sequential& encoder() { return encoder_; }
  nn::Sequential& dynamics() { return dynamics_; }
  nn::Sequential& reward() { return reward_; }
  nn::Sequential& pi() { return pi_; }
  nn::Sequential& q(int k) { return *qs_.at(static_cast<size_t>(k)); }
  nn::Sequential& target_q(int k) { return *target_qs_.at(static_cast<size_t>(k)); }

  nn::ParameterList encoder_parameters() { return encoder_.parameters(); }
  // Dynamics, reward and Q-networks: the rest of the model optimiser's parameters.
  nn::ParameterList dynamics_reward_q_parameters();
  nn::ParameterList pi_parameters() { return pi_.parameters(); }
  nn::ParameterList target_parameters();
  nn::ParameterList q_parameters();

  // Q-network dropout: training mode with masks from *rng, or evaluation mode (nullptr).
  void set_q_dropout(std::mt19937_64* rng);
  // target ← target + tau·(online - target).
  void soft_update_targets(float tau);

 private:
  ModelShape shape_;
  nn::Sequential encoder_, dynamics_, reward_, pi_;
  std::vector<std::unique_ptr<nn::Sequential>> qs_, target_qs_;
};

}  // namespace arq::tdmpc2
