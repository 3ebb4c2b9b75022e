// arq rollout: plays an environment with given actions or a seeded uniform policy and writes
// every step as JSON lines, in the format of the MinAtar reference harness (minatar/ ids) or of
// dm_control control steps (dmc/ ids, see arq/env/dmc/rollout.h).
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/env/dmc/dmc_env.h"
#include "arq/env/dmc/dmc_ids.h"
#include "arq/env/dmc/rollout.h"
#include "arq/env/minatar/rollout.h"

namespace arq::cli {
namespace {

struct RolloutArgs {
  std::string env_id;
  uint32_t seed = 0;
  std::string actions_path;
  std::string policy = "uniform";
  std::optional<uint32_t> policy_seed;
  std::optional<int64_t> steps;
  std::string out = "-";
  double sticky = 0.1;
  bool no_ramping = false;
  bool physics = false;
};

// Where the actions come from, the same for both environment families: a file of actions
// (`values_per_step` numbers each; the step count defaults to all of them), or the seeded
// uniform policy for `--steps` steps.
template <class Request, class ReadActions>
void choose_actions(const RolloutArgs& args, int64_t values_per_step, ReadActions read_actions,
                    Request& request) {
  if (!args.actions_path.empty()) {
    request.actions = read_actions(args.actions_path);
    request.steps =
        args.steps.value_or(static_cast<int64_t>(request.actions->size()) / values_per_step);
  } else {
    if (args.policy != "uniform") {
      throw Error("--policy '" + args.policy + "': expected 'uniform' (or give --actions FILE)");
    }
    if (!args.steps) throw Error("--steps is required with --policy uniform");
    request.steps = *args.steps;
    request.policy_seed = args.policy_seed.value_or(10000u + args.seed);
  }
  if (request.steps < 0) throw Error("--steps must be >= 0, got " + std::to_string(request.steps));
}

void run_dmc_rollout(const RolloutArgs& args) {
  const std::string task = args.env_id.substr(4);
  if (task.find(':') != std::string::npos) {
    throw Error("--env '" + args.env_id +
                "': rollout writes dm_control control steps; give the plain task id (dmc/<task>) "
                "without :bangbang or :repeat suffixes");
  }
  const dmc::DmcEnv probe(task);  // validates the task and gives the action dimension
  dmc::RolloutRequest request;
  request.task = task;
  request.seed = args.seed;
  request.physics = args.physics;
  const int action_dim = probe.spec().action_dim;
  choose_actions(
      args, action_dim,
      [&](const std::string& path) { return dmc::read_action_file(path, action_dim); }, request);
  TextWriter out(args.out);
  const auto summary = dmc::write_rollout(request, out);
  out.close();
  std::fprintf(stderr, "%s seed %u: %lld steps, %d episodes completed, total reward %.17g\n",
               args.env_id.c_str(), args.seed, static_cast<long long>(summary.steps),
               summary.episodes_completed, summary.total_reward);
}

void run_rollout(const RolloutArgs& args) {
  if (dmc::is_dmc_id(args.env_id)) {
    run_dmc_rollout(args);
    return;
  }
  auto config = minatar::parse_minatar_id(args.env_id);
  if (!config) {
    throw Error("--env '" + args.env_id +
                "': rollout supports minatar/<game>-v0|v1 (games: asterix, breakout, freeway, "
                "seaquest, space_invaders) and dmc/<task> (walker-walk, walker-run, hopper-hop, "
                "cheetah-run, reacher-hard)");
  }
  config->sticky_action_prob = args.sticky;
  config->difficulty_ramping = !args.no_ramping;
  minatar::RolloutRequest request;
  request.config = *config;
  request.seed = args.seed;
  choose_actions(args, 1, minatar::read_action_file, request);
  TextWriter out(args.out);
  const auto summary = minatar::write_rollout(request, out);
  out.close();
  std::fprintf(stderr, "%s seed %u: %lld steps, %d episodes completed, total reward %g\n",
               args.env_id.c_str(), args.seed, static_cast<long long>(summary.steps),
               summary.episodes_completed, summary.total_reward);
}

}  // namespace

void add_rollout_command(CLI::App& app) {
  auto args = std::make_shared<RolloutArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rollout", "Play an environment and write every step as JSON lines (.jsonl or .jsonl.gz)");
  cmd->add_option("--env", args->env_id,
                  "Environment id, e.g. minatar/breakout-v1 or dmc/walker-walk")
      ->required();
  cmd->add_option("--seed", args->seed, "Environment seed (seed, then reset)")->required();
  auto* actions = cmd->add_option("--actions", args->actions_path,
                                  "File with one action per line: an index (MinAtar) or "
                                  "space-separated floats, one control step (DMC)");
  cmd->add_option("--policy", args->policy, "Policy when no --actions: uniform")->excludes(actions);
  cmd->add_option("--policy-seed", args->policy_seed,
                  "Seed of the uniform policy's RandomState (default 10000 + seed)")
      ->excludes(actions);
  cmd->add_option("--steps", args->steps, "Number of steps (default: all actions in the file)");
  cmd->add_option("--out", args->out, "Output file; '-' for stdout, '.gz' to compress");
  cmd->add_option("--sticky", args->sticky, "Sticky-action probability")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--no-ramping", args->no_ramping, "Disable difficulty ramping");
  cmd->add_flag("--physics", args->physics, "DMC: add qpos and qvel to every record");
  cmd->callback([args] { run_rollout(*args); });
}

}  // namespace arq::cli
