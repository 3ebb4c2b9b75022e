#pragma once
// numpy's legacy RandomState, bit-exact for the draws MinAtar and DMC make: MT19937 seeded with
// init_genrand, 53-bit doubles from two words (high word first), randint by masked rejection on
// 32-bit words, uniform(low, high) and the legacy polar-method standard_normal. Counts every word
// drawn, like the reference harness's `rng` field.
#include <array>
#include <cstdint>

namespace arq {

class NumpyRandomState {
 public:
  static constexpr int kStateWords = 624;

  explicit NumpyRandomState(uint32_t seed = 0) { seed_with(seed); }

  // RandomState.seed(s) for an integer s: resets the stream and the word counter.
  void seed_with(uint32_t seed);

  // One tempered 32-bit word.
  uint32_t next32() {
    if (position_ >= kStateWords) regenerate();
    ++words_drawn_;
    uint32_t y = key_[position_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  // rand() / random_sample(): a double in [0, 1) from two words.
  double rand() {
    const uint32_t high = next32() >> 5;
    const uint32_t low = next32() >> 6;
    return (high * 67108864.0 + low) / 9007199254740992.0;
  }

  // randint(low, high): uniform in [low, high), numpy's masked-rejection method.
  // A span of one value consumes no word.
  int64_t randint(int64_t low, int64_t high);
  int64_t randint(int64_t high) { return randint(0, high); }

  // uniform(low, high) for scalars: low + (high - low) * rand(). An array call draws element by
  // element in order, so it is a loop over this. Throws when high - low is not finite (numpy's
  // OverflowError). Out of line and compiled without FMA contraction: a fused multiply-add
  // changes the last bit, and DMC's physics amplifies it.
  double uniform(double low, double high);

  // standard_normal() of the legacy RandomState (its `gauss`): the polar Box-Muller method draws
  // a pair and caches the second value for the next call; seed_with() drops the cache.
  double standard_normal();

  // Words drawn since the last seed_with().
  uint64_t words_drawn() const { return words_drawn_; }

  // Full state, for checkpoints.
  struct State {
    std::array<uint32_t, kStateWords> key;
    int position;
    uint64_t words_drawn;
    bool has_gauss = false;  // a cached standard_normal value is pending
    double gauss = 0.0;
  };
  State state() const { return {key_, position_, words_drawn_, has_gauss_, gauss_}; }
  void set_state(const State& state);

 private:
  void regenerate();

  std::array<uint32_t, kStateWords> key_{};
  int position_ = kStateWords;
  uint64_t words_drawn_ = 0;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

}  // namespace arq
