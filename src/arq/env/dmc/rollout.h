#pragma once
// Writes a DMC rollout as JSON lines, one record per control step, for comparing trajectories
// with dm_control's: a header, {"reset":E,"t":T,"obs":[...]} when an episode starts and
// {"t":T,"a":[...],"r":R,"term":false,"trunc":B,"obs":[...]} per step (T counts steps from 0).
// With `physics`, every record also carries "qpos" and "qvel". Numbers are printed with 17
// significant digits, enough to round-trip a double. Seed then reset once; after a truncated
// step the next episode starts with reset() (no reseed), like dm_control's auto-reset.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arq/core/text_io.h"

namespace arq::dmc {

struct RolloutRequest {
  std::string task;  // "walker-walk" (or the env id "dmc/walker-walk")
  uint32_t seed = 0;
  int64_t steps = 0;
  // Either fixed actions, `steps` rows of action_dim values stored row-major, or a uniform policy
  // whose components are numpy.random.RandomState(policy_seed).uniform(-1, 1), drawn in order.
  std::optional<std::vector<double>> actions;
  uint32_t policy_seed = 0;
  bool physics = false;
};

struct RolloutSummary {
  int64_t steps = 0;
  int episodes_completed = 0;
  double total_reward = 0.0;
};

RolloutSummary write_rollout(const RolloutRequest& request, TextWriter& out);

// Every actuator of the five tasks takes controls in [-1, 1].
inline constexpr double kActionMin = -1.0, kActionMax = 1.0;

// One control step per line: `action_dim` numbers in [-1, 1] separated by spaces, tabs or commas;
// blank lines and '#' comments are skipped. Returns the rows concatenated; errors name the file
// and line.
std::vector<double> read_action_file(const std::string& path, int action_dim);

// "%.17g" of a double (the JSON number format of rollouts).
std::string format_double(double value);

}  // namespace arq::dmc
