#include "arq/analysis/q_probe.h"

#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "arq/agents/epsilon_greedy.h"
#include "arq/core/error.h"
#include "arq/core/number_text.h"
#include "arq/train/trained_run.h"

namespace arq::analysis {
namespace {

// Shortest text that reads back as the same float.
void append_float(std::string& out, float value) {
  out += significant_digits(value, 9);
}

template <typename Row>
void append_row(std::string& out, const Row& row) {
  out.push_back('[');
  for (Eigen::Index j = 0; j < row.size(); ++j) {
    if (j > 0) out.push_back(',');
    append_float(out, row(j));
  }
  out.push_back(']');
}

}  // namespace

LocalCheckpoint load_local_checkpoint(const std::string& checkpoint, const std::string& command) {
  TrainedRun run = open_trained_run(checkpoint);
  const std::string agent = run.config.get_string("run.agent");
  if (agent != "arq" && agent != "ad") {
    throw Error("--checkpoint '" + checkpoint + "' holds a '" + agent + "' agent: " + command +
                " needs a local agent (arq or ad), whose per-layer Q-values it reads");
  }
  load_last_checkpoint(run);
  LocalCheckpoint out;
  out.run_dir = run.run_dir;
  out.config = std::move(run.config);
  out.env = std::move(run.env);
  out.agent = std::move(run.agent);
  out.step = run.meta.steps_done;
  out.local = dynamic_cast<local::LocalAgent*>(out.agent.get());
  if (out.local == nullptr) {
    throw Error("--checkpoint '" + checkpoint + "': " + command + " needs a local agent");
  }
  return out;
}

void check_rollout_fits(const LocalCheckpoint& checkpoint, const RolloutObservations& rollout) {
  const std::string trained_on = checkpoint.config.get_string("run.env");
  if (observation_env(rollout.env_id) != observation_env(trained_on)) {
    throw Error("rollout '" + rollout.path + "' line 1: env_id '" + rollout.env_id +
                "', but the checkpoint was trained on '" + trained_on + "'");
  }
  const int expected = checkpoint.env->spec().obs_size();
  if (rollout.observation_size != expected) {
    throw Error("rollout '" + rollout.path + "' line 1: observations have " +
                std::to_string(rollout.observation_size) + " values, but the checkpoint's " +
                trained_on + " agent expects " + std::to_string(expected));
  }
}

void probe_observations(local::LayerStack& stack, const RolloutObservations& observations,
                        const std::function<void(int64_t, const local::StackProbe&)>& visit) {
  if (observations.observation_size != stack.options().observation_size) {
    throw Error("observations have " + std::to_string(observations.observation_size) +
                " values, the stack expects " + std::to_string(stack.options().observation_size));
  }
  local::Context context, next;
  context.reset(stack.options(), 1);
  local::StackProbe probe;
  for (int64_t i = 0; i < observations.count(); ++i) {
    if (observations.starts[i]) context.reset(stack.options(), 1);
    const nn::ConstMatrixMap row(observations.row(i), 1, observations.observation_size);
    local::probe_step(stack, row, context, next, probe);
    std::swap(context, next);
    visit(i, probe);
  }
}

RolloutObservations play_observations(LocalCheckpoint& checkpoint, int64_t steps, double epsilon,
                                      uint32_t seed) {
  if (steps <= 0) throw Error("--play must be > 0, got " + std::to_string(steps));
  Env& env = *checkpoint.env;
  const int size = env.spec().obs_size();
  RolloutObservations out;
  out.path = "(played)";
  out.env_id = env.spec().id;
  out.observation_size = size;
  auto policy = checkpoint.agent->make_policy();
  std::mt19937_64 rng(seed);
  std::vector<float> observation(static_cast<size_t>(size));
  int episode = 0;
  bool start = true;
  env.reset(seed);
  for (int64_t t = 0; t < steps; ++t) {
    if (start) policy->begin_episode();
    env.observation(observation);
    out.values.insert(out.values.end(), observation.begin(), observation.end());
    out.times.push_back(t);
    out.episodes.push_back(episode);
    out.lines.push_back(0);
    out.starts.push_back(start ? 1 : 0);
    const int action =
        epsilon_greedy_action(*policy, observation, epsilon, env.spec().num_actions, rng);
    start = env.step(action).done();
    if (start) {
      env.reset();
      ++episode;
    }
  }
  return out;
}

std::string q_trace_jsonl(LocalCheckpoint& checkpoint, const RolloutObservations& observations) {
  check_rollout_fits(checkpoint, observations);
  local::LayerStack& stack = checkpoint.stack();
  const local::StackOptions& options = stack.options();
  const local::CellOptions& cell = options.cell;
  const nlohmann::json header = {
      {"type", "header"},
      {"format", "arq-q-1"},
      {"checkpoint_step", checkpoint.step},
      {"env_id", checkpoint.config.get_string("run.env")},
      {"agent", checkpoint.config.get_string("run.agent")},
      {"widths", options.widths},
      {"actions", cell.actions},
      {"goodness", local::to_string(cell.goodness)},
      {"action_code", local::to_string(cell.action_code)},
      {"action_conditioning", cell.action_conditioning},
      {"norm_order", local::to_string(cell.norm_order)},
      {"context", "zero at every reset record, advanced by every observation (all steps greedy)"},
      {"observations", observations.count()},
  };
  std::string out = header.dump() + "\n";
  const int layers = stack.layers();
  const int actions = cell.actions;
  Eigen::RowVectorXf mean_q(actions);
  probe_observations(stack, observations, [&](int64_t i, const local::StackProbe& probe) {
    out += "{\"t\":" + std::to_string(observations.times[i]) +
           ",\"episode\":" + std::to_string(observations.episodes[i]) +
           ",\"line\":" + std::to_string(observations.lines[i]) + ",\"q\":[";
    mean_q.setZero();
    for (int l = 0; l < layers; ++l) {
      if (l > 0) out.push_back(',');
      append_row(out, probe.q[l].row(0));
      mean_q += probe.q[l].row(0);
    }
    mean_q /= static_cast<float>(layers);
    out += "],\"q_mean\":";
    append_row(out, mean_q);
    int greedy = 0;
    for (int a = 1; a < actions; ++a) {
      if (mean_q(a) > mean_q(greedy)) greedy = a;  // first maximum, as acting does
    }
    out += ",\"greedy\":" + std::to_string(greedy) + ",\"h\":[";
    for (int l = 0; l < layers; ++l) {
      if (l > 0) out.push_back(',');
      append_row(out, probe.hidden[l].row(0));
    }
    out += "]}\n";
  });
  return out;
}

}  // namespace arq::analysis
