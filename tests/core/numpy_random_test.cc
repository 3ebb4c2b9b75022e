#include "arq/core/numpy_random.h"

#include <gtest/gtest.h>

#include <random>

#include "arq/core/error.h"

namespace arq {
namespace {

// Vectors from numpy 1.24.2's RandomState (docs/minatar.md §4.6).
TEST(NumpyRandomState, FirstWordsOfSeedZero) {
  NumpyRandomState rng(0);
  EXPECT_EQ(rng.next32(), 2357136044u);
  EXPECT_EQ(rng.next32(), 2546248239u);
  EXPECT_EQ(rng.next32(), 3071714933u);
  EXPECT_EQ(rng.words_drawn(), 3u);
}

TEST(NumpyRandomState, RandMatchesNumpyBitForBit) {
  NumpyRandomState zero(0);
  EXPECT_EQ(zero.rand(), 0.5488135039273248);
  EXPECT_EQ(zero.rand(), 0.7151893663724195);
  EXPECT_EQ(zero.rand(), 0.6027633760716439);
  EXPECT_EQ(zero.words_drawn(), 6u);
  NumpyRandomState forty_two(42);
  EXPECT_EQ(forty_two.rand(), 0.3745401188473625);
  EXPECT_EQ(forty_two.rand(), 0.9507143064099162);
  EXPECT_EQ(forty_two.rand(), 0.7319939418114051);
}

TEST(NumpyRandomState, RandintWithRejectionMatchesNumpy) {
  const std::vector<int64_t> seed_zero = {5, 1, 4, 4, 4, 2, 4, 3};
  const std::vector<int64_t> seed_one = {4, 5, 1, 2, 4, 1, 1, 2};
  NumpyRandomState zero(0);
  for (int64_t expected : seed_zero) EXPECT_EQ(zero.randint(1, 6), expected);
  NumpyRandomState one(1);
  for (int64_t expected : seed_one) EXPECT_EQ(one.randint(1, 6), expected);
}

TEST(NumpyRandomState, FreewayResetCostsTwentyEightWordsForSeedZero) {
  // Eight randint(1,6) with four rejections (12 words), then rand(8) (16 words).
  NumpyRandomState rng(0);
  for (int i = 0; i < 8; ++i) rng.randint(1, 6);
  EXPECT_EQ(rng.words_drawn(), 12u);
  for (int i = 0; i < 8; ++i) rng.rand();
  EXPECT_EQ(rng.words_drawn(), 28u);
}

TEST(NumpyRandomState, SingleValueRangeDrawsNothing) {
  NumpyRandomState rng(7);
  EXPECT_EQ(rng.randint(1), 0);
  EXPECT_EQ(rng.randint(4, 5), 4);
  EXPECT_EQ(rng.words_drawn(), 0u);
  EXPECT_THROW(rng.randint(3, 3), Error);
}

TEST(NumpyRandomState, WordsMatchStdMt19937AcrossRegenerations) {
  for (uint32_t seed : {0u, 1u, 12345u, 4294967295u}) {
    NumpyRandomState ours(seed);
    std::mt19937 reference(seed);
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(ours.next32(), reference()) << "seed " << seed;
  }
}

TEST(NumpyRandomState, MaskedRandintStaysInRangeAndUsesMaskedWords) {
  // randint(0, 5): mask 7; the value is the first masked word <= 4.
  NumpyRandomState rng(3);
  NumpyRandomState words(3);
  for (int i = 0; i < 1000; ++i) {
    const int64_t value = rng.randint(0, 5);
    uint32_t masked;
    do {
      masked = words.next32() & 7u;
    } while (masked > 4);
    ASSERT_EQ(value, masked);
  }
  EXPECT_EQ(rng.words_drawn(), words.words_drawn());
}

TEST(NumpyRandomState, StateRoundTripsMidBlock) {
  NumpyRandomState rng(99);
  for (int i = 0; i < 700; ++i) rng.next32();
  const auto saved = rng.state();
  std::vector<uint32_t> expected;
  for (int i = 0; i < 1000; ++i) expected.push_back(rng.next32());
  NumpyRandomState restored(1);
  restored.set_state(saved);
  for (uint32_t word : expected) ASSERT_EQ(restored.next32(), word);
  EXPECT_EQ(restored.words_drawn(), rng.words_drawn());
}

}  // namespace
}  // namespace arq
