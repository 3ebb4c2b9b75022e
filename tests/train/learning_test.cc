// Small learning tests: an agent trained for a short budget must clearly beat a uniformly random
// policy, measured by the trainer's own evaluation (epsilon 0.05) on a separate environment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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

TEST(Learning, DqnBeatsRandomOnBreakout) {
  Config c = make_train_config();
  c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/dqn-minatar.toml");
  for (const char* line :
       {"run.seed=3", "run.total_steps=60000", "run.learning_starts=2000", "run.eval_frequency=0",
        "run.eval_episodes=20", "run.checkpoint_frequency=0", "replay.capacity=60000",
        "explore.decay_steps=20000", "run.log_frequency=5000"}) {
    c.apply_override(line);
  }
  const fs::path dir =
      fs::temp_directory_path() / ("arq_learning_dqn_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  TrainRequest request;
  request.config = c;
  request.run_dir = dir.string();
  request.quiet = true;
  train(request, make_agent);
  // The first evaluation (step 0) is the untrained network; a uniformly random policy scores
  // about 0.5-1 per Breakout episode.
  const auto lines = read_lines((dir / "eval.csv").string());
  ASSERT_EQ(lines.size(), 3u);  // header, step 0, final
  const double untrained = eval_mean(lines[1]);
  const double trained = eval_mean(lines[2]);
  EXPECT_GT(trained, 1.5) << "untrained " << untrained;
  EXPECT_GT(trained, 2.0 * untrained + 0.5) << "untrained " << untrained;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
