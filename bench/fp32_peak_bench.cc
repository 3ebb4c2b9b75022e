// Single-thread fp32 FMA peak of each vector width the CPU has: independent fused multiply-add
// chains, enough of them to cover the FMA latency on every FMA port, so the loop is bound by FMA
// throughput alone. GEMM and update numbers are judged against the widest one the CPU runs.
// Written with the compiler's vector extension (no intrinsics) and per-function target
// attributes, so the portable build measures AVX-512 where the CPU has it.
#include <benchmark/benchmark.h>

namespace {

constexpr int kStepsPerIteration = 1024;

// kChains ≥ FMA latency (4–5 cycles) × FMA ports (2), and the chains plus the two constants
// must fit in registers (16 ymm with AVX2, 32 zmm with AVX-512).
template <typename Vec, int kLanes, int kChains>
[[gnu::always_inline]] inline void run_peak(benchmark::State& state) {
  // Multiplier just below 1 and a tiny addend keep the values finite and normal forever.
  const Vec multiplier = Vec{} + 0.999999f;
  const Vec addend = Vec{} + 1e-7f;
  Vec chains[kChains];
  for (int c = 0; c < kChains; ++c) chains[c] = Vec{} + static_cast<float>(c);
  for (auto _ : state) {
    for (int step = 0; step < kStepsPerIteration; ++step) {
#pragma GCC unroll 32
      for (int c = 0; c < kChains; ++c) chains[c] = chains[c] * multiplier + addend;
    }
    benchmark::ClobberMemory();
  }
  float sum = 0.0f;
  for (int c = 0; c < kChains; ++c) {
    for (int lane = 0; lane < kLanes; ++lane) sum += chains[c][lane];
  }
  benchmark::DoNotOptimize(sum);
  const double flops_per_iteration = 2.0 * kLanes * kChains * kStepsPerIteration;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

using Vec8 = float __attribute__((vector_size(32)));
using Vec16 = float __attribute__((vector_size(64)));

[[gnu::target("avx2,fma")]] void peak_avx2(benchmark::State& state) {
  run_peak<Vec8, 8, 12>(state);
  state.SetLabel("avx2");
}

[[gnu::target("avx512f,fma")]] void peak_avx512(benchmark::State& state) {
  run_peak<Vec16, 16, 24>(state);
  state.SetLabel("avx512");
}

// Registered at start-up for the widths this CPU runs.
const bool registered = [] {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    benchmark::RegisterBenchmark("BM_Fp32FmaPeak/avx2", peak_avx2);
  }
  if (__builtin_cpu_supports("avx512f")) {
    benchmark::RegisterBenchmark("BM_Fp32FmaPeak/avx512", peak_avx512);
  }
  return true;
}();

}  // namespace
