// Crash safety of checkpoints: a child process that writes checkpoints is SIGKILLed at moments
// drawn from a fixed seed (most of them in the middle of a write), and after every kill the
// checkpoint named by checkpoint.json must load completely (model, replay, sidecar) and a resumed
// run must continue from it exactly. Leftovers of killed writers must not confuse the next run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "arq/agents/factory.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/replay/replay_buffer.h"
#include "arq/train/checkpoint.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

using test::fresh_run_dir;
using test::train_quietly;

Config tiny_dqn_config() {
  Config c = make_train_config();
  for (const char* line :
       {"run.agent=dqn", "run.env=minatar/breakout-v1", "run.seed=5", "run.total_steps=2000",
        "run.learning_starts=300", "run.train_frequency=2", "run.target_update_frequency=200",
        "run.log_frequency=100", "run.eval_frequency=1000", "run.eval_episodes=1",
        "run.checkpoint_frequency=1", "replay.capacity=2000", "replay.batch_size=8",
        "optim.kind=rmsprop", "optim.max_grad_norm=0", "explore.decay_steps=1000", "dqn.hidden=16",
        "dqn.conv_channels=4"}) {
    c.apply_override(line);
  }
  return c;
}

// Runs `work` in a child process and SIGKILLs it `delay` after it started, or, with
// `wait_for_ready`, `delay` after the child first called the `ready` callback it is given (a
// byte through a pipe), however long that took. Returns true if the child finished by itself
// (exit status 0); a child that failed fails the test.
template <typename Work>
bool run_child_and_kill(Work work, std::chrono::microseconds delay, bool wait_for_ready = false,
                        double* ready_ms = nullptr) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return false;
  }
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    int status = 0;
    bool reported = false;
    auto ready = [&] {
      if (!reported && ::write(pipe_fds[1], "r", 1) == 1) reported = true;
    };
    try {
      work(ready);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child failed: %s\n", e.what());
      status = 3;
    }
    ::_exit(status);  // no atexit handlers or test framework teardown in the child
  }
  ::close(pipe_fds[1]);
  EXPECT_GT(child, 0) << "fork failed";
  if (child <= 0) {
    ::close(pipe_fds[0]);
    return false;
  }
  if (wait_for_ready) {
    // No deadline that a loaded machine could miss: the child either reports or ends (EOF).
    const auto start = std::chrono::steady_clock::now();
    char byte = 0;
    while (::read(pipe_fds[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (ready_ms != nullptr) {
      *ready_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
    }
  }
  ::close(pipe_fds[0]);
  const auto deadline = std::chrono::steady_clock::now() + delay;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(child, &status, WNOHANG) == child) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, &status, 0);
  if (WIFEXITED(status)) {  // it ended between the last poll and the kill
    EXPECT_EQ(WEXITSTATUS(status), 0);
    return true;
  }
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  return false;
}

int count_temporary_files(const fs::path& dir) {
  int count = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp") != std::string::npos) ++count;
  }
  return count;
}

