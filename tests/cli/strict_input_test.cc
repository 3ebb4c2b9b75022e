// Bad input, as a careless or hostile user gives it, stops with one clear line that names the
// flag, key, file or folder, exits 2 (4 for a diverged run), and leaves no output behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/arq_process.h"

namespace {

namespace fs = std::filesystem;

using arq::test::CommandResult;
using arq::test::run_arq;
using arq::test::temp_path;

// `arq <arguments>` must exit with `code` and say `must_mention`.
void expect_exit(const std::string& arguments, int code, const std::string& must_mention) {
  const CommandResult result = run_arq(arguments);
  EXPECT_EQ(result.exit_code, code) << arguments << "\noutput: " << result.output;
  EXPECT_NE(result.output.find(must_mention), std::string::npos)
      << arguments << "\noutput: " << result.output;
  EXPECT_EQ(result.output.find("internal error"), std::string::npos) << result.output;
}

const std::string kSmall =
    " --total-steps 3000 --set run.learning_starts=500 --set replay.capacity=5000 "
    "--set run.eval_frequency=0 --quiet";

TEST(StrictInput, ConfigMustBeARegularFile) {
  const fs::path run = temp_path("config_folder");
  expect_exit("train --config " + std::string(ARQ_SOURCE_DIR) + "/configs --run-dir " +
                  run.string() + kSmall,
              2, "not a regular file");
  EXPECT_FALSE(fs::exists(run));
}

TEST(StrictInput, SetListsMustBeWholeTomlArrays) {
  const fs::path run = temp_path("loose_list");
  expect_exit("train --set 'local.widths=[64,' --run-dir " + run.string() + kSmall, 2,
              "--set local.widths");
  expect_exit("train --set 'local.widths=[64,,48]' --run-dir " + run.string() + kSmall, 2,
              "--set local.widths");
  EXPECT_FALSE(fs::exists(run));
}

TEST(StrictInput, OutOfRangeValuesAndFlagsAreRefused) {
  const fs::path run = temp_path("ranges");
  expect_exit("train --set agent.gamma=2 --run-dir " + run.string() + kSmall, 2, "agent.gamma");
  expect_exit("train --set local.context_window=0 --run-dir " + run.string() + kSmall, 2,
              "local.context_window");
  expect_exit("train --stop-after -5 --run-dir " + run.string() + kSmall, 2, "--stop-after");
  expect_exit("eval --checkpoint " + run.string() + " --max-steps -1", 2, "--max-steps");
  EXPECT_FALSE(fs::exists(run));
}

TEST(StrictInput, AReplayLargerThanMemoryIsRefusedBeforeAnythingIsCreated) {
  const fs::path run = temp_path("huge_replay");
  expect_exit("train --config " + std::string(ARQ_SOURCE_DIR) +
                  "/configs/arq-minatar-cpu.toml --run-dir " + run.string() + kSmall +
                  " --set replay.capacity=1e12",
              2, "replay.capacity 1000000000000 needs");
  EXPECT_FALSE(fs::exists(run));
}

TEST(StrictInput, FilesystemProblemsAreUserErrorsNamingThePath) {
  const fs::path file = temp_path("a_file");
  std::ofstream(file) << "x";
  expect_exit("train --run-dir " + file.string() + kSmall, 2, file.string());
  expect_exit("train --run-dir " + (file / "run").string() + kSmall, 2, file.string());
  expect_exit("report " + std::string(ARQ_SOURCE_DIR) + "/results --out " + file.string(), 2,
              "--out '" + file.string() + "' is a file");
  if (::geteuid() != 0) {  // root may write anywhere
    const fs::path locked = temp_path("read_only");
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    expect_exit("train --run-dir " + (locked / "run").string() + kSmall, 2, locked.string());
    fs::permissions(locked, fs::perms::owner_all);
    fs::remove_all(locked);
  }
  fs::remove(file);
}

TEST(StrictInput, ReportChecksItsOptionsBeforeWritingAnything) {
  const fs::path out = temp_path("report_out");
  expect_exit(
      "report " + std::string(ARQ_SOURCE_DIR) + "/results --bootstrap-reps 0 --out " + out.string(),
      2, "--bootstrap-reps must be >= 1");
  EXPECT_FALSE(fs::exists(out));
}

TEST(StrictInput, ReportSaysWhatIsWrongWithACorruptEvalCsv) {
  const fs::path runs = temp_path("corrupt_eval");
  fs::create_directories(runs / "run1");
  std::ofstream(runs / "run1" / "eval.csv") << "step,mean_return\n100,abc\x01\n";
  const CommandResult result =
      run_arq("report " + runs.string() + " --out " + (runs / "report").string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("eval.csv"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("skipped"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find('\x01'), std::string::npos) << result.output;
  fs::remove_all(runs);
}

TEST(StrictInput, DmcActionsOutsideTheBoundsAreRejectedWithTheLine) {
  const fs::path actions = temp_path("dmc_actions.txt");
  std::ofstream(actions) << "0 0 0 0 0 0\n5 -7 100 0 0 0\n";
  const fs::path out = temp_path("dmc_rollout.jsonl");
  expect_exit("rollout --env dmc/cheetah-run --seed 0 --actions " + actions.string() + " --out " +
                  out.string(),
              2, "line 2: value 5 (action[0]) is outside the action bounds [-1, 1]");
  EXPECT_FALSE(fs::exists(out));
  fs::remove(actions);
}

TEST(StrictInput, ADivergedRunExitsWithFourNamingStepAndNetwork) {
  const fs::path run = temp_path("diverged");
  const CommandResult result = run_arq(
      "train --config " + std::string(ARQ_SOURCE_DIR) + "/configs/dqn-minatar.toml --run-dir " +
      run.string() + kSmall + " --set optim.lr=1e12 --set dqn.hidden=16 --set replay.batch_size=8");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find("training diverged at step"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("q network"), std::string::npos) << result.output;
  fs::remove_all(run);
}

}  // namespace
