#pragma once
// ε-greedy acting with a discrete Policy, the one rule that training, evaluation, `arq render`,
// `arq q` and `arq analyze` share. With probability ε the action is uniformly random and the
// policy only hears of the step (Policy::skip_step: the local agents keep their context stale or
// advance it, as local.stale_context_on_random says); otherwise it is the policy's greedy action.
// The random numbers drawn, in order: one uniform double in [0, 1) for the coin, then, on a
// random step, one raw 64-bit number for the action. Runs repeat bit for bit only if this stays.
#include <cstdint>
#include <random>
#include <span>

#include "arq/agents/agent.h"

namespace arq {

// A uniformly random action in [0, num_actions): one raw draw, reduced modulo the count.
inline int random_action(std::mt19937_64& rng, int num_actions) {
  return static_cast<int>(rng() % static_cast<uint64_t>(num_actions));
}

// True with probability `epsilon` (one draw).
inline bool explore_coin(std::mt19937_64& rng, double epsilon) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < epsilon;
}

inline int epsilon_greedy_action(Policy& policy, std::span<const float> observation, double epsilon,
                                 int num_actions, std::mt19937_64& rng) {
  if (explore_coin(rng, epsilon)) {
    const int action = random_action(rng, num_actions);
    policy.skip_step(observation);
    return action;
  }
  return policy.act_greedy(observation);
}

}  // namespace arq
