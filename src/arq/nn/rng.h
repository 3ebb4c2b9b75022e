#pragma once
// The generator for weight initialisation: std::mt19937_64 (whose output sequence the C++
// standard fixes) plus our own uniform and normal transforms, because std::*_distribution
// algorithms differ between standard libraries. Same seed -> same weights on every platform
// (the transforms run in double and round once to float, so libm last-bit differences almost
// never reach the weights).
#include <cstdint>
#include <random>

namespace arq::nn {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Standard normal by the Box–Muller transform; the second value of each pair is kept for
  // the next call.
  double normal();

  // Standard normal conditioned on low < z < high, by rejection (high - low must not be tiny).
  double truncated_normal(double low, double high);

 private:
  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace arq::nn
