#pragma once
// DQN (Mnih et al. 2015) as in MinAtar's reference example: one Q-network trained by
// backpropagation on a replay batch, a target network copied every N steps, Huber loss and
// centred RMSprop (or Adam, MSE and the double-DQN target when configured).
#include <memory>

#include "arq/agents/agent.h"
#include "arq/agents/dqn/q_network.h"
#include "arq/core/config.h"
#include "arq/env/env.h"
#include "arq/nn/optimizer.h"
#include "arq/replay/replay_buffer.h"

namespace arq::dqn {

struct DqnOptions {
  QNetworkShape network;
  int batch_size = 32;
  float gamma = 0.99f;
  bool double_q = false;
  bool huber = true;
  std::string optimizer = "rmsprop";
  float learning_rate = 2.5e-4f;
  float max_grad_norm = 0.0f;
  float adam_b1 = 0.9f, adam_b2 = 0.999f, adam_eps = 1e-8f;
  float rmsprop_alpha = 0.95f, rmsprop_eps = 0.01f;
  uint64_t seed = 0;
};

DqnOptions dqn_options_from_config(const Config& config, const EnvSpec& spec);

class DqnAgent final : public Agent {
 public:
  explicit DqnAgent(const DqnOptions& options);

  std::string name() const override { return "dqn"; }
  std::unique_ptr<Policy> make_policy() override;
  std::vector<std::string> metric_names() const override { return {"td_loss", "q_mean"}; }
  const Metrics& update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) override;
  void sync_target() override { target_.copy_from(online_); }
  AgentState save_state() const override;
  void load_state(const AgentState& state) override;

  // Q-values of the online network for a batch of observations (for policies and analysis).
  nn::ConstMatrixMap q_values(const nn::ConstMatrixRef& observations) {
    return online_.forward(observations);
  }

 private:
  DqnOptions options_;
  QNetwork online_;
  QNetwork target_;
  std::unique_ptr<nn::Optimizer> optimizer_;
  nn::ParameterList online_parameters_;  // listed once, for the divergence guard
  // Batch scratch space, allocated once.
  std::vector<int64_t> indices_;
  nn::Matrix observations_, next_observations_;
  nn::Matrix targets_, predictions_, grad_predictions_, grad_q_;
  std::vector<int> next_actions_;  // double DQN: a* of each s'
  Metrics metrics_;                // the last update's
};

}  // namespace arq::dqn
