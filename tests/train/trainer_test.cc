// End-to-end tests of the trainer with a small DQN on MinAtar Breakout: determinism, exact
// resume, crash safety of checkpoints, and clear errors for bad configs.
#include "arq/train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/train/checkpoint.h"
#include "arq/train/train_config.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

Config small_dqn_config() {
  Config c = make_train_config();
  for (const char* line : {"run.agent=dqn",
                           "run.env=minatar/breakout-v1",
                           "run.seed=7",
                           "run.total_steps=2400",
                           "run.learning_starts=300",
                           "run.train_frequency=2",
                           "run.target_update_frequency=200",
                           "run.log_frequency=100",
                           "run.eval_frequency=800",
                           "run.eval_episodes=2",
                           "run.checkpoint_frequency=500",
                           "replay.capacity=1500",
                           "replay.batch_size=8",
                           "optim.kind=rmsprop",
                           "optim.lr=2.5e-4",
                           "optim.max_grad_norm=0",
                           "agent.loss=huber",
                           "agent.double_q=false",
                           "explore.decay_steps=1000",
                           "explore.end_epsilon=0.1",
                           "dqn.hidden=32",
                           "dqn.conv_channels=4"}) {
    c.apply_override(line);
  }
  return c;
}

TEST(Trainer, SameSeedGivesBitIdenticalLogs) {
  const Config c = small_dqn_config();
  const fs::path a = fresh_run_dir("trainer_det_a"), b = fresh_run_dir("trainer_det_b");
  const TrainSummary first = train_quietly(c, a);
  train_quietly(c, b);
  EXPECT_TRUE(first.finished);
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    EXPECT_EQ(read_file((a / file).string()), read_file((b / file).string())) << file;
  }
  EXPECT_GT(read_lines((a / "metrics.csv").string()).size(), 20u);
  // TensorBoard events with CleanRL's tags sit next to the CSVs.
  std::string events;
  for (const auto& entry : fs::directory_iterator(a)) {
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      events = read_file(entry.path().string());
    }
  }
  for (const char* tag :
       {"charts/episodic_return", "charts/SPS", "losses/td_loss", "eval/mean_return"}) {
    EXPECT_NE(events.find(tag), std::string::npos) << tag;
  }
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Trainer, ResumedRunEqualsUninterruptedRun) {
  const Config c = small_dqn_config();
  const fs::path whole = fresh_run_dir("trainer_whole"), parts = fresh_run_dir("trainer_parts");
  train_quietly(c, whole);
  const TrainSummary stopped = train_quietly(c, parts, false, 1100);
  EXPECT_FALSE(stopped.finished);
  EXPECT_GE(stopped.steps, 1100);
  EXPECT_LT(stopped.steps, 2400);
  const TrainSummary resumed = train_quietly(c, parts, true);
  EXPECT_TRUE(resumed.finished);
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    EXPECT_EQ(read_file((whole / file).string()), read_file((parts / file).string())) << file;
  }
  // Final weights, target weights and optimiser moments agree too.
  const std::string model = "checkpoints/model_2400.safetensors";
  ASSERT_TRUE(fs::exists(whole / model));
  EXPECT_EQ(read_file((whole / model).string()), read_file((parts / model).string()));
  fs::remove_all(whole);
  fs::remove_all(parts);
}

// The local agents through the same loop: tiny ARQ and AD stacks, exact resume and determinism.
Config small_local_config(const std::string& agent) {
  Config c = small_dqn_config();
  for (const std::string& line : std::vector<std::string>{
           "run.agent=" + agent, "optim.kind=adam", "optim.lr=1e-3", "optim.max_grad_norm=1",
           "agent.loss=mse", "agent.double_q=true", "local.widths=[16,8,8]", "local.heads=2",
           "local.context_window=3", "run.total_steps=1600"}) {
    c.apply_override(line);
  }
  return c;
}

TEST(Trainer, LocalAgentsResumeExactlyAndRepeatBitForBit) {
  for (const std::string agent : {"arq", "ad"}) {
    const Config c = small_local_config(agent);
    const fs::path whole = fresh_run_dir("trainer_" + agent + "_whole"),
                   again = fresh_run_dir("trainer_" + agent + "_again"),
                   parts = fresh_run_dir("trainer_" + agent + "_parts");
    train_quietly(c, whole);
    train_quietly(c, again);
    const TrainSummary stopped = train_quietly(c, parts, false, 900);
    ASSERT_FALSE(stopped.finished) << agent;
    train_quietly(c, parts, true);
    for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
      const std::string expected = read_file((whole / file).string());
      EXPECT_EQ(expected, read_file((again / file).string())) << agent << " " << file;
      EXPECT_EQ(expected, read_file((parts / file).string())) << agent << " " << file;
    }
    const std::string model = "checkpoints/model_1600.safetensors";
    EXPECT_EQ(read_file((whole / model).string()), read_file((parts / model).string())) << agent;
    for (const auto& dir : {whole, again, parts}) fs::remove_all(dir);
  }
}

TEST(Trainer, RefusesToOverwriteAnExistingRun) {
  const Config c = small_dqn_config();
  const fs::path dir = fresh_run_dir("trainer_overwrite");
  Config tiny = c;
  tiny.apply_override("run.total_steps=200");
  tiny.apply_override("run.learning_starts=100");
  train_quietly(tiny, dir);
  EXPECT_THROW(train_quietly(tiny, dir), Error);
  fs::remove_all(dir);
}

TEST(Trainer, RejectsInvalidSettingsWithTheKeyName) {
  Config c = small_dqn_config();
  try {
    // The key's declared range refuses the value as it is set.
    c.apply_override("run.eval_epsilon=1.5");
    train_quietly(c, fresh_run_dir("trainer_invalid"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("run.eval_epsilon"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace arq
