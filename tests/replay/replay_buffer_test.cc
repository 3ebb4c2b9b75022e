#include "arq/replay/replay_buffer.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "arq/core/error.h"
#include "replay/replay_model.h"

namespace arq::replay {
namespace {

using testing::id_of;
using testing::ReplayModel;
using testing::tagged_observation;

ReplayConfig binary_config(int64_t capacity, int channels = 4) {
  ReplayConfig config;
  config.capacity = capacity;
  config.obs_shape = {10, 10, channels};
  config.binary_observations = true;
  return config;
}

ReplayConfig float_config(int64_t capacity, int size = 6) {
  ReplayConfig config;
  config.capacity = capacity;
  config.obs_shape = {size};
  return config;
}

// The indices of all transitions the buffer holds, oldest first.
std::vector<int64_t> kept_indices(const ReplayBuffer& buffer) {
  std::vector<int64_t> indices;
  for (int64_t i = buffer.begin_index(); i < buffer.end_index(); ++i) {
    if (buffer.holds_transition(i)) indices.push_back(i);
  }
  return indices;
}

// Checks everything the buffer holds against the model: which transitions are kept, each field,
// the next observation, and windows (plain and shifted) of a few lengths.
void expect_matches_model(const ReplayModel& model, bool cross_truncations) {
  const ReplayBuffer& buffer = model.buffer();
  const auto& history = model.history();
  const int64_t size = model.observation_size();
  const bool binary = buffer.config().binary_observations;
  const std::vector<int64_t> indices = kept_indices(buffer);
  ASSERT_EQ(static_cast<int64_t>(indices.size()), model.expected_kept());
  ASSERT_EQ(buffer.size(), model.expected_kept());
  const int64_t first = static_cast<int64_t>(history.size()) - model.expected_kept();

  std::vector<float> observation(static_cast<size_t>(size));
  for (size_t n = 0; n < indices.size(); ++n) {
    const int64_t t = first + static_cast<int64_t>(n);
    const testing::ModelStep& step = history[static_cast<size_t>(t)];
    const int64_t index = indices[n];
    ASSERT_EQ(buffer.action(index), step.action);
    ASSERT_EQ(buffer.reward(index), step.reward);
    ASSERT_EQ(buffer.terminated(index), step.terminated);
    ASSERT_EQ(buffer.truncated(index), step.truncated);
    buffer.observations({&index, 1}, observation);
    ASSERT_EQ(observation, tagged_observation(step.observation_id, size, binary));
    buffer.next_observations({&index, 1}, observation);
    ASSERT_EQ(observation, tagged_observation(step.next_observation_id, size, binary));

    for (int history_length : {0, 1, 3, 10}) {
      const auto rows = static_cast<size_t>(history_length + 1);
      std::vector<float> window(rows * static_cast<size_t>(size));
      std::vector<float> next_window(window.size());
      buffer.windows({&index, 1}, history_length, window);
      buffer.next_windows({&index, 1}, history_length, next_window);
      for (int row = 0; row <= history_length; ++row) {
        const int64_t position = model.window_position(t, history_length, row, cross_truncations);
        const float* shown = window.data() + static_cast<size_t>(row) * static_cast<size_t>(size);
        ASSERT_EQ(id_of(shown, size, binary), history[static_cast<size_t>(position)].observation_id)
            << "window row " << row << " of " << history_length << " at step " << t;
        if (history_length == 3) {  // the whole row, not just its id (once: it is slow)
          ASSERT_EQ(std::vector<float>(shown, shown + size),
                    tagged_observation(history[static_cast<size_t>(position)].observation_id, size,
                                       binary));
        }
        const float* next_shown =
            next_window.data() + static_cast<size_t>(row) * static_cast<size_t>(size);
        const int64_t expected_next_id =
            row == history_length ? step.next_observation_id
                                  : history[static_cast<size_t>(model.window_position(
                                                t, history_length - 1, row, cross_truncations))]
                                        .observation_id;
        ASSERT_EQ(id_of(next_shown, size, binary), expected_next_id)
            << "next window row " << row << " of " << history_length << " at step " << t;
      }
    }
  }
}

// Many random episodes (1..max_length steps) through a small ring, checking everything the
// buffer holds as it goes: wrap-around, episode boundaries, eviction, windows across the wrap.
void run_against_model(const ReplayConfig& config, int max_length, int steps, uint64_t seed) {
  ReplayModel model(config, seed);
  int windows_across_wrap = 0;
  for (int step = 0; step < steps; ++step) {
    model.add_random_step(max_length);
    // Every step while the ring first fills and wraps, then every third (for speed).
    if (step < 3 * config.capacity || step % 3 == 0) {
      ASSERT_NO_FATAL_FAILURE(expect_matches_model(model, config.windows_cross_truncations))
          << "after step " << step;
    }
    // Count windows whose slots straddle the physical end of the ring.
    const int64_t slots = config.capacity + 1;
    const auto& history = model.history();
    const int64_t t = static_cast<int64_t>(history.size()) - 1;
    const int64_t index = model.buffer().end_index() - 2;
    if (model.buffer().holds_transition(index) && index >= slots && index % slots < 3 &&
        model.window_position(t, 3, 0, config.windows_cross_truncations) < t - (index % slots)) {
      ++windows_across_wrap;
    }
  }
  EXPECT_GT(windows_across_wrap, 0) << "the test never produced a window across the ring's end";
}

TEST(ReplayBuffer, MatchesModelBinaryShortEpisodes) {
  run_against_model(binary_config(13), /*max_length=*/5, 400, 1);
}

TEST(ReplayBuffer, MatchesModelBinaryLongEpisodes) {
  run_against_model(binary_config(29, 10), /*max_length=*/40, 300, 2);
}

TEST(ReplayBuffer, MatchesModelFloatObservations) {
  run_against_model(float_config(17), /*max_length=*/12, 600, 3);
}

TEST(ReplayBuffer, MatchesModelWhenWindowsCrossTruncations) {
  ReplayConfig config = float_config(23);
  config.windows_cross_truncations = true;
  run_against_model(config, /*max_length=*/6, 600, 4);
}

TEST(ReplayBuffer, MatchesModelAtTheSmallestCapacities) {
  run_against_model(float_config(2), /*max_length=*/3, 200, 5);
  ReplayModel model(float_config(1), 6);
  for (int step = 0; step < 50; ++step) {
    model.add_random_step(3);
    ASSERT_NO_FATAL_FAILURE(expect_matches_model(model, false));
  }
}

// --- Small hand-written scenarios that show the semantics plainly. ---

class ReplayScenario : public ::testing::Test {
 protected:
  std::vector<float> obs(int64_t id) const { return tagged_observation(id, 6, false); }
  void add(ReplayBuffer& buffer, int64_t from, int64_t to, bool terminated = false,
           bool truncated = false) {
    buffer.add(obs(from), static_cast<int>(from % 4), static_cast<float>(from), obs(to), terminated,
               truncated);
  }
  std::vector<int64_t> window_ids(const ReplayBuffer& buffer, int64_t index, int history,
                                  bool next = false) {
    std::vector<float> out(static_cast<size_t>((history + 1) * 6));
    if (next) {
      buffer.next_windows({&index, 1}, history, out);
    } else {
      buffer.windows({&index, 1}, history, out);
    }
    std::vector<int64_t> ids;
    for (int row = 0; row <= history; ++row) ids.push_back(id_of(out.data() + row * 6, 6, false));
    return ids;
  }
  int64_t next_id(const ReplayBuffer& buffer, int64_t index) {
    std::vector<float> out(6);
    buffer.next_observations({&index, 1}, out);
    return id_of(out.data(), 6, false);
  }
};

TEST_F(ReplayScenario, EpisodesKeepTheirFinalObservation) {
  ReplayBuffer buffer(float_config(100));
  add(buffer, 10, 11);
  add(buffer, 11, 12);
  add(buffer, 12, 13, /*terminated=*/true);  // 13 is the final observation
  add(buffer, 20, 21);                       // the next episode starts from a reset
  add(buffer, 21, 22, false, /*truncated=*/true);
  const std::vector<int64_t> indices = kept_indices(buffer);
  ASSERT_EQ(indices.size(), 5u);
  EXPECT_EQ(buffer.size(), 5);
  std::vector<int64_t> next_ids;
  for (int64_t index : indices) next_ids.push_back(next_id(buffer, index));
  EXPECT_EQ(next_ids, (std::vector<int64_t>{11, 12, 13, 21, 22}));
  EXPECT_TRUE(buffer.terminated(indices[2]));
  EXPECT_FALSE(buffer.truncated(indices[2]));
  EXPECT_TRUE(buffer.truncated(indices[4]));
  EXPECT_FALSE(buffer.terminated(indices[4]));
  EXPECT_EQ(buffer.reward(indices[3]), 20.0f);
  EXPECT_EQ(buffer.action(indices[1]), 11 % 4);
  // Slots: 10 11 12 13(final) 20 21 22(final): seven slots for five transitions.
  EXPECT_EQ(buffer.end_index(), 7);
  EXPECT_FALSE(buffer.holds_transition(3));
}

TEST_F(ReplayScenario, WindowsRepeatTheEpisodesFirstObservation) {
  ReplayBuffer buffer(float_config(100));
  add(buffer, 1, 2);
  add(buffer, 2, 3, true);
  for (int64_t id = 10; id < 14; ++id) add(buffer, id, id + 1);  // 10 11 12 13 -> 14
  const std::vector<int64_t> indices = kept_indices(buffer);
  ASSERT_EQ(indices.size(), 6u);
  // i-3..i for the second episode's steps: never reaches back into the first episode.
  EXPECT_EQ(window_ids(buffer, indices[2], 3), (std::vector<int64_t>{10, 10, 10, 10}));
  EXPECT_EQ(window_ids(buffer, indices[3], 3), (std::vector<int64_t>{10, 10, 10, 11}));
  EXPECT_EQ(window_ids(buffer, indices[5], 3), (std::vector<int64_t>{10, 11, 12, 13}));
  EXPECT_EQ(window_ids(buffer, indices[1], 3), (std::vector<int64_t>{1, 1, 1, 2}));
  // The shifted window ends at the next observation.
  EXPECT_EQ(window_ids(buffer, indices[3], 3, true), (std::vector<int64_t>{10, 10, 11, 12}));
  EXPECT_EQ(window_ids(buffer, indices[1], 3, true), (std::vector<int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(window_ids(buffer, indices[5], 0, true), (std::vector<int64_t>{14}));
}

TEST_F(ReplayScenario, ReferenceModeWindowsRunAcrossTruncationsOnly) {
  for (bool cross : {false, true}) {
    ReplayConfig config = float_config(100);
    config.windows_cross_truncations = cross;
    ReplayBuffer buffer(config);
    add(buffer, 1, 2);
    add(buffer, 2, 3, false, /*truncated=*/true);  // a time limit: 3 is not in any window
    add(buffer, 10, 11);
    add(buffer, 11, 12, /*terminated=*/true);
    add(buffer, 20, 21);
    const std::vector<int64_t> indices = kept_indices(buffer);
    ASSERT_EQ(indices.size(), 5u);
    if (cross) {
      EXPECT_EQ(window_ids(buffer, indices[3], 4), (std::vector<int64_t>{1, 1, 2, 10, 11}));
    } else {
      EXPECT_EQ(window_ids(buffer, indices[3], 4), (std::vector<int64_t>{10, 10, 10, 10, 11}));
    }
    // A terminated episode always stops the window.
    EXPECT_EQ(window_ids(buffer, indices[4], 2), (std::vector<int64_t>{20, 20, 20}));
  }
}

TEST_F(ReplayScenario, WrapAroundEvictsTheOldestAndClampsWindowsThere) {
  ReplayBuffer buffer(float_config(4));  // 5 slots
  for (int64_t id = 1; id <= 7; ++id) add(buffer, id, id + 1);
  // Slots hold observations 4..8 (8 pending): transitions 4, 5, 6, 7.
  const std::vector<int64_t> indices = kept_indices(buffer);
  ASSERT_EQ(indices.size(), 4u);
  EXPECT_EQ(buffer.size(), 4);
  EXPECT_EQ(buffer.begin_index(), 3);
  EXPECT_EQ(window_ids(buffer, indices[0], 2), (std::vector<int64_t>{4, 4, 4}));
  EXPECT_EQ(window_ids(buffer, indices[3], 5), (std::vector<int64_t>{4, 4, 4, 5, 6, 7}));
  EXPECT_EQ(next_id(buffer, indices[3]), 8);
  // Index 0 was overwritten: asking for it is an error, not stale data.
  EXPECT_FALSE(buffer.holds_transition(0));
  EXPECT_THROW(buffer.action(0), Error);
  EXPECT_THROW(buffer.action(buffer.end_index() - 1), Error);  // the pending observation
}

TEST_F(ReplayScenario, BadInputThrowsAndLeavesTheBufferUnchanged) {
  ReplayBuffer buffer(float_config(10));
  add(buffer, 1, 2);
  const int64_t end = buffer.end_index();
  // Not the previous next observation, and the previous transition did not end its episode.
  EXPECT_THROW(add(buffer, 5, 6), Error);
  EXPECT_THROW(buffer.add(obs(2), ReplayBuffer::kMaxActions, 0.0f, obs(3), false, false), Error);
  EXPECT_THROW(buffer.add(obs(2), -1, 0.0f, obs(3), false, false), Error);
  std::vector<float> short_observation(5);
  EXPECT_THROW(buffer.add(short_observation, 0, 0.0f, obs(3), false, false), Error);
  EXPECT_EQ(buffer.end_index(), end);
  EXPECT_EQ(buffer.size(), 1);
  add(buffer, 2, 3);  // the chain still continues normally
  EXPECT_EQ(buffer.size(), 2);

  ReplayBuffer binary(binary_config(10));
  std::vector<float> observation(400, 0.0f);
  std::vector<float> half(400, 0.0f);
  half[123] = 0.5f;
  EXPECT_THROW(binary.add(observation, 0, 0.0f, half, false, false), Error);
  EXPECT_TRUE(binary.empty());
  EXPECT_EQ(binary.end_index(), 0);
}

TEST(ReplayBufferConfig, RejectsBadConfigurations) {
  EXPECT_THROW(ReplayBuffer(float_config(0)), Error);
  ReplayConfig no_shape = float_config(10);
  no_shape.obs_shape.clear();
  EXPECT_THROW(ReplayBuffer{no_shape}, Error);
  ReplayConfig zero_dim = float_config(10);
  zero_dim.obs_shape = {3, 0};
  EXPECT_THROW(ReplayBuffer{zero_dim}, Error);
}

TEST(ReplayBufferConfig, MinAtarSlotsFitIn130Bytes) {
  EXPECT_EQ(ReplayBuffer(binary_config(10, 10)).bytes_per_slot(), 130);  // Seaquest: C = 10
  EXPECT_EQ(ReplayBuffer(binary_config(10, 4)).bytes_per_slot(), 55);    // Breakout: C = 4
  EXPECT_EQ(ReplayBuffer(float_config(10, 24)).bytes_per_slot(), 24 * 4 + 5);
}

TEST(ReplayBufferOutput, WrongOutputSizesThrow) {
  ReplayModel model(float_config(20), 9);
  for (int i = 0; i < 10; ++i) model.add_random_step(4);
  const std::vector<int64_t> indices = kept_indices(model.buffer());
  std::vector<float> out(indices.size() * 6 - 1);
  EXPECT_THROW(model.buffer().observations(indices, out), Error);
  EXPECT_THROW(model.buffer().next_observations(indices, out), Error);
  EXPECT_THROW(model.buffer().windows(indices, 0, out), Error);
  std::vector<float> window(indices.size() * 6 * 3);
  EXPECT_NO_THROW(model.buffer().windows(indices, 2, window));
  EXPECT_THROW(model.buffer().next_windows(indices, 3, window), Error);
  EXPECT_THROW(model.buffer().windows(indices, -1, window), Error);
}

// --- Sampling ---

TEST(ReplayBufferSampling, SameSeedSameIndicesOtherSeedOthers) {
  ReplayModel model(binary_config(500), 11);
  for (int i = 0; i < 700; ++i) model.add_random_step(30);
  std::vector<int64_t> first(256);
  std::vector<int64_t> second(256);
  std::vector<int64_t> other(256);
  std::mt19937_64 rng_a(42);
  std::mt19937_64 rng_b(42);
  std::mt19937_64 rng_c(43);
  model.buffer().sample_indices(rng_a, first);
  model.buffer().sample_indices(rng_b, second);
  model.buffer().sample_indices(rng_c, other);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
  // The generator advanced identically, so the next batch agrees too.
  model.buffer().sample_indices(rng_a, first);
  model.buffer().sample_indices(rng_b, second);
  EXPECT_EQ(first, second);
  for (int64_t index : first) EXPECT_TRUE(model.buffer().holds_transition(index));
}

TEST(ReplayBufferSampling, UniformOverTransitionsOnly) {
  // One-step episodes: every other slot is a final observation and must never be drawn.
  ReplayBuffer buffer(float_config(40));
  for (int64_t id = 0; id < 100; ++id) {
    buffer.add(tagged_observation(2 * id, 6, false), 0, 0.0f,
               tagged_observation(2 * id + 1, 6, false), true, false);
  }
  ASSERT_EQ(buffer.size(), 20);
  std::map<int64_t, int> counts;
  std::mt19937_64 rng(5);
  std::vector<int64_t> batch(1000);
  for (int round = 0; round < 200; ++round) {
    buffer.sample_indices(rng, batch);
    for (int64_t index : batch) ++counts[index];
  }
  ASSERT_EQ(counts.size(), 20u);
  for (const auto& [index, count] : counts) {
    EXPECT_TRUE(buffer.holds_transition(index));
    // 200000 draws over 20 transitions: 10000 each, standard deviation ~97.
    EXPECT_NEAR(count, 10000, 500) << "index " << index;
  }
}

TEST(ReplayBufferSampling, EmptyBufferThrows) {
  ReplayBuffer buffer(float_config(10));
  std::mt19937_64 rng(1);
  std::vector<int64_t> batch(4);
  EXPECT_THROW(buffer.sample_indices(rng, batch), Error);
}

}  // namespace
}  // namespace arq::replay
