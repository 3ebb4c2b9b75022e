// TD-MPC2 on walker-walk's shapes (observation 24, action 6): one acting decision (MPPI with the
// official planning settings, or the policy prior alone) and one update at batch 256, for model
// sizes 1 and 5 (Arg). Decisions/s = 1 / the time per iteration.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "arq/agents/tdmpc2/tdmpc2_agent.h"
#include "arq/replay/replay_buffer.h"

namespace arq::tdmpc2 {
namespace {

constexpr int kObs = 24;
constexpr int kActions = 6;

Tdmpc2Options walker_options(int model_size, bool mpc) {
  Tdmpc2Options o;
  o.shape = model_shape_for_size(model_size);
  o.shape.obs_size = kObs;
  o.shape.action_dim = kActions;
  o.mpc = mpc;
  o.batch_size = 256;
  o.seed = 1;
  return o;
}

void act(benchmark::State& state, bool mpc) {
  Tdmpc2Agent agent(walker_options(static_cast<int>(state.range(0)), mpc));
  auto policy = agent.make_policy();
  std::mt19937_64 rng(1);
  std::vector<float> obs(kObs, 0.1f), action(kActions);
  policy->begin_episode();
  policy->act_continuous(obs, true, rng, action);  // the first decision sizes every buffer
  for (auto _ : state) {
    policy->act_continuous(obs, true, rng, action);
    obs[0] = action[0];  // keep the input moving
  }
  state.counters["decisions/s"] =
      benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Tdmpc2Plan(benchmark::State& state) {
  act(state, true);
}
void BM_Tdmpc2Prior(benchmark::State& state) {
  act(state, false);
}

void BM_Tdmpc2Update(benchmark::State& state) {
  Tdmpc2Agent agent(walker_options(static_cast<int>(state.range(0)), false));
  replay::ReplayConfig config;
  config.capacity = 4000;
  config.obs_shape = {kObs};
  config.action_dim = kActions;
  replay::ReplayBuffer replay(config);
  std::mt19937_64 rng(2);
  std::vector<float> obs(kObs), next(kObs), action(kActions);
  for (int step = 0; step < 3000; ++step) {
    for (float& v : next) v = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-53);
    for (float& v : action)
      v = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1);
    replay.add_continuous(obs, action, next[0], next, false, step % 500 == 499);
    obs = next;
  }
  agent.update(replay, rng);  // the first update sizes every buffer
  for (auto _ : state) {
    agent.update(replay, rng);
    agent.sync_target();
  }
}

BENCHMARK(BM_Tdmpc2Plan)->Arg(1)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Tdmpc2Prior)->Arg(1)->Arg(5)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Tdmpc2Update)->Arg(1)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace arq::tdmpc2
