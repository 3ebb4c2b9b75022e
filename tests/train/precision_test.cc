// `nn.precision`: the key reaches the local cells and is validated (an unknown value, or bf16
// for an agent without bf16 products, is an error naming the key and the allowed values),
// run.json records it, and a run resumes only in the precision it started with.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arq/agents/local/local_agent.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

Config small_arq_config(const std::string& precision) {
  Config c = make_train_config();
  for (const std::string& line : std::vector<std::string>{
           "run.agent=arq", "run.env=minatar/breakout-v1", "run.seed=3", "run.total_steps=250",
           "run.learning_starts=100", "run.train_frequency=2", "run.target_update_frequency=100",
           "run.log_frequency=100", "run.eval_frequency=0", "run.checkpoint_frequency=0",
           "replay.capacity=1000", "replay.batch_size=16", "local.widths=[24,16]", "local.heads=2",
           "local.context_window=2", "explore.decay_steps=200", "nn.precision=" + precision}) {
    c.apply_override(line);
  }
  return c;
}

std::string error_of(const Config& c, const fs::path& dir, bool resume = false) {
  try {
    test::train_quietly(c, dir, resume);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Precision, TheKeyReachesTheCells) {
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  EXPECT_EQ(make_train_config().get_string("nn.precision"), "fp32");
  EXPECT_EQ(
      local::local_agent_options_from_config(small_arq_config("fp32"), spec).stack.cell.precision,
      nn::Precision::kFp32);
  EXPECT_EQ(
      local::local_agent_options_from_config(small_arq_config("bf16"), spec).stack.cell.precision,
      nn::Precision::kBf16);
}

TEST(Precision, BadValuesAreErrorsNamingTheKeyAndTheChoices) {
  const fs::path dir = test::fresh_run_dir("precision_bad");
  const std::string unknown = error_of(small_arq_config("fp16"), dir);
  EXPECT_NE(unknown.find("nn.precision"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("'fp16'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("fp32 | bf16"), std::string::npos) << unknown;
  Config dqn = small_arq_config("bf16");
  dqn.apply_override("run.agent=dqn");
  const std::string not_local = error_of(dqn, dir);
  EXPECT_NE(not_local.find("nn.precision"), std::string::npos) << not_local;
  EXPECT_NE(not_local.find("local agents"), std::string::npos) << not_local;
  EXPECT_FALSE(fs::exists(dir));  // refused before the folder was made
}

TEST(Precision, RunJsonRecordsItAndResumeRefusesAnother) {
  const fs::path dir = test::fresh_run_dir("precision_resume");
  Config c = small_arq_config("bf16");
  c.apply_override("run.checkpoint_frequency=200");
  ASSERT_FALSE(test::train_quietly(c, dir, false, 200).finished);
  const nlohmann::json run = nlohmann::json::parse(read_file((dir / "run.json").string()));
  EXPECT_EQ(run.at("precision").get<std::string>(), "bf16");
  EXPECT_TRUE(run.contains("bf16_kernel"));
  Config other = c;
  other.apply_override("nn.precision=fp32");
  const std::string refused = error_of(other, dir, /*resume=*/true);
  EXPECT_NE(refused.find("nn.precision = bf16"), std::string::npos) << refused;
  EXPECT_NE(refused.find("--set nn.precision=bf16"), std::string::npos) << refused;
  EXPECT_TRUE(test::train_quietly(c, dir, /*resume=*/true).finished);  // the same one continues
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
