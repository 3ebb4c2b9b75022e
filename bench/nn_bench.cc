// Network kernels: the GEMM entry point at shapes the agents use, and MinAtar's DQN
// (conv 16 3x3 -> 128 -> A) forward/backward/update at batch 32. Compare GFLOP/s with
// BM_Fp32FmaPeak.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>

#include "arq/core/isa.h"
#include "arq/nn/activation.h"
#include "arq/nn/conv3x3.h"
#include "arq/nn/gemm.h"
#include "arq/nn/gemm_backends.h"
#include "arq/nn/gemm_bf16.h"
#include "arq/nn/linear.h"
#include "arq/nn/loss.h"
#include "arq/nn/rmsprop.h"
#include "arq/nn/rng.h"
#include "arq/nn/sequential.h"

namespace arq::nn {
namespace {

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-1, 1));
  return m;
}

void set_gflops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

enum Backend : int64_t { kDispatch = 0, kEigen = 1, kPacked = 2, kThin = 3, kPackedAvx2 = 4 };

// C[M×N] = op(A)·op(B) with inner size K. Args: M, K, N, transpose_a, transpose_b, backend
// (0: nn::gemm as the layers call it, 1: Eigen's product, 2: the packed kernel at the active ISA
// level, 3: the thin-shape loops, 4: the packed kernel at the AVX2 level). The label names the
// level in use.
void BM_Gemm(benchmark::State& state) {
  const Eigen::Index m = state.range(0), k = state.range(1), n = state.range(2);
  const bool ta = state.range(3) != 0, tb = state.range(4) != 0;
  const auto backend = static_cast<Backend>(state.range(5));
  // 4: the packed kernel with the AVX2 micro-kernel, whatever the active level.
  std::optional<ScopedIsaLevel> level;
  if (backend == kPackedAvx2) level.emplace(IsaLevel::kAvx2);
  state.SetLabel(std::string(isa_name(active_isa_level())));
  Rng rng(1);
  const Matrix a = ta ? random_matrix(k, m, rng) : random_matrix(m, k, rng);
  const Matrix b = tb ? random_matrix(n, k, rng) : random_matrix(k, n, rng);
  Matrix c = Matrix::Zero(m, n);
  for (auto _ : state) {
    if (backend == kDispatch) {
      gemm(a, ta ? Transpose::kYes : Transpose::kNo, b, tb ? Transpose::kYes : Transpose::kNo, c);
    } else if (backend == kEigen) {
      detail::gemm_eigen(a, ta, b, tb, c, 1.0f, 0.0f);
    } else if (backend == kPacked || backend == kPackedAvx2) {
      detail::gemm_packed(a, ta, b, tb, c, 1.0f, 0.0f);
    } else {
      detail::gemm_thin(a, ta, b, tb, c, 1.0f, 0.0f);
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_gflops(state, 2.0 * m * k * n);
}

// NN is a layer's forward (x·W); TN its weight gradient (xᵀ·dy); NT its input gradient (dy·Wᵀ).
void gemm_shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"M", "K", "N", "tA", "tB", "backend"});
  const int64_t shapes[][5] = {
      {512, 1024, 1024, 0, 0}, {32, 400, 400, 0, 0},   {4096, 320, 128, 0, 0},
      {32, 1600, 400, 0, 0},   {256, 1600, 400, 0, 0}, {192, 600, 200, 0, 0},
      {32, 1024, 128, 0, 0},   {2048, 36, 16, 0, 0},   {1024, 512, 1024, 1, 0},
      {512, 1024, 1024, 0, 1}, {400, 32, 400, 1, 0},   {32, 400, 400, 0, 1}};
  for (const auto& s : shapes) {
    for (int64_t backend : {kDispatch, kEigen, kPacked, kPackedAvx2}) {
      bench->Args({s[0], s[1], s[2], s[3], s[4], backend});
    }
  }
  // Thin shapes: acting at batch 1, small output layers, a 1-wide head.
  const int64_t thin_shapes[][5] = {{1, 1600, 400, 0, 0}, {1, 1024, 128, 0, 0}, {1, 128, 18, 0, 0},
                                    {32, 128, 3, 0, 0},   {512, 128, 3, 0, 0},  {32, 128, 6, 0, 0},
                                    {32, 128, 18, 0, 0},  {512, 128, 18, 0, 0}, {512, 400, 1, 0, 0},
                                    {128, 32, 3, 1, 0},   {128, 32, 18, 1, 0},  {32, 3, 128, 0, 1}};
  for (const auto& s : thin_shapes) {
    for (int64_t backend : {kDispatch, kEigen, kPacked, kThin}) {
      bench->Args({s[0], s[1], s[2], s[3], s[4], backend});
    }
  }
}
BENCHMARK(BM_Gemm)->Apply(gemm_shapes);

enum Bf16Case : int64_t { kFp32 = 0, kBf16Packed = 1, kBf16PerCall = 2, kBf16Emulated = 3 };

