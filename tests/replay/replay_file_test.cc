#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/replay/replay_buffer.h"
#include "replay/replay_model.h"

namespace arq::replay {
namespace {

namespace fs = std::filesystem;
using testing::ReplayModel;

ReplayConfig minatar_like(int64_t capacity) {
  ReplayConfig config;
  config.capacity = capacity;
  config.obs_shape = {10, 10, 7};
  config.binary_observations = true;
  return config;
}

class ReplayFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("arq_replay_file_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// Every observable thing about two buffers is equal.
void expect_identical(const ReplayBuffer& a, const ReplayBuffer& b) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.begin_index(), b.begin_index());
  ASSERT_EQ(a.end_index(), b.end_index());
  const auto size = static_cast<size_t>(a.observation_size());
  std::vector<float> window_a(11 * size);
  std::vector<float> window_b(11 * size);
  for (int64_t index = a.begin_index(); index < a.end_index(); ++index) {
    ASSERT_EQ(a.holds_transition(index), b.holds_transition(index)) << index;
    if (!a.holds_transition(index)) continue;
    ASSERT_EQ(a.action(index), b.action(index));
    ASSERT_EQ(a.reward(index), b.reward(index));
    ASSERT_EQ(a.terminated(index), b.terminated(index));
    ASSERT_EQ(a.truncated(index), b.truncated(index));
    a.windows({&index, 1}, 10, window_a);
    b.windows({&index, 1}, 10, window_b);
    ASSERT_EQ(window_a, window_b);
    a.next_windows({&index, 1}, 10, window_a);
    b.next_windows({&index, 1}, 10, window_b);
    ASSERT_EQ(window_a, window_b);
  }
}

TEST_F(ReplayFileTest, SaveLoadRestoresContentAndPosition) {
  // Two identical streams; one buffer is saved and reloaded halfway through.
  ReplayModel original(minatar_like(300), 21);
  ReplayModel resumed(minatar_like(300), 21);
  for (int i = 0; i < 750; ++i) {  // past the wrap
    original.add_random_step(50);
    resumed.add_random_step(50);
  }
  original.buffer().save(path("replay.bin"));
  ReplayBuffer fresh(minatar_like(300));
  fresh.load(path("replay.bin"));
  expect_identical(original.buffer(), fresh);

  // Saving the loaded buffer gives the same bytes.
  fresh.save(path("again.bin"));
  EXPECT_EQ(read_file(path("again.bin")), read_file(path("replay.bin")));

  // Loading over a buffer with other content replaces it, and it then evolves identically:
  // the pending observation and the ring position came back too.
  resumed.buffer().load(path("replay.bin"));
  for (int i = 0; i < 200; ++i) {
    original.add_random_step(50);
    resumed.add_random_step(50);
  }
  expect_identical(original.buffer(), resumed.buffer());
  std::mt19937_64 rng_a(3);
  std::mt19937_64 rng_b(3);
  std::vector<int64_t> batch_a(64);
  std::vector<int64_t> batch_b(64);
  original.buffer().sample_indices(rng_a, batch_a);
  resumed.buffer().sample_indices(rng_b, batch_b);
  EXPECT_EQ(batch_a, batch_b);
}

TEST_F(ReplayFileTest, RestoredPendingObservationStillGuardsTheChain) {
  ReplayBuffer buffer(minatar_like(50));
  std::vector<float> a(700, 0.0f);
  std::vector<float> b(700, 0.0f);
  b[5] = 1.0f;
  buffer.add(a, 1, 1.0f, b, false, false);
  buffer.save(path("r.bin"));
  ReplayBuffer loaded(minatar_like(50));
  loaded.load(path("r.bin"));
  EXPECT_THROW(loaded.add(a, 0, 0.0f, b, false, false), Error);  // must continue from b
  loaded.add(b, 2, 0.0f, a, true, false);
  EXPECT_EQ(loaded.size(), 2);
}

// A stored action is a column index for the learner: a file whose actions the environment does
// not have (a v0 buffer loaded for a v1 game, or a file edited with its checksums recomputed)
// is refused when loaded, naming the action, and an add() outside the range is refused too.
TEST_F(ReplayFileTest, ActionsOutsideTheEnvironmentsRangeAreRefused) {
  ReplayConfig six_actions = minatar_like(50);
  six_actions.num_actions = 6;
  ReplayBuffer buffer(six_actions);
  std::vector<float> a(700, 0.0f);
  std::vector<float> b(700, 0.0f);
  b[5] = 1.0f;
  buffer.add(a, 5, 1.0f, b, false, false);
  EXPECT_THROW(buffer.add(b, 6, 0.0f, a, false, false), Error);
  buffer.save(path("six.bin"));

  ReplayConfig three_actions = minatar_like(50);
  three_actions.num_actions = 3;
  ReplayBuffer loaded(three_actions);
  try {
    loaded.load(path("six.bin"));
    FAIL() << "a buffer holding action 5 loaded for 3 actions";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("holds action 5"), std::string::npos) << error.what();
  }
  EXPECT_EQ(loaded.size(), 0);

