#pragma once
// A run folder opened for use after training (arq eval, render, q, analyze): its saved config,
// then its environment and its agent at the last checkpoint.
#include <memory>
#include <string>

#include "arq/agents/agent.h"
#include "arq/core/config.h"
#include "arq/env/env.h"
#include "arq/env/registry.h"
#include "arq/train/checkpoint.h"

namespace arq {

struct TrainedRun {
  std::string run_dir;
  Config config;             // the run's config.toml over the training defaults
  EnvOptions env_options;    // the environment options the run trained with
  std::unique_ptr<Env> env;  // run.env with env_options (built by load_last_checkpoint)
  std::unique_ptr<Agent> agent;
  CheckpointMeta meta;  // of the last checkpoint
};

// Opens the run folder given as `--checkpoint` (the folder or its checkpoints/ folder) and reads
// its config; throws arq::Error naming the value when it is not a run folder or has no
// checkpoint yet. Callers check the config against their own needs before loading.
TrainedRun open_trained_run(const std::string& checkpoint);

// Builds the run's environment and agent and loads the last checkpoint into the agent.
void load_last_checkpoint(TrainedRun& run);

}  // namespace arq
