// The trainer's loop must not touch the heap on an ordinary environment step (acting, storing
// the transition, the schedule, the counters, the progress callback). This binary interposes
// glibc's malloc family, forwarding to the real allocator, to count calls while a counter is
// armed, as tests/nn/allocation_test.cc does. Episode ends (a log row, a reset) and updates are
// outside the claim; the runs below do no updates. Sanitizer builds bring their own allocator,
// so the test is skipped there.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "arq/train/train_config.h"
#include "train/train_run.h"

#include "malloc_counter.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

struct StepAllocations {
  int64_t steps_checked = 0;
  long other_allocations = 0;  // on the steps not checked (episode ends): proof the counter works
  std::vector<std::string> failures;  // "step N: K allocations"
};

// Trains `config` (which must do no updates) and counts the allocations between consecutive
// calls of the step callback, i.e. during one pass of the loop, for every step that neither ends
// an episode nor follows one (the reset happens after the callback).
StepAllocations count_step_allocations(Config config, const std::string& name,
                                       int64_t first_checked_step = 0) {
  StepAllocations result;
  int64_t previous_episodes = 0;
  bool previous_was_boundary = true;
  TrainRequest request;
  request.config = std::move(config);
  const fs::path dir = test::fresh_run_dir("alloc_" + name);
  request.run_dir = dir.string();
  request.quiet = true;
  request.on_step = [&](const TrainProgress& progress) {
    counting = false;
    const long count = allocations.exchange(0);
    const bool boundary = progress.episodes != previous_episodes;
    if (!boundary && !previous_was_boundary && progress.step >= first_checked_step &&
        progress.step < progress.total_steps) {
      ++result.steps_checked;
      if (count > 0) {
        result.failures.push_back("step " + std::to_string(progress.step) + ": " +
                                  std::to_string(count) + " allocations");
      }
    } else {
      result.other_allocations += count;
    }
    previous_episodes = progress.episodes;
    previous_was_boundary = boundary;
    counting = true;
    return true;
  };
  train(request, make_agent);
  counting = false;
  fs::remove_all(dir);
  return result;
}

Config no_update_config(const char* preset, const std::vector<const char*>& overrides) {
  Config c = make_train_config();
  c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
  for (const char* line : {"run.total_steps=600", "run.learning_starts=600",
                           "run.log_frequency=600", "run.eval_frequency=0", "run.eval_episodes=1",
                           "run.checkpoint_frequency=0", "replay.capacity=1000"}) {
    c.apply_override(line);
  }
  for (const char* line : overrides) c.apply_override(line);
  return c;
}

class LoopAllocation : public testing::Test {
 protected:
  void SetUp() override {
#if defined(ARQ_NO_MALLOC_COUNTING)
    GTEST_SKIP() << "malloc is not interposed in this build";
#endif
  }
};

TEST_F(LoopAllocation, DqnStepsDoNotAllocate) {
  const StepAllocations result = count_step_allocations(
      no_update_config("dqn-minatar.toml",
                       {"dqn.hidden=32", "dqn.conv_channels=4", "explore.decay_steps=300"}),
      "dqn");
  EXPECT_GT(result.steps_checked, 300);
  EXPECT_GT(result.other_allocations, 0);
  EXPECT_TRUE(result.failures.empty())
      << result.failures.size() << " steps allocated, the first: " << result.failures.front();
}

TEST_F(LoopAllocation, ArqStepsDoNotAllocate) {
  const StepAllocations result = count_step_allocations(
      no_update_config("arq-minatar-cpu.toml",
                       {"local.widths=[32,24]", "local.heads=4", "explore.decay_steps=300"}),
      "arq");
  EXPECT_GT(result.steps_checked, 300);
  EXPECT_GT(result.other_allocations, 0);
  EXPECT_TRUE(result.failures.empty())
      << result.failures.size() << " steps allocated, the first: " << result.failures.front();
}

// ARQ's update too (sampling, the batch, the learner, the metrics) once its first updates have
// sized every buffer. Target syncs (every run.target_update_frequency steps, a full copy that
// lists the parameters by name) are outside the claim and do not happen here.
TEST_F(LoopAllocation, ArqStepsWithUpdatesDoNotAllocate) {
  const StepAllocations result = count_step_allocations(
      no_update_config(
          "arq-minatar-cpu.toml",
          {"local.widths=[32,24]", "local.heads=4", "local.context_window=3",
           "explore.decay_steps=300", "run.learning_starts=200", "run.train_frequency=1",
           "run.target_update_frequency=100000", "replay.batch_size=16"}),
      "arq_updates", 210);
  EXPECT_GT(result.steps_checked, 300);
  EXPECT_TRUE(result.failures.empty())
      << result.failures.size() << " steps allocated, the first: " << result.failures.front();
}

TEST_F(LoopAllocation, SacStepsDoNotAllocate) {
  const StepAllocations result = count_step_allocations(
      no_update_config("sac-dmc-cpu.toml",
                       {"run.env=dmc/reacher-hard", "run.learning_starts=300", "sac.hidden=16",
                        "run.train_frequency=100000", "run.target_update_frequency=100000"}),
      "sac");
  EXPECT_GT(result.steps_checked, 300);
  EXPECT_GT(result.other_allocations, 0);
  EXPECT_TRUE(result.failures.empty())
      << result.failures.size() << " steps allocated, the first: " << result.failures.front();
}

}  // namespace
}  // namespace arq
