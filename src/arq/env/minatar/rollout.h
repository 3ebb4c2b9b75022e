#pragma once
// Writes a MinAtar rollout in the reference harness's JSON-lines format (format 1): a header,
// reset records and step records with t, a, ga, ea, r, term, obs (packed hex), rng and ramp.
// Semantics of the harness: seed then reset; after a terminal step reset without reseeding.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arq/core/text_io.h"
#include "arq/env/minatar/minatar_env.h"

namespace arq::minatar {

struct RolloutRequest {
  MinAtarConfig config;
  uint32_t seed = 0;
  int64_t steps = 0;
  // Either fixed agent actions (one per step) or a uniform policy drawn as
  // numpy.random.RandomState(policy_seed).randint(num_actions), like the harness.
  std::optional<std::vector<int>> actions;
  uint32_t policy_seed = 0;
};

struct RolloutSummary {
  int64_t steps = 0;
  int episodes_completed = 0;
  double total_reward = 0.0;
};

RolloutSummary write_rollout(const RolloutRequest& request, TextWriter& out);

// One integer action per line (blank lines and '#' comments skipped); errors name file and line.
std::vector<int> read_action_file(const std::string& path);

}  // namespace arq::minatar
