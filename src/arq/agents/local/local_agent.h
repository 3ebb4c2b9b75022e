#pragma once
// The local Q-learning agents (ARQ, AD) behind the trainer's Agent interface: config keys ->
// stack and learner options, replay windows -> LocalBatch, and checkpointable state.
#include <memory>

#include "arq/agents/agent.h"
#include "arq/agents/local/local_learner.h"
#include "arq/agents/local/local_policy.h"
#include "arq/core/config.h"
#include "arq/env/env.h"

namespace arq::local {

// Defaults for library users equal the config keys' (the declared source, train_config.cc;
// tests/train/train_config_test.cc checks that they agree).
struct LocalAgentOptions {
  StackOptions stack;
  LearnerOptions learner;
  PolicyOptions policy;
  int batch_size = 512;
  int context_window = 10;  // past observations replayed before s_t
  uint64_t seed = 0;
};

LocalAgentOptions local_agent_options_from_config(const Config& config, const EnvSpec& spec);

class LocalAgent final : public Agent {
 public:
  explicit LocalAgent(const LocalAgentOptions& options);

  std::string name() const override { return name_; }
  std::unique_ptr<Policy> make_policy() override;
  std::vector<std::string> metric_names() const override;
  const Metrics& update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) override;
  // The batch update() learns from: sampled with `rng`, held in this agent's scratch space until
  // the next call. update() is sample_batch() followed by learner().update() on it.
  LocalBatch sample_batch(const replay::ReplayBuffer& replay, std::mt19937_64& rng);
  void sync_target() override { learner_.sync_target(); }
  AgentState save_state() const override;
  void load_state(const AgentState& state) override;

  LocalLearner& learner() { return learner_; }

 private:
  LocalAgentOptions options_;
  std::string name_;
  LocalLearner learner_;
  // Batch scratch space, allocated once.
  std::vector<int64_t> indices_;
  std::vector<float> windows_, next_observations_, rewards_, terminated_;
  std::vector<int> actions_;
  // The metrics, one entry per metric_names() name, made once; update() writes the values in
  // place through `metric_slots_` (per layer: td_loss, q_mean, grad_norm).
  Metrics metrics_;
  std::vector<double*> metric_slots_;
};

}  // namespace arq::local
