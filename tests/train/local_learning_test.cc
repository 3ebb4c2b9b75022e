// Small learning tests for the local agents, in the spirit of learning_test.cc's DQN test: ARQ
// and AD, shrunk to widths 32/24/24 with four heads and trained briefly on MinAtar Breakout,
// must clearly beat their own untrained network. Both scores are the trainer's evaluations
// (epsilon 0.05, separate environment): the one at step 0 is the untrained network, the last one
// the trained network. The thresholds are learning_test.cc's. With this budget, seeds 1-6 gave
// (untrained -> trained) ARQ 0-0.85 -> 3.25-4.4 and AD 0-0.9 -> 2.4-5.6, each run taking about
// 12 s of CPU.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "arq/agents/factory.h"
#include "arq/core/text_io.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

// Mean return of an evaluation row (eval.csv: step,mean_return,...).
double eval_mean(const std::string& row) {
  const auto first_comma = row.find(',');
  return std::stod(row.substr(first_comma + 1, row.find(',', first_comma + 1) - first_comma - 1));
}

struct Scores {
  double untrained = 0.0;
  double trained = 0.0;
};

// Trains `preset` with the small local network below plus `overrides`, and returns the first and
// last evaluation.
Scores train_small_local_agent(const std::string& preset,
                               const std::vector<std::string>& overrides) {
  Config c = make_train_config();
  c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
  // Three narrow layers, four heads and a short context keep an update near a millisecond; a
  // larger learning rate and a short exploration phase make the budget enough to learn to
  // return the ball.
  for (const char* line :
       {"local.widths=[32,24,24]", "local.heads=4", "local.context_window=2",
        "replay.batch_size=32", "replay.capacity=30000", "optim.lr=1e-3", "run.total_steps=30000",
        "run.learning_starts=2000", "run.target_update_frequency=500", "explore.decay_steps=10000",
        "run.eval_frequency=0", "run.eval_episodes=20", "run.checkpoint_frequency=0",
        "run.log_frequency=5000"}) {
    c.apply_override(line);
  }
  for (const auto& line : overrides) c.apply_override(line);
  const fs::path dir =
      fs::temp_directory_path() / ("arq_learning_" + preset + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  TrainRequest request;
  request.config = c;
  request.run_dir = dir.string();
  request.quiet = true;
  train(request, make_agent);
  const auto lines = read_lines((dir / "eval.csv").string());
  fs::remove_all(dir);
  EXPECT_EQ(lines.size(), 3u);  // header, step 0, final
  if (lines.size() != 3u) return {};
  return {eval_mean(lines[1]), eval_mean(lines[2])};
}

TEST(LocalLearning, ArqBeatsItsUntrainedSelfOnBreakout) {
  const Scores scores = train_small_local_agent("arq-minatar-cpu.toml", {"run.seed=1"});
  EXPECT_GT(scores.trained, 1.5) << "untrained " << scores.untrained;
  EXPECT_GT(scores.trained, 2.0 * scores.untrained + 0.5) << "untrained " << scores.untrained;
}

TEST(LocalLearning, AdBeatsItsUntrainedSelfOnBreakout) {
  const Scores scores = train_small_local_agent("ad-minatar-cpu.toml", {"run.seed=1"});
  EXPECT_GT(scores.trained, 1.5) << "untrained " << scores.untrained;
  EXPECT_GT(scores.trained, 2.0 * scores.untrained + 0.5) << "untrained " << scores.untrained;
}

}  // namespace
}  // namespace arq
