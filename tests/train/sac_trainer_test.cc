// SAC through the shared trainer on a continuous DMC task: bit-identical repeats, exact resume
// (CSV logs and final tensors), its checkpoint tensor names, and clear errors when agent and
// environment disagree about the action space.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

// A tiny SAC on reacher-hard: 300 random seed steps, then updates; episodes are 1000 steps, so a
// stop at 1000 steps checkpoints at the first episode boundary.
Config small_sac_config() {
  Config c = make_train_config();
  c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/sac-dmc-cpu.toml");
  for (const char* line :
       {"run.env=dmc/reacher-hard", "run.seed=3", "run.total_steps=2000", "run.learning_starts=300",
        "run.log_frequency=100", "run.eval_frequency=1000", "run.eval_episodes=1",
        "run.checkpoint_frequency=1000", "replay.capacity=3000", "replay.batch_size=16",
        "sac.hidden=16"}) {
    c.apply_override(line);
  }
  return c;
}

TEST(SacTrainer, RepeatsAndResumesBitForBit) {
  const Config c = small_sac_config();
  const fs::path whole = fresh_run_dir("sac_whole"), again = fresh_run_dir("sac_again"),
                 parts = fresh_run_dir("sac_parts");
  const TrainSummary first = train_quietly(c, whole);
  EXPECT_TRUE(first.finished);
  EXPECT_EQ(first.episodes, 2);
  train_quietly(c, again);
  const TrainSummary stopped = train_quietly(c, parts, false, 900);
  ASSERT_FALSE(stopped.finished);
  EXPECT_EQ(stopped.steps, 1000);
  EXPECT_TRUE(train_quietly(c, parts, true).finished);
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    const std::string expected = read_file((whole / file).string());
    EXPECT_EQ(expected, read_file((again / file).string())) << file;
    EXPECT_EQ(expected, read_file((parts / file).string())) << file;
  }
  const std::string model = "checkpoints/model_2000.safetensors";
  const std::string weights = read_file((whole / model).string());
  EXPECT_EQ(weights, read_file((parts / model).string()));

  // The metrics are SAC's, and it learned something (finite, moving losses).
  const auto lines = read_lines((whole / "metrics.csv").string());
  ASSERT_GE(lines.size(), 21u);
  EXPECT_EQ(lines[0],
            "step,episodes,epsilon,recent_return,updates,critic_loss,actor_loss,alpha_loss,alpha,"
            "entropy,q_mean");
  EXPECT_NE(lines.back().find(",1699,"), std::string::npos) << lines.back();  // updates after 300
  EXPECT_EQ(lines.back().find("nan"), std::string::npos) << lines.back();

  // The checkpoint holds every documented tensor (docs/sac.md, docs/checkpoints.md).
  for (const char* name :
       {"actor.fc0.kernel", "actor.out.bias", "critic.q1.fc1.kernel", "critic.q2.out.kernel",
        "critic_target.q1.fc0.bias", "critic_target.q2.out.bias", "log_alpha",
        "actor_optim.actor.fc0.kernel.mu", "critic_optim.critic.q2.fc1.bias.nu",
        "alpha_optim.log_alpha.mu"}) {
    EXPECT_NE(weights.find(std::string("\"") + name + "\""), std::string::npos) << name;
  }
  for (const auto& dir : {whole, again, parts}) fs::remove_all(dir);
}

TEST(SacTrainer, AgentAndEnvironmentMustAgreeOnTheActionSpace) {
  Config c = small_sac_config();
  c.apply_override("run.env=dmc/reacher-hard:bangbang");
  const fs::path dir = fresh_run_dir("sac_discrete_env");
  try {
    train_quietly(c, dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'sac'"), std::string::npos) << message;
    EXPECT_NE(message.find("dmc/reacher-hard:bangbang"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir));  // nothing written for an invalid run

  c = small_sac_config();
  c.apply_override("run.agent=dqn");
  try {
    train_quietly(c, dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'dqn'"), std::string::npos) << message;
    EXPECT_NE(message.find("dmc/reacher-hard"), std::string::npos) << message;
    EXPECT_NE(message.find(":bangbang"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace arq
