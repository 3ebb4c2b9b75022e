#pragma once
// Running a trained local agent (ARQ or AD) over a sequence of observations for analysis: load a
// checkpoint, check that a rollout fits it, and step the acting path with a temporal context
// that is reset at every episode start and advanced at every observation (as if every step were
// greedy, so no stale context after ε-random steps). `arq q` writes the result as JSON lines.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "arq/agents/agent.h"
#include "arq/agents/local/local_agent.h"
#include "arq/agents/local/stack_probe.h"
#include "arq/analysis/rollout_observations.h"
#include "arq/core/config.h"
#include "arq/env/env.h"

namespace arq::analysis {

struct LocalCheckpoint {
  std::string run_dir;
  Config config;
  std::unique_ptr<Env> env;  // built from the run's config (for its spec, and for playing)
  int64_t step = 0;          // environment steps done when the checkpoint was written
  std::unique_ptr<Agent> agent;
  local::LocalAgent* local = nullptr;  // agent, as the local agent it is

  local::LayerStack& stack() { return local->learner().online(); }
  const local::StackOptions& stack_options() { return stack().options(); }
};

// Loads the last checkpoint of a run folder (or of its checkpoints/ folder). `command` names the
// caller in errors, e.g. "arq q". Throws arq::Error for a missing run or checkpoint and for a
// checkpoint of a non-local agent (DQN, SAC).
LocalCheckpoint load_local_checkpoint(const std::string& checkpoint, const std::string& command);

// Throws arq::Error naming the rollout file when it comes from another environment or its
// observations have another size.
void check_rollout_fits(const LocalCheckpoint& checkpoint, const RolloutObservations& rollout);

// Steps the stack over every observation in order; visit(i, probe) sees observation i's probe.
void probe_observations(local::LayerStack& stack, const RolloutObservations& observations,
                        const std::function<void(int64_t, const local::StackProbe&)>& visit);

// Plays the checkpoint's own policy (its context rule, ε-random actions with probability
// `epsilon`) for `steps` steps from env.reset(seed) and returns the observations it acted on.
RolloutObservations play_observations(LocalCheckpoint& checkpoint, int64_t steps, double epsilon,
                                      uint32_t seed);

// The `arq q` file: a header line, then per observation t, episode, line, every layer's Q
// [L][A], the layer-mean Q, the greedy action (first argmax of the mean) and every layer's h.
std::string q_trace_jsonl(LocalCheckpoint& checkpoint, const RolloutObservations& observations);

}  // namespace arq::analysis
