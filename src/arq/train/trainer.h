#pragma once
// The training loop. train() reads the run's settings once (TrainOptions, train_options.h) and
// runs a Trainer (trainer.cc): start the run or resume it from its checkpoint, then per
// environment step act (epsilon-greedy, or for continuous actions random seed steps then the
// stochastic policy), store, close the episode if it ended, maybe update and sync targets, log,
// evaluate, checkpoint between episodes. It owns the environments, the replay buffer and the run
// folder.
#include <functional>
#include <memory>
#include <string>

#include "arq/agents/agent.h"
#include "arq/core/config.h"
#include "arq/env/env.h"

namespace arq {

using AgentFactory = std::function<std::unique_ptr<Agent>(const Config&, const EnvSpec&)>;

// Where a run stands, for TrainRequest::on_step.
struct TrainProgress {
  int64_t step = 0;  // environment steps done
  int64_t total_steps = 0;
  int64_t episodes = 0;
  double recent_return = 0.0;  // mean return of the recent training episodes (0 before any)
  double epsilon = 0.0;
};

struct TrainRequest {
  Config config;
  std::string run_dir;       // created if missing
  bool resume = false;       // continue from run_dir/checkpoints/checkpoint.json
  std::string command_line;  // recorded in the run folder
  bool quiet = false;        // no progress line
  // Stop (after checkpointing) once this many steps are done; -1 = run to the end. For tests
  // and for splitting long runs into sessions.
  int64_t stop_after_steps = -1;
  // Called after every environment step (keep it cheap: the Python binding polls Ctrl-C and its
  // progress callback here). Returning false stops the run at the next episode boundary with a
  // checkpoint, as stop_after_steps does, so a resume continues it.
  std::function<bool(const TrainProgress&)> on_step;
};

struct TrainSummary {
  std::string run_dir;
  int64_t steps = 0;
  int64_t episodes = 0;
  double final_eval_mean = 0.0;
  bool finished = false;
};

TrainSummary train(const TrainRequest& request, const AgentFactory& make_agent);

// The run folder name convention: <env>__<agent>__<seed>__<unix time>, '/' replaced by '-'.
std::string default_run_name(const Config& config);

}  // namespace arq
