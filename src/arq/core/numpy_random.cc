#include "arq/core/numpy_random.h"

#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq {

void NumpyRandomState::seed_with(uint32_t seed) {
  key_[0] = seed;
  for (int i = 1; i < kStateWords; ++i) {
    key_[i] = 1812433253u * (key_[i - 1] ^ (key_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  }
  position_ = kStateWords;
  words_drawn_ = 0;
  has_gauss_ = false;
  gauss_ = 0.0;
}

void NumpyRandomState::regenerate() {
  constexpr int kShift = 397;
  constexpr uint32_t kMatrixA = 0x9908b0dfu;
  constexpr uint32_t kUpper = 0x80000000u;
  constexpr uint32_t kLower = 0x7fffffffu;
  for (int i = 0; i < kStateWords; ++i) {
    const uint32_t y = (key_[i] & kUpper) | (key_[(i + 1) % kStateWords] & kLower);
    key_[i] = key_[(i + kShift) % kStateWords] ^ (y >> 1) ^ ((y & 1u) ? kMatrixA : 0u);
  }
  position_ = 0;
}

int64_t NumpyRandomState::randint(int64_t low, int64_t high) {
  if (high <= low) {
    throw Error("randint: empty range [" + std::to_string(low) + ", " + std::to_string(high) + ")");
  }
  const uint64_t span = static_cast<uint64_t>(high - 1 - low);
  if (span == 0) return low;
  if (span == 0xFFFFFFFFull) return low + next32();
  uint64_t mask = span;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  if (span < 0xFFFFFFFFull) {
    uint64_t value;
    do {
      value = next32() & mask;
    } while (value > span);
    return low + static_cast<int64_t>(value);
  }
  uint64_t value;
  do {
    const uint64_t high_word = next32();
    value = ((high_word << 32) | next32()) & mask;
  } while (value > span);
  return low + static_cast<int64_t>(value);
}

double NumpyRandomState::uniform(double low, double high) {
  const double range = high - low;
  if (!std::isfinite(range)) {
    throw Error("uniform: range [" + std::to_string(low) + ", " + std::to_string(high) +
                ") exceeds valid bounds (high - low must be finite)");
  }
  return low + range * rand();
}

double NumpyRandomState::standard_normal() {
  if (has_gauss_) {
    has_gauss_ = false;
    const double cached = gauss_;
    gauss_ = 0.0;
    return cached;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * rand() - 1.0;
    x2 = 2.0 * rand() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

void NumpyRandomState::set_state(const State& state) {
  if (state.position < 0 || state.position > kStateWords) {
    throw Error("NumpyRandomState: position " + std::to_string(state.position) +
                " outside [0, 624]");
  }
  key_ = state.key;
  position_ = state.position;
  words_drawn_ = state.words_drawn;
  has_gauss_ = state.has_gauss;
  gauss_ = state.gauss;
}

}  // namespace arq
