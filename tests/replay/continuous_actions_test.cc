// Continuous-action storage (SAC): float action vectors per transition, kept through eviction
// and through save/load, and clear errors when discrete and continuous calls are mixed.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

#include "arq/core/error.h"
#include "arq/replay/replay_buffer.h"

namespace arq::replay {
namespace {

namespace fs = std::filesystem;

ReplayConfig continuous_config(int64_t capacity) {
  ReplayConfig config;
  config.capacity = capacity;
  config.obs_shape = {3};
  config.action_dim = 2;
  return config;
}

std::vector<float> observation_of(int t) {
  return {static_cast<float>(t), 0.5f * static_cast<float>(t), -1.0f};
}
std::vector<float> action_of(int t) {
  return {0.01f * static_cast<float>(t), -0.02f * static_cast<float>(t)};
}

// Episodes of 4 steps (the last truncated); transition t has observation t and action t.
void fill(ReplayBuffer& buffer, int steps) {
  for (int t = 0; t < steps; ++t) {
    const bool last = t % 4 == 3;
    buffer.add_continuous(observation_of(t), action_of(t), static_cast<float>(t),
                          observation_of(t + 1), false, last);
  }
}

// Every kept transition's action is the one stored with its observation.
void expect_actions_match_observations(const ReplayBuffer& buffer) {
  int checked = 0;
  for (int64_t index = buffer.begin_index(); index < buffer.end_index(); ++index) {
    if (!buffer.holds_transition(index)) continue;
    std::vector<float> observation(3), action(2);
    buffer.observations({&index, 1}, observation);
    buffer.continuous_actions({&index, 1}, action);
    const int t = static_cast<int>(observation[0]);
    EXPECT_EQ(action, action_of(t)) << "index " << index;
    EXPECT_EQ(buffer.reward(index), static_cast<float>(t));
    ++checked;
  }
  EXPECT_EQ(checked, buffer.size());
}

TEST(ContinuousReplay, ActionsFollowTheirTransitionsThroughEviction) {
  ReplayBuffer buffer(continuous_config(7));
  fill(buffer, 5);
  expect_actions_match_observations(buffer);
  ReplayBuffer wrapped(continuous_config(7));
  fill(wrapped, 31);  // the ring wraps several times
  EXPECT_GT(wrapped.begin_index(), 0);
  expect_actions_match_observations(wrapped);
  EXPECT_EQ(wrapped.bytes_per_slot(), 3 * 4 + 5 + 2 * 4);
}

TEST(ContinuousReplay, SampledBatchesGatherActionRows) {
  ReplayBuffer buffer(continuous_config(50));
  fill(buffer, 20);
  std::mt19937_64 rng(3);
  std::vector<int64_t> indices(16);
  buffer.sample_indices(rng, indices);
  std::vector<float> observations(16 * 3), actions(16 * 2);
  buffer.observations(indices, observations);
  buffer.continuous_actions(indices, actions);
  for (size_t b = 0; b < indices.size(); ++b) {
    const auto expected = action_of(static_cast<int>(observations[b * 3]));
    EXPECT_EQ(actions[b * 2], expected[0]);
    EXPECT_EQ(actions[b * 2 + 1], expected[1]);
  }
}

TEST(ContinuousReplay, SaveAndLoadKeepTheActions) {
  const fs::path file =
      fs::temp_directory_path() / ("arq_continuous_replay_" + std::to_string(::getpid()) + ".bin");
  ReplayBuffer buffer(continuous_config(9));
  fill(buffer, 23);
  buffer.save(file.string());
  ReplayBuffer loaded(continuous_config(9));
  loaded.load(file.string());
  EXPECT_EQ(loaded.size(), buffer.size());
  EXPECT_EQ(loaded.end_index(), buffer.end_index());
  expect_actions_match_observations(loaded);
  // Same content, same bytes: saving the loaded buffer reproduces the file.
  const fs::path again = file.string() + ".again";
  loaded.save(again.string());
  EXPECT_EQ(fs::file_size(file), fs::file_size(again));

  // A buffer with another action size (or a discrete one) refuses the file, naming both sizes.
  ReplayConfig other = continuous_config(9);
  other.action_dim = 3;
  ReplayBuffer wrong(other);
  try {
    wrong.load(file.string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("actions of 2 values"), std::string::npos) << e.what();
  }
  other.action_dim = 0;
  ReplayBuffer discrete(other);
  EXPECT_THROW(discrete.load(file.string()), Error);
  fs::remove(file);
  fs::remove(again);
}

TEST(ContinuousReplay, MixingDiscreteAndContinuousCallsIsAnError) {
  ReplayBuffer continuous(continuous_config(10));
  EXPECT_THROW(continuous.add(observation_of(0), 1, 0.0f, observation_of(1), false, false), Error);
  const std::vector<float> three_values = {0.0f, 0.0f, 0.0f};
  EXPECT_THROW(continuous.add_continuous(observation_of(0), three_values, 0.0f, observation_of(1),
                                         false, false),
               Error);
  EXPECT_EQ(continuous.size(), 0);
  continuous.add_continuous(observation_of(0), action_of(0), 0.0f, observation_of(1), false, false);
  EXPECT_THROW(continuous.action(0), Error);

  ReplayConfig config = continuous_config(10);
  config.action_dim = 0;
  ReplayBuffer discrete(config);
  EXPECT_THROW(discrete.add_continuous(observation_of(0), action_of(0), 0.0f, observation_of(1),
                                       false, false),
               Error);
  discrete.add(observation_of(0), 1, 0.0f, observation_of(1), false, false);
  std::vector<float> out(2);
  const int64_t index = 0;
  EXPECT_THROW(discrete.continuous_actions({&index, 1}, out), Error);

  config.action_dim = -1;
  EXPECT_THROW(ReplayBuffer{config}, Error);
}

}  // namespace
}  // namespace arq::replay
