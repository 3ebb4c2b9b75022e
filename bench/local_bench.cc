// The local agents' hot paths at the papers' sizes: one full training update (contexts from
// 11-observation windows, online and target next-state passes, per-layer loss, local backward
// and Adam step) and the fused bilinear block. GFLOP/s counts 2 FLOP per multiply-accumulate of
// the minimal-computation model in docs/algorithms.md §13 (not the work actually done), so it is
// comparable across implementations: more is better only if the model is fixed.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "arq/agents/local/bilinear_block.h"
#include "arq/agents/local/local_agent.h"
#include "arq/agents/local/local_learner.h"
#include "arq/core/isa.h"
#include "arq/env/registry.h"
#include "arq/nn/gemm_bf16.h"
#include "arq/nn/precision.h"
#include "arq/replay/replay_buffer.h"

namespace arq::local {
namespace {

constexpr int kBatch = 512, kWindow = 11;

struct UpdateCase {
  int observation_size;
  int actions;
  std::vector<int> widths;
  CellKind kind;
  ActionCode code;
  bool binary_observations;  // MinAtar: 0/1 with a few percent set
  int threads = 1;
  nn::Precision precision = nn::Precision::kFp32;
};

StackOptions stack_options(const UpdateCase& c) {
  StackOptions options;
  options.observation_size = c.observation_size;
  options.widths = c.widths;
  options.cell = c.kind == CellKind::kArq ? CellOptions::arq(0, c.actions, c.code)
                                          : CellOptions::ad(0, c.actions);
  options.cell.precision = c.precision;
  return options;
}

// Multiply-accumulates of one update under the §13 model: 2·window h-path passes for the
// contexts, shared state projections for the online-next, target-next and loss passes, A + 1 + 1
// bilinear blocks per sample, and the backward of the taken action. X is counted as dense.
double model_macs(const StackOptions& options, int batch, int window) {
  const double b = batch, k = options.cell.heads, a = options.cell.actions;
  const bool arq = options.cell.kind == CellKind::kArq;
  double contexts = 0, shared = 0, per_action = 0, backward = 0;
  for (int l = 0; l < options.layers(); ++l) {
    const double d = options.input_width(l), h = options.widths[l];
    CellOptions cell = options.cell;
    cell.hidden = options.widths[l];
    const double e = cell.code_width(), z2 = cell.z2_width();
    contexts += 2.0 * window * d * h;
    shared += d * h + d * k * h + d * z2;
    // ARQ: the H×H block (K+1)·H² per action; AD: one row per action, K·H + H.
    const double block = arq ? (k + 1) * h * h : (k + 1) * h;
    per_action += block;
    backward += d * h + (d + e) * (k * h + z2) + (arq ? (2 + 2 * k) * h * h : (2 + 2 * k) * h);
  }
  const double online_next = shared + a * per_action;
  const double target_next = shared + per_action;
  const double loss_forward = shared + per_action;
  return b * (contexts + online_next + target_next + loss_forward + backward);
}

// Multiply-accumulates the implementation actually executes for one update (ARQ cells, code
// norm order), term by term as the code does it:
//  - products with X skip the observation's zeros when they are at most 25 % of it, so the
//    observation columns cost `nonzeros` (per row, measured on the batch) instead of S;
//  - each bilinear block does what the model counts plus, per state-action pair, Z1's K×K Gram
//    matrix (K(K+1)/2·H) and every row's σ from it (K²·H);
//  - the loss pass repeats the h-path of the last online context step (the model counts it
//    too), and the action-code rows are tabulated once per call (A·E·(K·H + K·H), negligible).
double executed_macs(const StackOptions& options, int batch, int window, double nonzeros) {
  const double b = batch, k = options.cell.heads, a = options.cell.actions;
  const double s = options.observation_size;
  const bool sparse = nonzeros <= LocalCell::kSparseDensityLimit * s;
  double contexts = 0, online_next = 0, target_next = 0, loss = 0, per_call = 0;
  for (int l = 0; l < options.layers(); ++l) {
    const double d = options.input_width(l), h = options.widths[l];
    CellOptions cell = options.cell;
    cell.hidden = options.widths[l];
    const double e = cell.code_width(), z = k * h + cell.z2_width();
    const bool has_observation = l == 0 || options.input_skip;
    const double active = sparse && has_observation ? d - s + nonzeros : d;
    const double forward_block = (k + 1) * h * h + k * (k + 1) / 2 * h + k * k * h;
    const double backward_block = (2 * k + 2) * h * h;
    contexts += 2.0 * window * active * h;
    const double shared = active * (h + z);
    online_next += shared + a * forward_block;
    target_next += shared + forward_block;
    loss += shared + forward_block + backward_block + active * (h + z) + e * z;
    per_call += 3 * a * e * z;
  }
  return b * (contexts + online_next + target_next + loss) + per_call;
}

// The kernels' ISA level (ARQ_ISA selects it) and the thread count, for the label.
std::string level_label(int threads) {
  return std::string(isa_name(active_isa_level())) + ", " + std::to_string(threads) +
         (threads == 1 ? " thread" : " threads");
}

// ", bf16 (avx512_bf16)" when the large products are bf16 (nn/gemm_bf16.h).
std::string precision_label(nn::Precision precision) {
  if (precision == nn::Precision::kFp32) return "";
  return ", bf16 (" + std::string(nn::bf16_kernel_name(nn::active_bf16_kernel())) + ")";
}

void BM_LocalUpdate(benchmark::State& state, UpdateCase c) {
  const StackOptions options = stack_options(c);
  LearnerOptions learner_options;
  learner_options.threads = c.threads;
  LocalLearner learner(options, learner_options, 1);
  std::mt19937 rng(7);
  const size_t s = static_cast<size_t>(c.observation_size);
  std::vector<float> windows(kBatch * kWindow * s), next(kBatch * s), rewards(kBatch),
      terminated(kBatch, 0.0f);
  std::vector<int> actions(kBatch);
  std::bernoulli_distribution bit(0.05);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto draw = [&] { return c.binary_observations ? (bit(rng) ? 1.0f : 0.0f) : normal(rng); };
  for (float& v : windows) v = draw();
  for (float& v : next) v = draw();
  for (int b = 0; b < kBatch; ++b) {
    actions[b] = static_cast<int>(rng() % c.actions);
    rewards[b] = static_cast<float>(rng() % 2);
  }
  const LocalBatch batch{kBatch,  kWindow, c.observation_size, windows, next,
                         actions, rewards, terminated};
  learner.update(batch);  // warm-up: buffers reach their steady size
  for (auto _ : state) {
    const auto metrics = learner.update(batch);
    benchmark::DoNotOptimize(metrics.data());
  }
  state.SetLabel(level_label(c.threads) + precision_label(c.precision));
  const double model = model_macs(options, kBatch, kWindow);
  state.counters["GFLOP/s(model)"] =
      benchmark::Counter(2.0 * model * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GMAC(model)"] = model * 1e-9;
  if (c.kind == CellKind::kArq) {
    size_t nonzeros = 0;
    for (const float v : windows) nonzeros += v != 0.0f;
    for (const float v : next) nonzeros += v != 0.0f;
    const double per_row = static_cast<double>(nonzeros) / (kBatch * (kWindow + 1.0));
    const double executed = executed_macs(options, kBatch, kWindow, per_row);
    state.counters["GMAC(executed)"] = executed * 1e-9;
    state.counters["GFLOP/s(executed)"] =
        benchmark::Counter(2.0 * executed * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["executed/model"] = executed / model;
    // The same implementation on a dense observation: its own overhead over the model.
    state.counters["executed/model(dense)"] =
        executed_macs(options, kBatch, kWindow, c.observation_size) / model;
  }
}

BENCHMARK_CAPTURE(BM_LocalUpdate, arq_breakout,
                  UpdateCase{400, 3, {400, 200, 200}, CellKind::kArq, ActionCode::kOneHot, true})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_LocalUpdate, arq_breakout_bf16,
                  UpdateCase{400,
                             3,
                             {400, 200, 200},
                             CellKind::kArq,
                             ActionCode::kOneHot,
                             true,
                             1,
                             nn::Precision::kBf16})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_LocalUpdate, arq_seaquest,
                  UpdateCase{1000, 6, {400, 200, 200}, CellKind::kArq, ActionCode::kOneHot, true})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_LocalUpdate, arq_walker,
                  UpdateCase{24, 64, {128, 96, 96}, CellKind::kArq, ActionCode::kBinary, false})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_LocalUpdate, arq_breakout_2threads,
                  UpdateCase{400, 3, {400, 200, 200}, CellKind::kArq, ActionCode::kOneHot, true, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LocalUpdate, arq_walker_2threads,
                  UpdateCase{24, 64, {128, 96, 96}, CellKind::kArq, ActionCode::kBinary, false, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_LocalUpdate, ad_breakout,
                  UpdateCase{400, 3, {128, 96, 96}, CellKind::kAd, ActionCode::kOneHot, true})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// The CPU preset (configs/arq-minatar-cpu.toml: ARQ on Breakout, widths 64/48/48, batch 64,
// 10 past observations, train every 4 steps) on real observations: a replay buffer filled by
// 20k steps of uniformly random play, sampled like the trainer samples it. Two counters give
// the projected cost of a 1M-step run: one acting step per env step plus one update every 4.
constexpr int kPresetTrainFrequency = 4;
constexpr double kPresetSteps = 1e6;

LocalAgentOptions cpu_preset_options(int observation_size, int actions,
                                     nn::Precision precision = nn::Precision::kFp32) {
  LocalAgentOptions o;
  o.stack.widths = {64, 48, 48};
  o.stack.observation_size = observation_size;
  o.stack.cell = CellOptions::arq(0, actions, ActionCode::kOneHot);
  o.stack.cell.precision = precision;
  o.learner.adam.learning_rate = 1e-4f;
  o.learner.adam.max_grad_norm = 1.0f;
  o.batch_size = 64;
  o.context_window = 10;
  o.seed = 3;
  return o;
}

struct RandomPlay {
  std::unique_ptr<replay::ReplayBuffer> replay;
  std::vector<float> observations;  // [steps, S] in play order (for acting)
  std::vector<bool> episode_start;  // per step
  int observation_size = 0, actions = 0;
};

const RandomPlay& breakout_random_play() {
  static const RandomPlay play = [] {
    constexpr int kSteps = 20000;
    RandomPlay p;
    std::unique_ptr<Env> env = make_env("minatar/breakout-v1");
    p.observation_size = env->spec().obs_size();
    p.actions = env->spec().num_actions;
    replay::ReplayConfig config;
    config.capacity = kSteps;
    config.obs_shape = env->spec().obs_shape;
    config.binary_observations = true;
    p.replay = std::make_unique<replay::ReplayBuffer>(config);
    std::mt19937 rng(11);
    env->reset(5);
    std::vector<float> obs(p.observation_size), next(p.observation_size);
    env->observation(obs);
    bool start = true;
    for (int t = 0; t < kSteps; ++t) {
      p.observations.insert(p.observations.end(), obs.begin(), obs.end());
      p.episode_start.push_back(start);
      const int action = static_cast<int>(rng() % p.actions);
      const StepResult result = env->step(action);
      env->observation(next);
      p.replay->add(obs, action, static_cast<float>(result.reward), next, result.terminated,
                    result.truncated);
      start = result.done();
      if (start) env->reset();
      env->observation(obs);
    }
    return p;
  }();
  return play;
}

void cpu_preset_update(benchmark::State& state, nn::Precision precision) {
  const RandomPlay& play = breakout_random_play();
  LocalAgent agent(cpu_preset_options(play.observation_size, play.actions, precision));
  std::mt19937_64 rng(1);
  for (int i = 0; i < 3; ++i) agent.update(*play.replay, rng);  // buffers reach steady size
  // A run spends all but its first ~1,700 updates with Adam's bias corrections at exactly 1.
  for (int l = 0; l < agent.learner().online().layers(); ++l) {
    nn::OptimizerState adam = agent.learner().optimizer(l).export_state();
    adam.step = 100000;
    agent.learner().optimizer(l).import_state(adam);
  }
  for (auto _ : state) {
    const Metrics metrics = agent.update(*play.replay, rng);
    benchmark::DoNotOptimize(metrics.size());
  }
  const LocalAgentOptions options = cpu_preset_options(play.observation_size, play.actions);
  state.SetLabel(level_label(options.learner.threads) + precision_label(precision));
  size_t nonzeros = 0;
  for (const float v : play.observations) nonzeros += v != 0.0f;
  const double per_row = static_cast<double>(nonzeros) / play.episode_start.size();
  const int window = options.context_window + 1;
  const double model = model_macs(options.stack, options.batch_size, window);
  const double executed = executed_macs(options.stack, options.batch_size, window, per_row);
  state.counters["GMAC(model)"] = model * 1e-9;
  state.counters["GMAC(executed)"] = executed * 1e-9;
  state.counters["GFLOP/s(executed)"] =
      benchmark::Counter(2.0 * executed * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per update times updates per 1M steps (kInvert turns the rate into a time).
  state.counters["s_per_1M_steps(updates)"] = benchmark::Counter(
      kPresetTrainFrequency / kPresetSteps,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
void BM_CpuPresetUpdate(benchmark::State& state) {
  cpu_preset_update(state, nn::Precision::kFp32);
}
BENCHMARK(BM_CpuPresetUpdate)->Unit(benchmark::kMillisecond)->MinTime(2.0);
// The same with nn.precision = bf16.
void BM_CpuPresetUpdateBf16(benchmark::State& state) {
  cpu_preset_update(state, nn::Precision::kBf16);
}
BENCHMARK(BM_CpuPresetUpdateBf16)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// One greedy step of the training policy (batch 1: every layer, every action, context update)
// on consecutive observations of the recorded play, resetting the context at episode starts.
void BM_CpuPresetAct(benchmark::State& state) {
  const RandomPlay& play = breakout_random_play();
  LocalAgent agent(cpu_preset_options(play.observation_size, play.actions));
  const std::unique_ptr<Policy> policy = agent.make_policy();
  const size_t s = static_cast<size_t>(play.observation_size);
  const size_t steps = play.episode_start.size();
  size_t t = 0;
  int sum = 0;
  for (auto _ : state) {
    if (play.episode_start[t]) policy->begin_episode();
    sum += policy->act_greedy(std::span<const float>(play.observations.data() + t * s, s));
    t = (t + 1) % steps;
  }
  benchmark::DoNotOptimize(sum);
  state.counters["s_per_1M_steps(acting)"] =
      benchmark::Counter(1.0 / kPresetSteps, benchmark::Counter::kIsIterationInvariantRate |
                                                 benchmark::Counter::kInvert);
}
BENCHMARK(BM_CpuPresetAct)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// One state-action pair's block, forward only and forward + backward. GFLOP/s over (K+1)·H²
// multiply-accumulates (plus H² tanh that the count ignores).
void BM_BilinearBlock(benchmark::State& state) {
  const int hidden = static_cast<int>(state.range(0)), heads = 8;
  const bool backward = state.range(1) != 0;
  const NormOrder order = state.range(2) != 0 ? NormOrder::kPaper : NormOrder::kCode;
  BilinearBlock block(heads, hidden, hidden, order);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> z2(heads * hidden), h(hidden), y(hidden), scale(hidden, 1.0f),
      bias(hidden, 0.0f), saved(static_cast<size_t>(hidden) * block.stride()),
      grad_z1(static_cast<size_t>(heads) * block.stride()), grad_z2(heads * hidden), grad_h(hidden),
      grad_scale(hidden), grad_bias(hidden);
  for (float& v : z2) v = normal(rng);
  for (float& v : h) v = normal(rng);
  for (int i = 0; i < heads * block.stride(); ++i) block.z1()[i] = normal(rng);
  block.set_affine(scale.data(), bias.data());
  for (auto _ : state) {
    block.prepare();
    block.forward(z2.data(), hidden, hidden, h.data(), y.data(), backward ? saved.data() : nullptr);
    if (backward) {
      block.backward(z2.data(), hidden, hidden, h.data(), y.data(), grad_z1.data(), grad_z2.data(),
                     hidden, grad_h.data(), grad_scale.data(), grad_bias.data(), saved.data());
    }
    benchmark::DoNotOptimize(y.data());
  }
  const double macs = (heads + 1.0) * hidden * hidden;
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BilinearBlock)
    ->ArgNames({"H", "backward", "paper"})
    ->Args({400, 0, 0})
    ->Args({200, 0, 0})
    ->Args({128, 0, 0})
    ->Args({96, 0, 0})
    ->Args({400, 1, 0})
    ->Args({128, 1, 0})
    ->Args({400, 0, 1});

}  // namespace
}  // namespace arq::local
