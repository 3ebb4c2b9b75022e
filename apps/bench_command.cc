// arq bench: speed measurements. `arq bench env` times env steps (act + observation) per game
// or DMC task (control steps, with uniformly random continuous actions).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <span>
#include <vector>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/core/numpy_random.h"
#include "arq/env/minatar/minatar_env.h"
#include "arq/env/registry.h"

namespace arq::cli {
namespace {

struct EnvBenchArgs {
  std::vector<std::string> env_ids;
  int64_t steps = 2'000'000;
  int repeats = 5;
  bool float_obs = false;
};

// Mirrors the Python reference benchmark: sticky 0.1, ramping on, seed 1, uniformly random
// actions over the env's action set drawn before timing, reset on terminal inside the loop,
// 500 untimed warm-up steps, median of the repeats.
double steps_per_second(const std::string& id, const EnvBenchArgs& args, int repeat) {
  auto env = make_env(id);
  env->reset(1);
  NumpyRandomState action_rng(123 + repeat);
  const bool continuous = !env->spec().discrete();
  // Continuous envs (DMC): uniform actions in [-1, 1]^d from a pool drawn before timing, reused
  // cyclically so long runs need no per-step drawing or huge buffers.
  const int64_t action_count =
      continuous ? std::min<int64_t>(args.steps + 500, 4096) : args.steps + 500;
  const auto dim = static_cast<size_t>(env->spec().action_dim);
  std::vector<int> actions(continuous ? 0 : action_count);
  for (int& a : actions) a = static_cast<int>(action_rng.randint(env->spec().num_actions));
  std::vector<double> continuous_actions(continuous ? action_count * dim : 0);
  for (double& a : continuous_actions) a = action_rng.uniform(-1.0, 1.0);
  std::vector<float> obs(env->spec().obs_size());
  auto* minatar = dynamic_cast<minatar::MinAtarEnv*>(env.get());
  uint64_t checksum = 0;
  auto play = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const StepResult result =
          continuous ? env->step_continuous(std::span<const double>(continuous_actions)
                                                .subspan((i % action_count) * dim, dim))
                     : env->step(actions[i]);
      if (args.float_obs || minatar == nullptr) {
        env->observation(obs);
        checksum += obs[i % obs.size()] > 0.5f;
      } else {
        checksum += minatar->grid()[i % minatar->grid().size()];
      }
      if (result.done()) env->reset();
    }
  };
  play(0, 500);
  const auto start = std::chrono::steady_clock::now();
  play(500, 500 + args.steps);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (checksum == 0xFFFFFFFFFFFFFFFFull) std::puts("");  // keeps the work observable
  return static_cast<double>(args.steps) / seconds;
}

void run_env_bench(const EnvBenchArgs& args) {
  if (args.steps <= 0) throw Error("--steps must be > 0, got " + std::to_string(args.steps));
  if (args.repeats <= 0) throw Error("--repeats must be > 0, got " + std::to_string(args.repeats));
  std::vector<std::string> ids = args.env_ids;
  if (ids.empty()) {
    for (const auto& id : env_ids()) {
      if (id.ends_with("-v0")) ids.push_back(id);  // all six actions, as the Python benchmark
    }
  }
  std::printf("%-30s %14s   %s\n", "env", "steps/s", "(runs)");
  for (const auto& id : ids) {
    std::vector<double> rates;
    for (int r = 0; r < args.repeats; ++r) rates.push_back(steps_per_second(id, args, r));
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    std::string runs;
    for (double rate : rates) runs += (runs.empty() ? "" : ", ") + std::to_string(lround(rate));
    std::printf("%-30s %14.0f   (%s)\n", id.c_str(), sorted[sorted.size() / 2], runs.c_str());
    std::fflush(stdout);
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Speed benchmarks");
  bench->require_subcommand(1);
  auto env_args = std::make_shared<EnvBenchArgs>();
  CLI::App* env_cmd = bench->add_subcommand(
      "env", "Environment steps per second, single thread (act + observation, reset on done)");
  env_cmd->add_option("--env", env_args->env_ids, "Environment ids (default: every MinAtar v0)");
  env_cmd->add_option("--steps", env_args->steps, "Timed steps per repeat");
  env_cmd->add_option("--repeats", env_args->repeats, "Repeats; the median is reported");
  env_cmd->add_flag("--float-obs", env_args->float_obs,
                    "Also convert every observation to floats (the network input)");
  env_cmd->callback([env_args] { run_env_bench(*env_args); });
}

}  // namespace arq::cli