std::vector<std::string> file_names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A checkpoint writer that does nothing else: a big replay buffer (about 10 MB per file), so a
// kill lands inside a write most of the time. Transition i carries reward i, and checkpoint i is
// taken right after it, so the sidecar, the replay file and the model must agree on i.
// The kill is timed from the child's first complete checkpoint, not from its start: under load
// (ctest -j 2 next to other builds) the set-up and the first fsync'ed write could take longer
// than every drawn delay, and then no round left a checkpoint to load.
TEST(CheckpointCrash, KilledWriterAlwaysLeavesTheLastCheckpointLoadable) {
  const Config config = tiny_dqn_config();
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  replay::ReplayConfig replay_config;
  replay_config.capacity = 600;
  replay_config.obs_shape = {4096};  // float observations: 16 KB per slot
  const fs::path run = fresh_run_dir("crash_writer");
  const fs::path checkpoints = run / "checkpoints";

  std::mt19937_64 delays(20240611);
  int64_t last_step = 0;
  int kills = 0, loads = 0, kills_leaving_temporaries = 0;
  double slowest_first_checkpoint_ms = 0.0;
  for (int round = 0; round < 12; ++round) {
    const int64_t first = last_step + 1;
    auto writer = [&](const auto& ready) {
      auto agent = make_agent(config, spec);
      replay::ReplayBuffer replay(replay_config);
      const std::vector<float> observation(4096, 0.5f);
      for (int i = 0; i < 600; ++i) replay.add(observation, 1, -1.0f, observation, false, false);
      for (int64_t step = first;; ++step) {
        replay.add(observation, 0, static_cast<float>(step), observation, false, false);
        write_checkpoint(run.string(), CheckpointMeta{step, {{"step", step}}}, *agent, &replay);
        ready();
      }
    };
    std::uniform_int_distribution<int> delay_us(0, 150'000);
    double ready_ms = 0.0;
    run_child_and_kill(writer, std::chrono::microseconds(delay_us(delays)), true, &ready_ms);
    slowest_first_checkpoint_ms = std::max(slowest_first_checkpoint_ms, ready_ms);
    ++kills;
    if (count_temporary_files(checkpoints) > 0) ++kills_leaving_temporaries;
    ASSERT_TRUE(has_checkpoint(run.string())) << "round " << round;
    auto agent = make_agent(config, spec);
    replay::ReplayBuffer replay(replay_config);
    CheckpointMeta meta;
    ASSERT_NO_THROW(meta = read_checkpoint(run.string(), *agent, &replay)) << "round " << round;
    EXPECT_GE(meta.steps_done, last_step) << "round " << round;
    EXPECT_EQ(meta.trainer.at("step").get<int64_t>(), meta.steps_done);
    // The newest transition (the slot before the pending next observation) is the sidecar's.
    EXPECT_EQ(replay.reward(replay.end_index() - 2), static_cast<float>(meta.steps_done));
    last_step = meta.steps_done;
    ++loads;
  }
  EXPECT_EQ(loads, 12);
  // A clean write sweeps whatever killed writers left behind.
  auto agent = make_agent(config, spec);
  replay::ReplayBuffer replay(replay_config);
  if (has_checkpoint(run.string())) read_checkpoint(run.string(), *agent, &replay);
  const std::vector<float> observation(4096, 0.5f);
  replay.add(observation, 0, 1.0f, observation, false, false);
  write_checkpoint(run.string(), CheckpointMeta{last_step + 1, {{"step", last_step + 1}}}, *agent,
                   &replay);
  const std::string tag = std::to_string(last_step + 1);
  EXPECT_EQ(file_names(checkpoints),
            (std::vector<std::string>{"checkpoint.json", "model_" + tag + ".safetensors",
                                      "replay_" + tag + ".bin"}));
  std::printf(
      "[ info ] %d kills, %d left temporary files, %d checkpoints loaded, last step %lld; "
      "slowest child start to first checkpoint %.0f ms\n",
      kills, kills_leaving_temporaries, loads, static_cast<long long>(last_step),
      slowest_first_checkpoint_ms);
  fs::remove_all(run);
}

// The whole trainer, checkpointing at the first episode end after every 100 steps, killed again and
// again: each time the latest checkpoint loads, and the next child resumes from it. The run
// finished through all the kills equals an uninterrupted one, log line for log line and bit for bit
// in the final model.
TEST(CheckpointCrash, KilledTrainingResumesToTheSameResult) {
  Config config = tiny_dqn_config();
  config.apply_override("run.checkpoint_frequency=100");
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  const fs::path whole = fresh_run_dir("crash_whole"), killed = fresh_run_dir("crash_killed");
  ASSERT_TRUE(train_quietly(config, whole, false).finished);

  std::mt19937_64 delays(7);
  int64_t last_step = 0;
  bool finished = false;
  for (int round = 0; round < 10 && !finished; ++round) {
    std::uniform_int_distribution<int> delay_us(20'000, 250'000);
    finished = run_child_and_kill([&](const auto&) { train_quietly(config, killed, true); },
                                  std::chrono::microseconds(delay_us(delays)));
    if (finished) break;
    if (!has_checkpoint(killed.string())) {
      ASSERT_EQ(last_step, 0) << "a checkpoint disappeared in round " << round;
      fs::remove_all(killed);  // killed before its first checkpoint: nothing to resume
      continue;
    }
    auto agent = make_agent(config, spec);
    replay::ReplayConfig replay_config;
    replay_config.capacity = config.get_int("replay.capacity");
    replay_config.obs_shape = spec.obs_shape;
    replay_config.binary_observations = true;
    replay::ReplayBuffer replay(replay_config);
    CheckpointMeta meta;
    ASSERT_NO_THROW(meta = read_checkpoint(killed.string(), *agent, &replay)) << "round " << round;
    EXPECT_GE(meta.steps_done, last_step) << "round " << round;
    EXPECT_GT(replay.size(), 0);
    last_step = meta.steps_done;
  }
  if (!finished) {
    const bool resume = has_checkpoint(killed.string());
    if (!resume) fs::remove_all(killed);
    ASSERT_TRUE(train_quietly(config, killed, resume).finished);
  }
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    EXPECT_EQ(read_file((whole / file).string()), read_file((killed / file).string())) << file;
  }
  const std::string model = "model_2000.safetensors";
  EXPECT_EQ(read_file((whole / "checkpoints" / model).string()),
            read_file((killed / "checkpoints" / model).string()));
  EXPECT_EQ(file_names(killed / "checkpoints"),
            (std::vector<std::string>{"checkpoint.json", model, "replay_2000.bin"}));
  std::printf("[ info ] last checkpoint before the final run: step %lld\n",
              static_cast<long long>(last_step));
  fs::remove_all(whole);
  fs::remove_all(killed);
}

