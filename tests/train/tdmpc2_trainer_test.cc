// TD-MPC2 through the shared trainer on a DMC task with action repeat 2: bit-identical repeats,
// exact resume (CSV logs and final tensors), its checkpoint tensor names, and errors that name
// the key of a bad setting.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "arq/agents/factory.h"
#include "arq/agents/tdmpc2/tdmpc2_agent.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

// The CPU preset shrunk to seconds: a tiny model and planner on reacher-hard:repeat2 (episodes of
// 500 agent steps, so a stop at 400 checkpoints at step 500).
Config small_tdmpc2_config() {
  Config c = make_train_config();
  c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/tdmpc2-dmc-cpu.toml");
  for (const char* line :
       {"run.env=dmc/reacher-hard:repeat2", "run.seed=3", "run.total_steps=1000",
        "run.learning_starts=300", "run.log_frequency=100", "run.eval_frequency=1000",
        "run.eval_episodes=1", "run.checkpoint_frequency=500", "replay.capacity=2000",
        "replay.batch_size=8", "tdmpc2.latent_dim=16", "tdmpc2.mlp_dim=16", "tdmpc2.enc_dim=16",
        "tdmpc2.num_samples=32", "tdmpc2.num_elites=4", "tdmpc2.num_pi_trajs=4",
        "tdmpc2.iterations=2"}) {
    c.apply_override(line);
  }
  return c;
}

TEST(Tdmpc2Trainer, RepeatsAndResumesBitForBit) {
  const Config c = small_tdmpc2_config();
  const fs::path whole = fresh_run_dir("tdmpc2_whole"), again = fresh_run_dir("tdmpc2_again"),
                 parts = fresh_run_dir("tdmpc2_parts");
  const TrainSummary first = train_quietly(c, whole);
  EXPECT_TRUE(first.finished);
  EXPECT_EQ(first.episodes, 2);
  train_quietly(c, again);
  const TrainSummary stopped = train_quietly(c, parts, false, 400);
  ASSERT_FALSE(stopped.finished);
  EXPECT_EQ(stopped.steps, 500);
  EXPECT_TRUE(train_quietly(c, parts, true).finished);
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    const std::string expected = read_file((whole / file).string());
    EXPECT_EQ(expected, read_file((again / file).string())) << file;
    EXPECT_EQ(expected, read_file((parts / file).string())) << file;
  }
  const std::string model = "checkpoints/model_1000.safetensors";
  const std::string weights = read_file((whole / model).string());
  EXPECT_EQ(weights, read_file((parts / model).string()));

  const auto lines = read_lines((whole / "metrics.csv").string());
  ASSERT_GE(lines.size(), 11u);
  EXPECT_EQ(lines[0],
            "step,episodes,epsilon,recent_return,updates,consistency_loss,reward_loss,value_loss,"
            "total_loss,grad_norm,pi_loss,pi_entropy,pi_scale,pi_grad_norm,td_target");
  EXPECT_NE(lines.back().find(",699,"), std::string::npos) << lines.back();  // updates after 300
  EXPECT_EQ(lines.back().find("nan"), std::string::npos) << lines.back();

  // The checkpoint holds every documented tensor (docs/tdmpc2.md, docs/checkpoints.md).
  for (const char* name :
       {"encoder.fc0.kernel", "encoder.ln0.scale", "encoder.out.kernel", "encoder.out_ln.bias",
        "dynamics.fc1.bias", "dynamics.out_ln.scale", "reward.out.kernel", "pi.out.bias",
        "q0.fc0.kernel", "q1.ln1.scale", "target_q1.out.bias", "value_scale",
        "encoder_optim.encoder.fc0.kernel.mu", "model_optim.q1.out.bias.nu",
        "pi_optim.pi.fc0.kernel.mu"}) {
    EXPECT_NE(weights.find(std::string("\"") + name + "\""), std::string::npos) << name;
  }
  for (const auto& dir : {whole, again, parts}) fs::remove_all(dir);
}

void expect_error_naming(const std::string& override_line, const std::string& key) {
  // Refused when the key is set (its declared range) or when the agent is built (relations
  // between keys); either way the message names the key.
  try {
    Config c = small_tdmpc2_config();
    c.apply_override(override_line);
    make_agent(c, make_env(c.get_string("run.env"))->spec());
    FAIL() << override_line << ": expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(Tdmpc2Trainer, BadSettingsNameTheirKey) {
  expect_error_naming("tdmpc2.horizon=0", "tdmpc2.horizon");
  expect_error_naming("tdmpc2.num_elites=33", "tdmpc2.num_elites");
  expect_error_naming("tdmpc2.model_size=3", "tdmpc2.model_size");
  expect_error_naming("tdmpc2.num_pi_trajs=32", "tdmpc2.num_pi_trajs");
  expect_error_naming("tdmpc2.min_std=3", "tdmpc2.min_std");
  expect_error_naming("run.env=dmc/reacher-hard:bangbang", "tdmpc2");
  Config c = small_tdmpc2_config();
  c.apply_override("run.env=minatar/breakout-v1");
  EXPECT_THROW(make_agent(c, make_env("minatar/breakout-v1")->spec()), Error);
}

TEST(Tdmpc2Trainer, DiscountFollowsTheEpisodeLength) {
  Config c = small_tdmpc2_config();
  const EnvSpec spec = make_env("dmc/reacher-hard:repeat2")->spec();
  auto discount_of = [](const Config& config, const EnvSpec& env) {
    return tdmpc2::tdmpc2_options_from_config(config, env).hyper.discount;
  };
  // 1000 control steps / repeat 2 = 500 agent steps: (100 - 1)/100.
  EXPECT_FLOAT_EQ(discount_of(c, spec), 0.99f);
  c.apply_override("run.env=dmc/reacher-hard");
  EXPECT_FLOAT_EQ(discount_of(c, make_env("dmc/reacher-hard")->spec()), 0.995f);
  c.apply_override("tdmpc2.episode_length=50");
  EXPECT_FLOAT_EQ(discount_of(c, spec), 0.95f);
}

}  // namespace
}  // namespace arq
