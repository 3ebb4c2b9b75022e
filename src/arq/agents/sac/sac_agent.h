#pragma once
// SAC as an Agent for the trainer: a SacLearner fed from a continuous-action replay buffer, a
// policy that samples (training) or takes tanh(mean) (evaluation), Polyak target updates on
// sync_target(). Noise comes from the trainer's streams (replay stream for updates, exploration
// stream for acting), which the trainer checkpoints, so a resumed run is bit-identical.
#include <memory>

#include "arq/agents/agent.h"
#include "arq/agents/sac/sac_learner.h"
#include "arq/core/config.h"
#include "arq/env/env.h"
#include "arq/replay/replay_buffer.h"

namespace arq::sac {

struct SacOptions {
  SacShape shape;
  SacHyper hyper;
  int batch_size = 1024;
  uint64_t seed = 0;
};

// Reads sac.*, agent.gamma, replay.batch_size and optim.adam_* (docs/sac.md). Throws arq::Error
// naming the environment if it has discrete actions.
SacOptions sac_options_from_config(const Config& config, const EnvSpec& spec);

class SacAgent final : public Agent {
 public:
  explicit SacAgent(const SacOptions& options);

  std::string name() const override { return "sac"; }
  bool continuous_actions() const override { return true; }
  std::unique_ptr<Policy> make_policy() override;
  std::vector<std::string> metric_names() const override {
    return {"critic_loss", "actor_loss", "alpha_loss", "alpha", "entropy", "q_mean"};
  }
  const Metrics& update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) override;
  // Polyak averaging Q̄ ← τ·Q + (1 - τ)·Q̄ (the trainer calls it every target_update_frequency).
  void sync_target() override { learner_.soft_update_targets(); }
  AgentState save_state() const override;
  void load_state(const AgentState& state) override;

  SacLearner& learner() { return learner_; }

 private:
  SacOptions options_;
  SacLearner learner_;
  std::vector<int64_t> indices_;
  SacBatch batch_;
  Metrics metrics_;  // the last update's
};

}  // namespace arq::sac
