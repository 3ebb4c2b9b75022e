#pragma once
// A naive model of what a replay buffer should hold, for checking ReplayBuffer against: every
// transition ever added, each observation tagged with a unique id that can be read back from
// the stored floats (binary: the id's bits; float: value 0 is the id).
#include <cstdint>
#include <random>
#include <vector>

#include "arq/replay/replay_buffer.h"

namespace arq::replay::testing {

inline std::vector<float> tagged_observation(int64_t id, int64_t size, bool binary) {
  std::vector<float> observation(static_cast<size_t>(size), 0.0f);
  if (binary) {
    for (int64_t bit = 0; bit < size && bit < 40; ++bit) {
      observation[static_cast<size_t>(bit)] = static_cast<float>((id >> bit) & 1);
    }
    // Some content after the id, so packing is exercised over the whole observation.
    for (int64_t i = 40; i < size; ++i) {
      observation[static_cast<size_t>(i)] = static_cast<float>((id * 7 + i) % 3 == 0);
    }
  } else {
    observation[0] = static_cast<float>(id);
    for (int64_t i = 1; i < size; ++i) {
      observation[static_cast<size_t>(i)] = static_cast<float>(id) * 0.25f + static_cast<float>(i);
    }
  }
  return observation;
}

inline int64_t id_of(const float* observation, int64_t size, bool binary) {
  if (!binary) return static_cast<int64_t>(observation[0]);
  int64_t id = 0;
  for (int64_t bit = 0; bit < size && bit < 40; ++bit) {
    if (observation[bit] != 0.0f) id |= int64_t{1} << bit;
  }
  return id;
}

struct ModelStep {
  int64_t observation_id = 0;
  int64_t next_observation_id = 0;
  int action = 0;
  float reward = 0;
  bool terminated = false;
  bool truncated = false;
  int64_t episode_start = 0;    // history position of its episode's first step
  int64_t reference_start = 0;  // the same, when only `terminated` starts an episode
};

class ReplayModel {
 public:
  ReplayModel(const ReplayConfig& config, uint64_t seed)
      : config_(config), buffer_(config), rng_(seed) {
    size_ = 1;
    for (int d : config.obs_shape) size_ *= d;
  }

  // Adds one step of a random episode stream (episodes of 1..max_length steps, ending
  // terminated or truncated at random) to both the model and the buffer.
  void add_random_step(int max_length) {
    if (steps_left_ == 0) {
      steps_left_ = 1 + static_cast<int>(rng_() % static_cast<uint64_t>(max_length));
      current_observation_ = next_id_++;
      new_episode_ = true;
    }
    ModelStep step;
    step.observation_id = current_observation_;
    step.next_observation_id = next_id_++;
    step.action = static_cast<int>(rng_() % ReplayBuffer::kMaxActions);
    step.reward = static_cast<float>(rng_() % 1000) * 0.5f - 100.0f;
    --steps_left_;
    if (steps_left_ == 0) {
      const auto end_kind = rng_() % 3;  // terminated, truncated, or both
      step.terminated = end_kind != 1;
      step.truncated = end_kind != 0;
    }
    const auto position = static_cast<int64_t>(history_.size());
    step.episode_start = new_episode_ ? position : history_.back().episode_start;
    step.reference_start =
        position == 0 ? 0
                      : (history_.back().terminated ? position : history_.back().reference_start);
    new_episode_ = false;
    buffer_.add(tagged_observation(step.observation_id, size_, config_.binary_observations),
                step.action, step.reward,
                tagged_observation(step.next_observation_id, size_, config_.binary_observations),
                step.terminated, step.truncated);
    current_observation_ = step.next_observation_id;
    history_.push_back(step);
  }

  // How many of the latest transitions a ring of capacity + 1 slots keeps: transition n (from
  // the newest) fits if it, the final observations of the episodes ending after it, and the
  // newest pending observation all fit.
  int64_t expected_kept() const {
    const auto total = static_cast<int64_t>(history_.size());
    if (total == 0) return 0;
    const int64_t slots = config_.capacity + 1;
    int64_t used = (history_.back().terminated || history_.back().truncated) ? 0 : 1;
    int64_t kept = 0;
    for (int64_t t = total - 1; t >= 0; --t) {
      const ModelStep& step = history_[static_cast<size_t>(t)];
      used += 1 + ((step.terminated || step.truncated) ? 1 : 0);
      if (used > slots) break;
      ++kept;
    }
    return kept;
  }

  // The history position whose observation a window of `history` ending at position t shows
  // in row j, clamped at the episode start and the oldest kept transition.
  int64_t window_position(int64_t t, int history, int row, bool cross_truncations) const {
    const ModelStep& step = history_[static_cast<size_t>(t)];
    const int64_t oldest = static_cast<int64_t>(history_.size()) - expected_kept();
    const int64_t start =
        std::max(cross_truncations ? step.reference_start : step.episode_start, oldest);
    return std::max(t - history + row, start);
  }

  const ReplayBuffer& buffer() const { return buffer_; }
  ReplayBuffer& buffer() { return buffer_; }
  const std::vector<ModelStep>& history() const { return history_; }
  int64_t observation_size() const { return size_; }

 private:
  ReplayConfig config_;
  ReplayBuffer buffer_;
  std::mt19937_64 rng_;
  int64_t size_ = 0;
  std::vector<ModelStep> history_;
  int steps_left_ = 0;
  int64_t next_id_ = 1;
  int64_t current_observation_ = 0;
  bool new_episode_ = true;
};

}  // namespace arq::replay::testing
