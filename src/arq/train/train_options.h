#pragma once
// The typed settings of a training run, read once from the config of `arq train` (whose keys,
// defaults, ranges and help are declared in train_config.cc; the schema has already checked
// every value against its range by the time these are read).
#include <cstdint>
#include <string>

#include "arq/nn/precision.h"

#include "arq/core/config.h"
#include "arq/env/registry.h"
#include "arq/train/evaluation.h"

namespace arq {

// ε for discrete exploration: `start` until learning_starts, then linear to `end` over
// decay_steps steps (the reference code's schedule), then `end`.
struct EpsilonSchedule {
  double start = 0.0;
  double end = 0.0;
  int64_t learning_starts = 0;
  int64_t decay_steps = 0;  // <= 0: `end` from the start

  double at(int64_t step) const;
};

// Every field comes from the config (from_config); the defaults live in train_config.cc only.
struct TrainOptions {
  // run.*
  std::string agent;
  std::string env_id;
  uint64_t seed = 0;
  int64_t total_steps = 0;
  int64_t learning_starts = 0;
  int64_t train_frequency = 0;
  int64_t target_update_frequency = 0;
  int64_t log_frequency = 0;
  int64_t checkpoint_frequency = 0;  // 0: only the final checkpoint
  int64_t eval_frequency = 0;        // 0: only at the start and the end
  EvalSettings eval;
  double max_td_loss = 0.0;  // 0: off
  // env.*
  EnvOptions env;
  // explore.*: decay_steps if > 0, else decay_fraction of total_steps
  double start_epsilon = 0;
  double end_epsilon = 0;
  double decay_fraction = 0;
  int64_t decay_steps = 0;
  // replay.capacity (the batch size is the agents')
  int64_t replay_capacity = 0;
  // nn.isa and, for the local agents, local.threads: what makes bits depend on the machine
  std::string isa;
  int64_t local_threads = 0;
  // nn.precision: bf16 is for the local agents only; a run keeps the precision it started with
  nn::Precision precision = nn::Precision::kFp32;

  static TrainOptions from_config(const Config& config);

  bool local_agent() const { return agent == "arq" || agent == "ad"; }
  // The decay length for the run's total_steps as it stands (a fraction-based decay stretches
  // when an unfinished run is extended).
  int64_t epsilon_decay_steps() const;
  EpsilonSchedule epsilon_schedule(int64_t decay) const {
    return {start_epsilon, end_epsilon, learning_starts, decay};
  }
};

}  // namespace arq
