// arq eval: load a run's last checkpoint and evaluate its greedy (epsilon) policy.
#include <cstdio>
#include <memory>
#include <random>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/train/evaluation.h"
#include "arq/train/trained_run.h"

namespace arq::cli {
namespace {

struct EvalArgs {
  std::string checkpoint;
  int64_t episodes = 10;
  double epsilon = 0.05;
  uint32_t seed = 12345;
  int64_t max_steps = 27'000;
};

void run_eval(const EvalArgs& args) {
  if (args.episodes <= 0)
    throw Error("--episodes must be > 0, got " + std::to_string(args.episodes));
  if (!(args.epsilon >= 0.0 && args.epsilon <= 1.0)) {
    throw Error("--epsilon must be in [0, 1], got " + std::to_string(args.epsilon));
  }
  if (args.max_steps <= 0) {
    throw Error("--max-steps must be > 0, got " + std::to_string(args.max_steps));
  }
  TrainedRun run = open_trained_run(args.checkpoint);
  load_last_checkpoint(run);
  auto policy = run.agent->make_policy();
  run.env->reset(args.seed);
  std::mt19937_64 rng(args.seed);
  const EvalResult result =
      evaluate(*run.env, *policy, EvalSettings{args.episodes, args.epsilon, args.max_steps}, rng);
  for (size_t i = 0; i < result.returns.size(); ++i) {
    std::printf("episode %zu: return %g, length %lld\n", i, result.returns[i],
                static_cast<long long>(result.lengths[i]));
  }
  std::printf("%s %s at step %lld: mean return %.3f +- %.3f (std) over %lld episodes, epsilon %g\n",
              run.config.get_string("run.agent").c_str(), run.config.get_string("run.env").c_str(),
              static_cast<long long>(run.meta.steps_done), result.mean(), result.stddev(),
              static_cast<long long>(args.episodes), args.epsilon);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate the last checkpoint of a run");
  cmd->add_option("--checkpoint", args->checkpoint, "Run folder (or its checkpoints/ folder)")
      ->required();
  cmd->add_option("--episodes", args->episodes, "Episodes to play");
  cmd->add_option("--epsilon", args->epsilon, "Exploration of the evaluation policy (0: greedy)");
  cmd->add_option("--seed", args->seed, "Seed of the evaluation environment and epsilon draws");
  cmd->add_option("--max-steps", args->max_steps, "Step cap per episode");
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace arq::cli
