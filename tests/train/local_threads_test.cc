// `local.threads`: the config key reaches the local learner (0: one per core), a run with a fixed
// thread count repeats bit for bit, and run.json records the resolved count and `nn.isa`'s level.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "arq/agents/factory.h"
#include "arq/agents/local/local_agent.h"
#include "arq/agents/local/worker_pool.h"
#include "arq/core/error.h"
#include "arq/core/isa.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

Config small_arq_config(int64_t threads) {
  Config c = make_train_config();
  for (const std::string& line :
       std::vector<std::string>{"run.agent=arq",
                                "run.env=minatar/breakout-v1",
                                "run.seed=3",
                                "run.total_steps=900",
                                "run.learning_starts=200",
                                "run.train_frequency=2",
                                "run.target_update_frequency=200",
                                "run.log_frequency=100",
                                "run.eval_frequency=0",
                                "run.eval_episodes=1",
                                "run.checkpoint_frequency=0",
                                "replay.capacity=1000",
                                "replay.batch_size=16",
                                "optim.kind=adam",
                                "optim.lr=1e-3",
                                "agent.loss=mse",
                                "local.widths=[24,16]",
                                "local.heads=2",
                                "local.context_window=2",
                                "explore.decay_steps=500",
                                "local.threads=" + std::to_string(threads)}) {
    c.apply_override(line);
  }
  return c;
}

TEST(LocalThreads, TheKeyReachesTheLearnerAndIsValidated) {
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  EXPECT_EQ(local::local_agent_options_from_config(small_arq_config(1), spec).learner.threads, 1);
  EXPECT_EQ(local::local_agent_options_from_config(small_arq_config(2), spec).learner.threads, 2);
  EXPECT_EQ(make_train_config().get_int("local.threads"), 1);  // the default stays serial
  // 0: one thread per core this process may use.
  EXPECT_EQ(local::local_agent_options_from_config(small_arq_config(0), spec).learner.threads,
            local::WorkerPool::available_cores());
  EXPECT_GE(local::WorkerPool::available_cores(), 1);
  try {
    local::local_agent_options_from_config(small_arq_config(-1), spec);
    FAIL() << "expected local.threads=-1 to be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("local.threads"), std::string::npos) << e.what();
  }
}

// run.json records what the bits depend on: the kernels' ISA level and the resolved thread count.
TEST(LocalThreads, RunJsonRecordsTheResolvedCountAndTheIsaLevel) {
  Config c = small_arq_config(0);
  c.apply_override("run.total_steps=250");
  c.apply_override("nn.isa=avx2");
  const fs::path dir = test::fresh_run_dir("threads_run_json");
  ASSERT_TRUE(test::train_quietly(c, dir).finished);
  const nlohmann::json run = nlohmann::json::parse(read_file((dir / "run.json").string()));
  EXPECT_EQ(run.at("local_threads").get<int>(), local::WorkerPool::available_cores());
  EXPECT_EQ(run.at("isa").get<std::string>(), "avx2");
  fs::remove_all(dir);
  apply_isa_setting("auto", "test");  // leave the process at its default level
}

// nn.isa = auto resolves per machine (here: ARQ_ISA at the start, the widest level after), so a
// resumed run says that its last bits will differ from an uninterrupted one.
TEST(LocalThreads, ResumingAtAnotherIsaLevelWarns) {
  if (!cpu_supports(IsaLevel::kAvx512)) {
    GTEST_SKIP() << "needs two ISA levels; this CPU has only avx2";
  }
  Config c = small_arq_config(1);
  c.apply_override("run.total_steps=250");
  c.apply_override("run.learning_starts=100");
  const fs::path dir = test::fresh_run_dir("threads_resume_isa");
  ::setenv(kIsaEnvironmentVariable, "avx2", 1);
  const bool finished = test::train_quietly(c, dir).finished;
  ::unsetenv(kIsaEnvironmentVariable);
  ASSERT_TRUE(finished);
  c.apply_override("run.total_steps=300");
  testing::internal::CaptureStderr();
  ASSERT_TRUE(test::train_quietly(c, dir, /*resume=*/true).finished);
  const std::string warnings = testing::internal::GetCapturedStderr();
  EXPECT_NE(warnings.find("started with isa avx2, this process uses avx512"), std::string::npos)
      << warnings;
  EXPECT_NE(warnings.find("--set nn.isa=avx2"), std::string::npos) << warnings;
  fs::remove_all(dir);
}

TEST(LocalThreads, AnUnknownIsaLevelIsRejectedBeforeTheRunStarts) {
  Config c = small_arq_config(1);
  c.apply_override("nn.isa=avx9000");
  const fs::path dir = test::fresh_run_dir("threads_bad_isa");
  try {
    test::train_quietly(c, dir);
    FAIL() << "expected nn.isa=avx9000 to be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nn.isa"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("avx9000"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "run.json"));
  fs::remove_all(dir);
}

TEST(LocalThreads, TwoThreadsRepeatBitForBit) {
  const Config c = small_arq_config(2);
  std::vector<fs::path> dirs;
  for (const char* name : {"a", "b"}) {
    const fs::path dir = test::fresh_run_dir(std::string("threads_") + name);
    ASSERT_TRUE(test::train_quietly(c, dir).finished);
    dirs.push_back(dir);
  }
  const std::string metrics = read_file((dirs[0] / "metrics.csv").string());
  EXPECT_GT(read_lines((dirs[0] / "metrics.csv").string()).size(), 5u);
  EXPECT_EQ(metrics, read_file((dirs[1] / "metrics.csv").string()));
  const std::string model = "checkpoints/model_900.safetensors";
  EXPECT_EQ(read_file((dirs[0] / model).string()), read_file((dirs[1] / model).string()));
  for (const auto& dir : dirs) fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
