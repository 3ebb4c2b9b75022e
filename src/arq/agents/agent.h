#pragma once
// What the trainer needs from an agent. Agents know nothing of files or environments: the
// trainer owns the loop, the replay buffer and the run folder; an agent owns its networks,
// optimisers and the way it learns from replay.
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "arq/core/error.h"
#include "arq/nn/optimizer.h"
#include "arq/nn/parameter.h"

namespace arq {

namespace replay {
class ReplayBuffer;
}

// Acting state for one environment stream (e.g. the temporal context of a local agent). The
// trainer keeps one for training and one per evaluation environment.
class Policy {
 public:
  virtual ~Policy() = default;
  // A new episode starts: clear any recurrent context.
  virtual void begin_episode() = 0;
  // The greedy action for this observation; advances the context.
  virtual int act_greedy(std::span<const float> observation) = 0;
  // The trainer took an ε-random action instead (the reference code then leaves its context stale).
  virtual void skip_step(std::span<const float> /*observation*/) {}
  // Per-layer Q-values of the last greedy step, for analysis (empty if not exposed).
  virtual std::vector<std::vector<float>> last_q_values() const { return {}; }
  // Continuous-action policies (Agent::continuous_actions()): writes action_dim values in
  // [-1, 1]. `sample`: draw from the stochastic policy with `rng` (training); otherwise the
  // deterministic action (evaluation). Discrete policies throw arq::Error.
  virtual void act_continuous(std::span<const float> /*observation*/, bool /*sample*/,
                              std::mt19937_64& /*rng*/, std::span<float> /*action*/) {
    throw Error("this agent's policy acts with discrete actions, not continuous ones");
  }
};

using Metrics = std::map<std::string, double>;

struct AgentState {
  std::vector<nn::NamedTensor> tensors;
  std::map<std::string, int64_t> counters;
};

class Agent {
 public:
  virtual ~Agent() = default;
  virtual std::string name() const = 0;
  // false: the agent acts with discrete action indices (Policy::act_greedy); true: with
  // continuous action vectors (Policy::act_continuous) and learns from a continuous replay.
  virtual bool continuous_actions() const { return false; }
  virtual std::unique_ptr<Policy> make_policy() = 0;
  // Names of the scalars update() returns (the metrics.csv columns), fixed for the run.
  virtual std::vector<std::string> metric_names() const = 0;
  // One learning update from replay (the agent samples what it needs with `rng`). The metrics
  // are the agent's own, valid until its next update (agents keep one map, so an update need
  // not build one).
  virtual const Metrics& update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) = 0;
  // Hard copy online -> target.
  virtual void sync_target() = 0;
  // Everything needed to continue bit-identically: weights, target weights, optimiser moments
  // (named tensors with stable checkpoint names, documented in docs/checkpoints.md) and counters
  // (optimiser step counts...).
  virtual AgentState save_state() const = 0;
  // Throws arq::Error naming the tensor on a missing name or a wrong shape.
  virtual void load_state(const AgentState& state) = 0;
};

}  // namespace arq