  ReplayConfig bad = minatar_like(50);
  bad.num_actions = ReplayBuffer::kMaxActions + 1;
  EXPECT_THROW(ReplayBuffer{bad}, Error);
}

TEST_F(ReplayFileTest, EmptyBufferRoundTrips) {
  ReplayBuffer empty(minatar_like(10));
  empty.save(path("empty.bin"));
  ReplayBuffer loaded(minatar_like(10));
  loaded.load(path("empty.bin"));
  EXPECT_TRUE(loaded.empty());
  EXPECT_EQ(loaded.end_index(), 0);
}

TEST_F(ReplayFileTest, BadFilesAreRejectedWithAClearMessageAndLeaveTheBufferEmpty) {
  ReplayModel model(minatar_like(40), 8);
  for (int i = 0; i < 60; ++i) model.add_random_step(10);
  model.buffer().save(path("good.bin"));
  const std::string good = read_file(path("good.bin"));

  struct Case {
    std::string what;
    std::string bytes;
    std::string fragment;
  };
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x10);
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string bad_position = good;
  bad_position[40] = static_cast<char>(bad_position[40] + 1);  // the `end` field
  const std::vector<Case> cases = {
      {"empty", "", "header (truncated?)"},
      {"cut in the header", good.substr(0, 30), "header (truncated?)"},
      {"cut in the data", good.substr(0, good.size() - 100), "(truncated)"},
      {"one byte short", good.substr(0, good.size() - 1), "(truncated)"},
      {"trailing bytes", good + "x", "trailing bytes"},
      {"flipped bit", flipped, "checksum mismatch"},
      {"not a replay file", bad_magic, "bad magic"},
      {"inconsistent position", bad_position, "inconsistent ring position"},
  };
  for (const Case& c : cases) {
    write_file_atomic(path("bad.bin"), c.bytes);
    ReplayModel target(minatar_like(40), 9);
    for (int i = 0; i < 5; ++i) target.add_random_step(10);
    try {
      target.buffer().load(path("bad.bin"));
      ADD_FAILURE() << c.what << ": accepted";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path("bad.bin")), std::string::npos) << c.what << ": " << message;
      EXPECT_NE(message.find(c.fragment), std::string::npos) << c.what << ": " << message;
    }
    EXPECT_TRUE(target.buffer().empty()) << c.what;
    EXPECT_EQ(target.buffer().end_index(), 0) << c.what;
  }

  ReplayBuffer other_capacity(minatar_like(41));
  EXPECT_THROW(
      {
        try {
          other_capacity.load(path("good.bin"));
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("capacity 40"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
  ReplayConfig float_config = minatar_like(40);
  float_config.binary_observations = false;
  ReplayBuffer other_encoding(float_config);
  EXPECT_THROW(other_encoding.load(path("good.bin")), Error);
  ReplayConfig other_shape = minatar_like(40);
  other_shape.obs_shape = {10, 10, 4};
  ReplayBuffer other_size(other_shape);
  EXPECT_THROW(other_size.load(path("good.bin")), Error);
  ReplayBuffer missing(minatar_like(40));
  EXPECT_THROW(missing.load(path("absent.bin")), Error);
}

}  // namespace
}  // namespace arq::replay
