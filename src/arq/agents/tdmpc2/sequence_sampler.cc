#include "arq/agents/tdmpc2/sequence_sampler.h"

#include <span>
#include <string>

#include "arq/core/error.h"

namespace arq::tdmpc2 {

SequenceSampler::SequenceSampler(int horizon, int batch_size)
    : horizon_(horizon), batch_size_(batch_size) {
  if (horizon < 1 || batch_size < 1) {
    throw Error("TD-MPC2 needs tdmpc2.horizon >= 1 and replay.batch_size >= 1, got " +
                std::to_string(horizon) + " and " + std::to_string(batch_size));
  }
  starts_.resize(static_cast<size_t>(batch_size));
  step_indices_.resize(static_cast<size_t>(batch_size));
}

bool SequenceSampler::valid_start(const replay::ReplayBuffer& replay, int64_t index) const {
  for (int t = 0; t < horizon_; ++t) {
    if (!replay.holds_transition(index + t)) return false;
    if (t + 1 < horizon_ && (replay.terminated(index + t) || replay.truncated(index + t))) {
      return false;
    }
  }
  return true;
}

void SequenceSampler::sample(const replay::ReplayBuffer& replay, std::mt19937_64& rng,
                             SequenceBatch& batch) {
  constexpr int kMaxDraws = 1000;
  for (int64_t& start : starts_) {
    int draws = 0;
    do {
      if (++draws > kMaxDraws) {
        throw Error("TD-MPC2: the replay buffer holds no sequence of " + std::to_string(horizon_) +
                    " steps within one episode (raise run.learning_starts)");
      }
      replay.sample_indices(rng, std::span<int64_t>(&start, 1));
    } while (!valid_start(replay, start));
  }
  const auto obs_size = replay.observation_size();
  const int dims = replay.action_dim();
  batch.resize(horizon_, batch_size_, static_cast<int>(obs_size), dims);
  const auto b = static_cast<size_t>(batch_size_);
  auto rows = [](nn::Matrix& m, int64_t first_row, size_t count) {
    return std::span<float>(m.data() + first_row * m.cols(), count * static_cast<size_t>(m.cols()));
  };
  for (int t = 0; t < horizon_; ++t) {
    for (size_t i = 0; i < b; ++i) step_indices_[i] = starts_[i] + t;
    const int64_t first = static_cast<int64_t>(t) * batch_size_;
    replay.observations(step_indices_, rows(batch.observations, first, b));
    replay.continuous_actions(step_indices_, rows(batch.actions, first, b));
    for (size_t i = 0; i < b; ++i) {
      batch.rewards(first + static_cast<int64_t>(i), 0) = replay.reward(step_indices_[i]);
    }
    if (t == horizon_ - 1) {
      replay.next_observations(step_indices_, rows(batch.observations, first + batch_size_, b));
    }
  }
}

}  // namespace arq::tdmpc2