// What a writer killed mid-checkpoint leaves: temporary files (partial model, replay, sidecar)
// and complete files that no sidecar names yet. None of them may change what is loaded or how
// the run continues, and the next checkpoint removes them.
TEST(CheckpointCrash, LeftoversOfAKilledWriterDoNotConfuseTheNextRun) {
  Config config = tiny_dqn_config();
  config.apply_override("run.checkpoint_frequency=500");
  const fs::path whole = fresh_run_dir("crash_left_whole"),
                 parts = fresh_run_dir("crash_left_parts");
  train_quietly(config, whole, false);
  const TrainSummary stopped = train_quietly(config, parts, false, 900);
  ASSERT_FALSE(stopped.finished);
  const fs::path checkpoints = parts / "checkpoints";
  const std::string sidecar = read_file((checkpoints / "checkpoint.json").string());
  const std::string model = "model_" + std::to_string(stopped.steps) + ".safetensors";
  const std::string later = std::to_string(stopped.steps + 40);
  // Partial temporary files, named as write_file_atomic names them.
  write_file_atomic((checkpoints / (".model_" + later + ".safetensors.tmpa1b2c3")).string(),
                    "\x10\0\0\0\0\0\0\0{\"w\":");
  write_file_atomic((checkpoints / (".replay_" + later + ".bin.tmpd4e5f6")).string(), "ARQRPL");
  write_file_atomic((checkpoints / ".checkpoint.json.tmpg7h8i9").string(), "{\"steps_done\": ");
  // A complete model of a later checkpoint whose sidecar was never written.
  fs::copy_file(checkpoints / model, checkpoints / ("model_" + later + ".safetensors"));

  // The sidecar still names the checkpoint at the stop, and it loads.
  EXPECT_EQ(read_file((checkpoints / "checkpoint.json").string()), sidecar);
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  auto agent = make_agent(config, spec);
  EXPECT_EQ(read_checkpoint(parts.string(), *agent, nullptr).steps_done, stopped.steps);

  ASSERT_TRUE(train_quietly(config, parts, true).finished);
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    EXPECT_EQ(read_file((whole / file).string()), read_file((parts / file).string())) << file;
  }
  EXPECT_EQ(
      file_names(checkpoints),
      (std::vector<std::string>{"checkpoint.json", "model_2000.safetensors", "replay_2000.bin"}));
  fs::remove_all(whole);
  fs::remove_all(parts);
}

}  // namespace
}  // namespace arq