// The local agents' large products in both precisions: C[M×N] = op(A)·B. Args: M, K, N,
// transpose_a, case (0: fp32 nn::gemm; 1: bf16 with B packed once, as the weights are; 2: bf16
// with B rounded and packed per call, as the weight gradients' dL/dZ are; 3: as 1 with the
// emulation). The label names the kernel.
void BM_GemmBf16(benchmark::State& state) {
  const Eigen::Index m = state.range(0), k = state.range(1), n = state.range(2);
  const bool ta = state.range(3) != 0;
  const auto which = static_cast<Bf16Case>(state.range(4));
  Rng rng(1);
  const Matrix a = ta ? random_matrix(k, m, rng) : random_matrix(m, k, rng);
  const Matrix b = random_matrix(k, n, rng);
  const Transpose t = ta ? Transpose::kYes : Transpose::kNo;
  Matrix c = Matrix::Zero(m, n);
  Bf16Panels panels;
  panels.pack(b);
  const Bf16Kernel kernel = which == kBf16Emulated ? Bf16Kernel::kEmulated : active_bf16_kernel();
  for (auto _ : state) {
    if (which == kFp32) {
      gemm(a, t, b, Transpose::kNo, c);
    } else if (which == kBf16PerCall) {
      gemm_bf16(a, t, b, c);
    } else {
      detail::gemm_bf16_with(kernel, a, t, panels, c, 1.0f, 0.0f);
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(which == kFp32 ? "fp32 " + std::string(isa_name(active_isa_level()))
                                : std::string("bf16 ") + bf16_kernel_name(kernel));
  set_gflops(state, 2.0 * m * k * n);
}

// Paper-scale Breakout (B = 512, H = 400/200/200, K = 8: the dense depth of layer 0 is 600, of
// layer 1 800) and the CPU preset (B = 64, H = 64/48/48: depths 112 and 160): X·W_h, X·W_1,
// and the weight gradient Xᵀ·dZ.
void gemm_bf16_shapes(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"M", "K", "N", "tA", "case"});
  const int64_t shapes[][4] = {{512, 600, 400, 0},  {512, 600, 3200, 0}, {512, 800, 1600, 0},
                               {600, 512, 3200, 1}, {64, 112, 64, 0},    {64, 112, 512, 0},
                               {64, 160, 384, 0},   {112, 64, 512, 1}};
  for (const auto& s : shapes) {
    for (int64_t which : {kFp32, kBf16Packed, kBf16PerCall}) {
      bench->Args({s[0], s[1], s[2], s[3], which});
    }
  }
  bench->Args({512, 600, 3200, 0, kBf16Emulated});
}
BENCHMARK(BM_GemmBf16)->Apply(gemm_bf16_shapes);

// MinAtar's DQN on a 10x10xC observation with A actions.
struct Dqn {
  Dqn(Eigen::Index channels, Eigen::Index actions) {
    Rng rng(0);
    net.add<Conv3x3>("conv", 10, 10, channels, 16).initialize(Init::kTorchDefault, rng);
    net.add<Relu>(8 * 8 * 16);
    net.add<Linear>("fc_hidden", 8 * 8 * 16, 128).initialize(Init::kTorchDefault, rng);
    net.add<Relu>(128);
    net.add<Linear>("output", 128, actions).initialize(Init::kTorchDefault, rng);
  }
  // Multiply-accumulates of one forward pass per example.
  static double forward_macs(Eigen::Index channels, Eigen::Index actions) {
    return 64.0 * 9 * channels * 16 + 1024.0 * 128 + 128.0 * actions;
  }
  Sequential net;
};

// Args: batch, channels, actions (Breakout: 4 channels, 3 actions; Seaquest: 10, 18).
void BM_DqnForward(benchmark::State& state) {
  const Eigen::Index batch = state.range(0), channels = state.range(1), actions = state.range(2);
  Dqn dqn(channels, actions);
  Rng rng(2);
  const Matrix observations = random_matrix(batch, 100 * channels, rng).cwiseMax(0.0f);
  for (auto _ : state) benchmark::DoNotOptimize(dqn.net.forward(observations).data());
  set_gflops(state, 2.0 * batch * Dqn::forward_macs(channels, actions));
}
BENCHMARK(BM_DqnForward)
    ->ArgNames({"B", "C", "A"})
    ->Args({1, 4, 3})
    ->Args({32, 4, 3})
    ->Args({32, 10, 18});

// One training step: forward, Huber loss on every Q-value, backward (no input gradient for the
// observation), centred RMSprop update. Forward + backward ≈ 3× the forward FLOPs (the first
// layer's input gradient is skipped, so slightly less).
void BM_DqnTrainStep(benchmark::State& state) {
  const Eigen::Index batch = state.range(0), channels = state.range(1), actions = state.range(2);
  Dqn dqn(channels, actions);
  CenteredRmsprop optimizer(dqn.net.parameters(), RmspropOptions{});
  Rng rng(3);
  const Matrix observations = random_matrix(batch, 100 * channels, rng).cwiseMax(0.0f);
  const Matrix targets = random_matrix(batch, actions, rng);
  Matrix grad_q(batch, actions);
  for (auto _ : state) {
    const ConstMatrixMap q = dqn.net.forward(observations);
    benchmark::DoNotOptimize(huber_loss(q, targets, grad_q));
    dqn.net.backward_parameters(observations, grad_q);
    optimizer.step();
  }
  set_gflops(state, 3.0 * 2.0 * batch * Dqn::forward_macs(channels, actions));
}
BENCHMARK(BM_DqnTrainStep)->ArgNames({"B", "C", "A"})->Args({32, 4, 3})->Args({32, 10, 18});

}  // namespace
}  // namespace arq::nn
