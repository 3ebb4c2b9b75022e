// arq play: a few episodes with a uniformly random policy, printing each return.
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/core/numpy_random.h"
#include "arq/env/registry.h"

namespace arq::cli {
namespace {

struct PlayArgs {
  std::string env_id = "minatar/breakout-v1";
  uint32_t seed = 0;
  int episodes = 5;
};

void run_play(const PlayArgs& args) {
  if (args.episodes <= 0) throw Error("--episodes must be > 0, got " + std::to_string(args.episodes));
  auto env = make_env(args.env_id);
  NumpyRandomState policy(10000u + args.seed);
  env->reset(args.seed);
  double total = 0.0;
  for (int episode = 0; episode < args.episodes; ++episode) {
    if (episode > 0) env->reset();
    double episode_return = 0.0;
    int64_t length = 0;
    for (;; ++length) {
      const StepResult result =
          env->step(static_cast<int>(policy.randint(env->spec().num_actions)));
      episode_return += result.reward;
      if (result.done()) break;
    }
    total += episode_return;
    std::printf("%s episode %d: return %g, length %lld\n", args.env_id.c_str(), episode,
                episode_return, static_cast<long long>(length + 1));
  }
  std::printf("mean return of a uniformly random policy over %d episodes: %g\n", args.episodes,
              total / args.episodes);
}

}  // namespace

void add_play_command(CLI::App& app) {
  auto args = std::make_shared<PlayArgs>();
  CLI::App* cmd = app.add_subcommand("play", "Play episodes with a uniformly random policy");
  cmd->add_option("--env", args->env_id, "Environment id");
  cmd->add_option("--seed", args->seed, "Environment seed");
  cmd->add_option("--episodes", args->episodes, "Number of episodes");
  cmd->callback([args] { run_play(*args); });
}

}  // namespace arq::cli
