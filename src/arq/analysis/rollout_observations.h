#pragma once
// The observations an agent acts on in a rollout file written by `arq rollout` (MinAtar: packed
// hex grids; DMC: arrays of numbers), with the episode each belongs to. A reset record starts an
// episode; every step record's observation follows, except the last observation of an episode
// that terminated or was truncated (the agent never acts on it: the next record is a reset).
#include <cstdint>
#include <string>
#include <vector>

namespace arq::analysis {

struct RolloutObservations {
  std::string path;
  std::string env_id;  // the header's env_id, e.g. "minatar/breakout-v1", "dmc/walker-walk"
  int observation_size = 0;
  std::vector<float> values;   // [count, observation_size], row-major
  std::vector<int64_t> times;  // environment steps taken before this observation
  std::vector<int> episodes;   // episode index (0 = the first reset record)
  std::vector<int> lines;      // line number in the file (1 = the header)
  std::vector<char> starts;    // 1 if the observation starts an episode

  int64_t count() const { return static_cast<int64_t>(times.size()); }
  const float* row(int64_t i) const { return values.data() + i * observation_size; }
};

// Reads a rollout file (plain or gzip). Throws arq::Error naming the file and line for a missing
// header, a malformed record or an observation whose size disagrees with the header.
RolloutObservations read_rollout_observations(const std::string& path);

// Base environment of an id: "dmc/walker-walk:bangbang" -> "dmc/walker-walk" (wrapper suffixes
// change actions, never observations).
std::string observation_env(const std::string& env_id);

}  // namespace arq::analysis
