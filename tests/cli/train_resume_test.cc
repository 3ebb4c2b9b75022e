// `arq train --resume` continues a run with the config saved in its folder: no options needed,
// repeated options must match it (errors name the key), and --total-steps extends the run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"

namespace {

namespace fs = std::filesystem;
using arq::test::CommandResult;
using arq::test::run_arq;
using arq::test::temp_path;

// A tiny DQN run as a preset file (its values differ from the defaults on purpose, so a resume
// that fell back to the defaults could not reproduce the run).
fs::path write_tiny_preset() {
  const fs::path preset = temp_path("tiny.toml");
  std::ofstream(preset) << R"([run]
agent = "dqn"
env = "minatar/breakout-v1"
seed = 7
total_steps = 1200
learning_starts = 200
train_frequency = 2
target_update_frequency = 100
log_frequency = 100
eval_frequency = 600
eval_episodes = 1
checkpoint_frequency = 300

[replay]
capacity = 1200
batch_size = 8

[optim]
kind = "rmsprop"
lr = 5e-4
max_grad_norm = 0.0

[explore]
decay_steps = 600

[dqn]
hidden = 16
conv_channels = 4
)";
  return preset;
}

std::string train(const fs::path& preset, const fs::path& run, const std::string& more) {
  return "train --quiet --config " + preset.string() + " --run-dir " + run.string() + " " + more;
}

void expect_error_naming(const std::string& arguments, const std::string& key) {
  const CommandResult result = run_arq(arguments);
  EXPECT_NE(result.exit_code, 0) << arguments << "\n" << result.output;
  EXPECT_NE(result.output.find(key), std::string::npos) << arguments << "\n" << result.output;
}

// The same tiny run twice: `whole` trained to the end, `parts` stopped after 500 steps.
void train_whole_and_stopped(const fs::path& preset, const fs::path& whole, const fs::path& parts) {
  fs::remove_all(whole);
  fs::remove_all(parts);
  CommandResult result = run_arq(train(preset, whole, ""));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run_arq(train(preset, parts, "--stop-after 500"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_NE(result.output.find("stopped early"), std::string::npos) << result.output;
}

TEST(TrainResume, ContinuesWithTheRunsOwnConfigAndEqualsAnUninterruptedRun) {
  const fs::path preset = write_tiny_preset();
  const fs::path whole = temp_path("resume_whole"), parts = temp_path("resume_parts");
  ASSERT_NO_FATAL_FAILURE(train_whole_and_stopped(preset, whole, parts));

  // Options that change the run are refused, naming the key and the saved file.
  const std::string resume = "train --quiet --run-dir " + parts.string() + " --resume";
  expect_error_naming(resume + " --seed 8", "run.seed");
  expect_error_naming(resume + " --set optim.lr=0.1", "optim.lr");
  expect_error_naming(resume + " --env minatar/asterix-v1", "run.env");
  expect_error_naming(resume + " --config " + ARQ_SOURCE_DIR + "/configs/arq-minatar-cpu.toml",
                      "config.toml");
  expect_error_naming(resume + " --set run.total_steps=5000", "run.total_steps");
  expect_error_naming(resume + " --total-steps 100", "already done");

  // The README's command: nothing but the folder.
  const CommandResult result = run_arq(resume);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("steps: 1200"), std::string::npos) << result.output;
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    EXPECT_EQ(arq::read_file((whole / file).string()), arq::read_file((parts / file).string()))
        << file;
  }
  expect_error_naming(resume, "complete");
  fs::remove_all(whole);
  fs::remove_all(parts);
  fs::remove(preset);
}

// Checkpoint and log frequencies decide when files are written, not what is learned: a resume
// may change them, the run stays bit-identical, and config.toml records the new values.
TEST(TrainResume, CheckpointAndLogFrequenciesMayChangeAndTheRunStaysTheSame) {
  const fs::path preset = write_tiny_preset();
  const fs::path whole = temp_path("resume_freq_whole"), parts = temp_path("resume_freq_parts");
  ASSERT_NO_FATAL_FAILURE(train_whole_and_stopped(preset, whole, parts));

  const CommandResult result =
      run_arq("train --quiet --run-dir " + parts.string() +
              " --resume --set run.checkpoint_frequency=150 --set run.log_frequency=50");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string saved = arq::read_file((parts / "config.toml").string());
  EXPECT_NE(saved.find("\ncheckpoint_frequency = 150\n"), std::string::npos) << saved;
  EXPECT_NE(saved.find("\nlog_frequency = 50\n"), std::string::npos) << saved;
  for (const char* file : {"episodes.csv", "eval.csv", "checkpoints/model_1200.safetensors"}) {
    EXPECT_EQ(arq::read_file((whole / file).string()), arq::read_file((parts / file).string()))
        << file;
  }
  // The denser log shows in metrics.csv: rows every 50 steps after the resume.
  const std::string metrics = arq::read_file((parts / "metrics.csv").string());
  EXPECT_NE(metrics.find("\n1150,"), std::string::npos) << metrics;
  fs::remove_all(whole);
  fs::remove_all(parts);
  fs::remove(preset);
}

TEST(TrainResume, RepeatingTheStartingOptionsIsAcceptedAndTotalStepsExtends) {
  const fs::path preset = write_tiny_preset();
  const fs::path run = temp_path("resume_extend");
  fs::remove_all(run);
  CommandResult result =
      run_arq(train(preset, run, "--seed 7 --set dqn.hidden=16 --stop-after 400"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // The same command with --resume (as sweeps run it), now asking for more steps.
  result = run_arq(train(preset, run, "--seed 7 --set dqn.hidden=16 --resume --total-steps 1500"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("steps: 1500"), std::string::npos) << result.output;
  // The saved config records the new length, so later resumes keep it.
  const std::string saved = arq::read_file((run / "config.toml").string());
  EXPECT_NE(saved.find("\ntotal_steps = 1500\n"), std::string::npos) << saved;
  EXPECT_NE(saved.find("\nhidden = 16\n"), std::string::npos) << saved;
  // Extending it again now that it is finished: tests/cli/train_extend_test.cc.
  fs::remove_all(run);
  fs::remove(preset);
}

}  // namespace
