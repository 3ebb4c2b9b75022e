#include "arq/train/trained_run.h"

#include <filesystem>

#include "arq/agents/factory.h"
#include "arq/core/error.h"
#include "arq/env/registry.h"
#include "arq/train/train_config.h"

namespace arq {

TrainedRun open_trained_run(const std::string& checkpoint) {
  namespace fs = std::filesystem;
  fs::path run_dir(checkpoint);
  if (run_dir.filename() == "checkpoints") run_dir = run_dir.parent_path();
  if (!fs::exists(run_dir / "config.toml")) {
    throw Error("--checkpoint '" + checkpoint +
                "': expected a run folder (with config.toml and checkpoints/)");
  }
  if (!has_checkpoint(run_dir.string())) {
    throw Error("--checkpoint '" + checkpoint + "': the run has no checkpoint yet");
  }
  TrainedRun run;
  run.run_dir = run_dir.string();
  run.config = make_train_config();
  run.config.load_toml_file((run_dir / "config.toml").string());
  run.env_options.sticky_action_prob = run.config.get_double("env.sticky_action_prob");
  run.env_options.difficulty_ramping = run.config.get_bool("env.difficulty_ramping");
  return run;
}

void load_last_checkpoint(TrainedRun& run) {
  run.env = make_env(run.config.get_string("run.env"), run.env_options);
  run.agent = make_agent(run.config, run.env->spec());
  run.meta = read_checkpoint(run.run_dir, *run.agent, nullptr);
}

}  // namespace arq
