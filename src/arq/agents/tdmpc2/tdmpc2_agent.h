#pragma once
// TD-MPC2 as an Agent for the trainer: a Learner fed with sequences from the continuous-action
// replay buffer, a policy that plans with MPPI over the latent model (or, with tdmpc2.mpc =
// false, samples the policy prior), and Polyak target updates on sync_target(). Randomness comes
// from the trainer's checkpointed streams (replay stream for updates, exploration / evaluation
// streams for acting), so a resumed run is bit-identical. See docs/tdmpc2.md.
#include <memory>

#include "arq/agents/agent.h"
#include "arq/agents/tdmpc2/mppi.h"
#include "arq/agents/tdmpc2/sequence_sampler.h"
#include "arq/agents/tdmpc2/tdmpc2_learner.h"
#include "arq/core/config.h"
#include "arq/env/env.h"

namespace arq::tdmpc2 {

struct Tdmpc2Options {
  ModelShape shape;
  LearnerHyper hyper;
  MppiSettings mppi;
  bool mpc = true;
  int batch_size = 256;
  uint64_t seed = 0;
};

// The official discount heuristic: clamp((L/denom - 1)/(L/denom), min, max) for episodes of L
// agent steps (DMC with :repeat2: L = 500 -> 0.99).
double discount_for_episode_length(double episode_length, double denom, double min, double max);

// Reads tdmpc2.*, replay.batch_size and run.seed (docs/tdmpc2.md). Throws arq::Error naming the
// key of an invalid setting, or the environment if it has discrete actions.
Tdmpc2Options tdmpc2_options_from_config(const Config& config, const EnvSpec& spec);

class Tdmpc2Agent final : public Agent {
 public:
  explicit Tdmpc2Agent(const Tdmpc2Options& options);

  std::string name() const override { return "tdmpc2"; }
  bool continuous_actions() const override { return true; }
  std::unique_ptr<Policy> make_policy() override;
  std::vector<std::string> metric_names() const override;
  const Metrics& update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) override;
  // Polyak averaging of the target Q-heads (the trainer calls it every target_update_frequency;
  // the presets set 1, the official schedule).
  void sync_target() override { learner_.soft_update_targets(); }
  AgentState save_state() const override;
  void load_state(const AgentState& state) override;

  Learner& learner() { return learner_; }
  const Tdmpc2Options& options() const { return options_; }

 private:
  Tdmpc2Options options_;
  Learner learner_;
  SequenceSampler sampler_;
  SequenceBatch batch_;
  Metrics metrics_;  // the last update's
};

}  // namespace arq::tdmpc2
