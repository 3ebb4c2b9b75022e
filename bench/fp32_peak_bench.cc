// Single-thread fp32 FMA peak: independent fused multiply-add chains, enough of them to cover the
// FMA latency on every FMA port, so the loop is bound by FMA throughput alone. GEMM numbers are
// judged against this.
#include <benchmark/benchmark.h>
#include <immintrin.h>

namespace {

#if defined(__AVX512F__)
using Vec = __m512;
inline Vec broadcast(float x) {
  return _mm512_set1_ps(x);
}
inline Vec fma(Vec a, Vec b, Vec c) {
  return _mm512_fmadd_ps(a, b, c);
}
inline float horizontal_sum(Vec v) {
  return _mm512_reduce_add_ps(v);
}
constexpr int kLanes = 16;
constexpr int kChains = 24;  // of 32 vector registers
#elif defined(__FMA__)
using Vec = __m256;
inline Vec broadcast(float x) {
  return _mm256_set1_ps(x);
}
inline Vec fma(Vec a, Vec b, Vec c) {
  return _mm256_fmadd_ps(a, b, c);
}
inline float horizontal_sum(Vec v) {
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, v);
  float sum = 0.0f;
  for (float lane : lanes) sum += lane;
  return sum;
}
constexpr int kLanes = 8;
constexpr int kChains = 12;  // of 16 vector registers: more would spill
#endif

#if defined(__AVX512F__) || defined(__FMA__)
// kChains ≥ FMA latency (4–5 cycles) × FMA ports (2), and the chains plus the two constants
// must fit in registers.
constexpr int kStepsPerIteration = 1024;

void BM_Fp32FmaPeak(benchmark::State& state) {
  // Multiplier just below 1 and a tiny addend keep the values finite and normal forever.
  const Vec multiplier = broadcast(0.999999f);
  const Vec addend = broadcast(1e-7f);
  Vec chains[kChains];
  for (int c = 0; c < kChains; ++c) chains[c] = broadcast(static_cast<float>(c));
  for (auto _ : state) {
    for (int step = 0; step < kStepsPerIteration; ++step) {
#pragma GCC unroll 32
      for (int c = 0; c < kChains; ++c) chains[c] = fma(chains[c], multiplier, addend);
    }
    benchmark::ClobberMemory();
  }
  float sum = 0.0f;
  for (int c = 0; c < kChains; ++c) sum += horizontal_sum(chains[c]);
  benchmark::DoNotOptimize(sum);
  const double flops_per_iteration = 2.0 * kLanes * kChains * kStepsPerIteration;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(kLanes == 16 ? "avx512" : "avx2-fma");
}
BENCHMARK(BM_Fp32FmaPeak);
#endif

}  // namespace
