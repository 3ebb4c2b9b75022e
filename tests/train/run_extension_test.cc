// Extending a finished run: resuming it with a larger run.total_steps continues from its final
// checkpoint (which keeps the replay buffer) exactly, epsilon's decay does not restart, and a total
// that is not larger than the steps done is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

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

Config small_config(const std::string& agent, int64_t total_steps) {
  Config c = make_train_config();
  for (const std::string& line : std::vector<std::string>{"run.agent=" + agent,
                                                          "run.env=minatar/breakout-v1",
                                                          "run.seed=11",
                                                          "run.learning_starts=100",
                                                          "run.train_frequency=2",
                                                          "run.target_update_frequency=100",
                                                          "run.log_frequency=100",
                                                          "run.eval_frequency=0",
                                                          "run.eval_episodes=1",
                                                          "run.checkpoint_frequency=300",
                                                          "replay.capacity=2000",
                                                          "replay.batch_size=8",
                                                          "optim.kind=adam",
                                                          "optim.lr=1e-3",
                                                          "explore.decay_steps=400",
                                                          "explore.end_epsilon=0.1",
                                                          "dqn.hidden=16",
                                                          "dqn.conv_channels=4",
                                                          "local.widths=[12,8,8]",
                                                          "local.heads=2",
                                                          "local.context_window=3"}) {
    c.apply_override(line);
  }
  c.set("run.total_steps", total_steps, "test");
  return c;
}

// One numeric column of a run's CSV file, by header name, as (step, value) rows.
std::vector<std::pair<int64_t, double>> column(const fs::path& file, const std::string& name) {
  const std::vector<std::string> lines = read_lines(file.string());
  std::vector<std::string> header;
  std::stringstream header_line(lines.at(0));
  for (std::string cell; std::getline(header_line, cell, ',');) header.push_back(cell);
  const auto at =
      static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  EXPECT_LT(at, header.size()) << name << " in " << file;
  std::vector<std::pair<int64_t, double>> rows;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells;
    std::stringstream line(lines[i]);
    for (std::string cell; std::getline(line, cell, ',');) cells.push_back(cell);
    rows.emplace_back(std::stoll(cells.at(0)), std::stod(cells.at(at)));
  }
  return rows;
}

// When the old total falls on an episode end, the finished run has nothing in flight, so its
// extension must train exactly like a run that was given the larger total from the start: same
// episodes, same final weights, target networks and optimiser moments. This needs the replay
// buffer, every random stream and the counters of the final checkpoint.
TEST(RunExtension, FromAnEpisodeEndTrainsExactlyLikeARunStartedLonger) {
  for (const std::string agent : {"dqn", "arq"}) {
    const fs::path longer = fresh_run_dir("extend_longer_" + agent);
    const fs::path extended = fresh_run_dir("extend_extended_" + agent);
    train_quietly(small_config(agent, 1000), longer);
    int64_t episode_end = -1;
    for (const auto& [step, episode] : column(longer / "episodes.csv", "episode")) {
      if (step > 400 && step < 900) {
        episode_end = step;
        break;
      }
    }
    ASSERT_GT(episode_end, 0) << agent << ": no episode ended between steps 400 and 900";

    const TrainSummary first = train_quietly(small_config(agent, episode_end), extended);
    ASSERT_TRUE(first.finished) << agent;
    const auto status = checkpoint_status(extended.string());
    ASSERT_TRUE(status && status->finished && status->has_replay) << agent;
    const TrainSummary second = train_quietly(small_config(agent, 1000), extended, true);
    EXPECT_TRUE(second.finished) << agent;
    EXPECT_EQ(second.steps, 1000) << agent;

    EXPECT_EQ(read_file((longer / "episodes.csv").string()),
              read_file((extended / "episodes.csv").string()))
        << agent;
    const std::string model = "checkpoints/model_1000.safetensors";
    ASSERT_TRUE(fs::exists(extended / model)) << agent;
    EXPECT_TRUE(read_file((longer / model).string()) == read_file((extended / model).string()))
        << agent << ": the final weights differ";
    // The evaluation at the old total stays; the new final one follows.
    std::vector<int64_t> eval_steps;
    for (const auto& row : column(extended / "eval.csv", "mean_return")) {
      eval_steps.push_back(row.first);
    }
    EXPECT_EQ(eval_steps, (std::vector<int64_t>{0, episode_end, 1000})) << agent;
    fs::remove_all(longer);
    fs::remove_all(extended);
  }
}

double schedule(int64_t step, int64_t learning_starts, double decay) {
  const double progress =
      std::min(1.0, static_cast<double>(std::max<int64_t>(step - learning_starts, 0)) / decay);
  return 1.0 + (0.1 - 1.0) * progress;
}

// explore.decay_fraction is a fraction of the total in force when each step is taken. A decay
// that had finished stays finished; one under way stretches to the new total.
TEST(RunExtension, EpsilonDecayStaysFinishedOrStretchesToTheNewTotal) {
  struct Case {
    double fraction;
    bool finished_before_extension;
  };
  for (const Case& test_case : {Case{0.5, true}, Case{1.0, false}}) {
    const fs::path dir = fresh_run_dir("extend_epsilon");
    Config config = small_config("dqn", 600);
    config.apply_override("explore.decay_steps=0");
    config.apply_override("explore.decay_fraction=" + std::to_string(test_case.fraction));
    train_quietly(config, dir);
    config.set("run.total_steps", int64_t{1200}, "test");
    train_quietly(config, dir, true);

    for (const auto& [step, epsilon] : column(dir / "metrics.csv", "epsilon")) {
      // A row logs the epsilon of the step just taken, step - 1.
      const double at_600 = schedule(step - 1, 100, test_case.fraction * 600);
      const double at_1200 = schedule(step - 1, 100, test_case.fraction * 1200);
      const double expected =
          step <= 600 ? at_600 : (test_case.finished_before_extension ? 0.1 : at_1200);
      EXPECT_NEAR(epsilon, expected, 1e-9) << "fraction " << test_case.fraction << " step " << step;
    }
    // The cases test what they claim: the longer schedule alone would not be finished at 600.
    EXPECT_GT(schedule(600, 100, test_case.fraction * 1200), 0.1 + 1e-6);
    EXPECT_EQ(std::abs(schedule(599, 100, test_case.fraction * 600) - 0.1) < 1e-9,
              test_case.finished_before_extension);
    fs::remove_all(dir);
  }
}

std::string error_of(const Config& config, const fs::path& dir) {
  try {
    train_quietly(config, dir, true);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RunExtension, RefusesATotalThatIsNotLargerThanTheStepsDone) {
  const fs::path dir = fresh_run_dir("extend_refuse");
  train_quietly(small_config("dqn", 400), dir);
  const std::string below = error_of(small_config("dqn", 300), dir);
  EXPECT_NE(below.find("already done 400 steps"), std::string::npos) << below;
  const std::string same = error_of(small_config("dqn", 400), dir);
  EXPECT_NE(same.find("is complete (400 steps)"), std::string::npos) << same;
  EXPECT_NE(same.find("--total-steps"), std::string::npos) << same;
  // Refusals leave the finished run as it was.
  const auto status = checkpoint_status(dir.string());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->finished);
  EXPECT_EQ(status->steps_done, 400);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
