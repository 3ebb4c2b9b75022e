// `arq train --resume --total-steps N` extends a finished run: what it logged stays as it was,
// the run goes on to N with a new final evaluation, and the extension is deterministic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"

namespace {

namespace fs = std::filesystem;
using arq::test::CommandResult;
using arq::test::run_arq;
using arq::test::temp_path;

fs::path write_tiny_preset() {
  const fs::path preset = temp_path("extend_tiny.toml");
  std::ofstream(preset) << R"([run]
agent = "dqn"
env = "minatar/breakout-v1"
seed = 5
total_steps = 600
learning_starts = 150
train_frequency = 2
target_update_frequency = 100
log_frequency = 100
eval_frequency = 300
eval_episodes = 1
checkpoint_frequency = 200

[replay]
capacity = 1200
batch_size = 8

[optim]
kind = "rmsprop"
lr = 5e-4
max_grad_norm = 0.0

[explore]
decay_steps = 300

[dqn]
hidden = 16
conv_channels = 4
)";
  return preset;
}

const char* const kLogs[] = {"metrics.csv", "episodes.csv", "eval.csv"};

TEST(TrainExtend, AFinishedRunContinuesToTheLargerTotalKeepingWhatItLogged) {
  const fs::path preset = write_tiny_preset();
  const fs::path run = temp_path("extend_run"), twin = temp_path("extend_twin");
  fs::remove_all(run);
  fs::remove_all(twin);
  CommandResult result =
      run_arq("train --quiet --config " + preset.string() + " --run-dir " + run.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_NE(result.output.find("steps: 600,"), std::string::npos) << result.output;
  std::map<std::string, std::string> at_600;
  for (const char* file : kLogs) at_600[file] = arq::read_file((run / file).string());
  // The same 600-step state, to be extended separately.
  fs::copy(run, twin, fs::copy_options::recursive);

  const std::string extend = " --resume --quiet --total-steps 1000";
  result = run_arq("train --run-dir " + run.string() + extend);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("steps: 1000,"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("stopped early"), std::string::npos) << result.output;

  // Every row up to step 600 is unchanged (the final evaluation at 600 included); rows follow.
  for (const char* file : kLogs) {
    const std::string now = arq::read_file((run / file).string());
    EXPECT_TRUE(now.starts_with(at_600[file])) << file << ":\n" << now;
    EXPECT_GT(now.size(), at_600[file].size()) << file;
  }
  const auto eval = arq::read_lines((run / "eval.csv").string());
  ASSERT_EQ(eval.size(), 6u);  // header, 0, 300, 600, 900, 1000
  EXPECT_TRUE(eval[3].starts_with("600,")) << eval[3];
  EXPECT_TRUE(eval[5].starts_with("1000,")) << eval[5];
  EXPECT_TRUE(arq::read_lines((run / "metrics.csv").string()).back().starts_with("1000,"));
  EXPECT_NE(arq::read_file((run / "config.toml").string()).find("\ntotal_steps = 1000\n"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(run / "checkpoints" / "model_1000.safetensors"));
  EXPECT_TRUE(fs::exists(run / "checkpoints" / "replay_1000.bin"));

  // The same state extended again gives the same run, bit for bit.
  result = run_arq("train --run-dir " + twin.string() + extend);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* file : kLogs) {
    EXPECT_EQ(arq::read_file((run / file).string()), arq::read_file((twin / file).string()))
        << file;
  }
  const std::string model = "checkpoints/model_1000.safetensors";
  EXPECT_TRUE(arq::read_file((run / model).string()) == arq::read_file((twin / model).string()))
      << "the final weights differ";

  // Finished again: a plain --resume says so and names the way to extend it.
  result = run_arq("train --run-dir " + run.string() + " --resume --quiet");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("is complete (1000 steps)"), std::string::npos) << result.output;
  fs::remove_all(run);
  fs::remove_all(twin);
  fs::remove(preset);
}

TEST(TrainExtend, ATotalBelowTheStepsDoneOrAMissingReplayIsRejectedAndChangesNothing) {
  const fs::path preset = write_tiny_preset();
  const fs::path run = temp_path("extend_below");
  fs::remove_all(run);
  CommandResult result =
      run_arq("train --quiet --config " + preset.string() + " --run-dir " + run.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string config = arq::read_file((run / "config.toml").string());
  const std::string eval = arq::read_file((run / "eval.csv").string());
  for (const char* total : {"400", "600"}) {
    result =
        run_arq("train --run-dir " + run.string() + " --resume --quiet --total-steps " + total);
    EXPECT_NE(result.exit_code, 0) << total << "\n" << result.output;
    EXPECT_NE(result.output.find("--total-steps"), std::string::npos) << result.output;
  }
  EXPECT_NE(result.output.find("complete (600 steps)"), std::string::npos) << result.output;
  result = run_arq("train --run-dir " + run.string() + " --resume --quiet --total-steps 400");
  EXPECT_NE(result.output.find("--total-steps 400: the run in '" + run.string() +
                               "' has already done 600 steps"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(arq::read_file((run / "config.toml").string()), config);
  EXPECT_EQ(arq::read_file((run / "eval.csv").string()), eval);

  // Without its replay file (deleted to save disk) the run still evaluates but cannot be
  // extended, and the refusal comes before config.toml would record the new total.
  fs::remove(run / "checkpoints" / "replay_600.bin");
  result = run_arq("eval --checkpoint " + run.string() + " --episodes 1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  result = run_arq("train --run-dir " + run.string() + " --resume --quiet --total-steps 1000");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("has no replay buffer"), std::string::npos) << result.output;
  EXPECT_EQ(arq::read_file((run / "config.toml").string()), config);
  fs::remove_all(run);
  fs::remove(preset);
}

}  // namespace
