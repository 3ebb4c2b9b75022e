#pragma once
// Evaluation: whole episodes with an epsilon-greedy policy on a separate environment (the
// papers' protocol: 10 episodes at epsilon 0.05). Continuous-action environments are played with
// the policy's deterministic action (SAC: tanh of the mean), and epsilon is ignored.
#include <cstdint>
#include <random>
#include <vector>

#include "arq/agents/agent.h"
#include "arq/env/env.h"

namespace arq {

struct EvalSettings {
  int64_t episodes = 10;
  double epsilon = 0.05;
  int64_t max_steps = 27'000;  // per episode; the episode is cut (truncated) there
};

struct EvalResult {
  std::vector<double> returns;
  std::vector<int64_t> lengths;
  double mean() const;
  double stddev() const;  // population
};

// Plays settings.episodes episodes, each starting with env.reset() (no reseed: consecutive
// evaluations continue the environment's stream) and policy.begin_episode().
EvalResult evaluate(Env& env, Policy& policy, const EvalSettings& settings, std::mt19937_64& rng);

}  // namespace arq
