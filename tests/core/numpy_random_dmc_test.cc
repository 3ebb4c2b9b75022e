// The RandomState draws DeepMind Control's task initialisation uses: uniform(low, high) and the
// legacy standard_normal. Expected values are numpy 1.24's (docs/dmc.md §3.2 and np.random.randn).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "arq/core/error.h"
#include "arq/core/numpy_random.h"

namespace arq {
namespace {

TEST(NumpyRandomStateUniform, MatchesNumpyForAnUnlimitedHinge) {
  // The first draw of walker, hopper and reacher: uniform(-pi, pi) for the first hinge.
  NumpyRandomState one(1);
  EXPECT_EQ(one.uniform(-std::numbers::pi, std::numbers::pi), -0.52136612087200396);
  NumpyRandomState forty_two(42);
  EXPECT_EQ(forty_two.uniform(-std::numbers::pi, std::numbers::pi), -0.788287681898749);
}

TEST(NumpyRandomStateUniform, IsLowPlusRangeTimesOneRandomSample) {
  NumpyRandomState a(5);
  NumpyRandomState b(5);
  for (int i = 0; i < 100; ++i) {
    const double u = b.rand();
    const double value = a.uniform(-3.0, 7.0);
    EXPECT_GE(value, -3.0);
    EXPECT_LT(value, 7.0);
    EXPECT_NEAR(value, -3.0 + 10.0 * u, 1e-14);
  }
  EXPECT_EQ(a.words_drawn(), 200u);  // two 32-bit words per draw
  // numpy allows low > high: the value then lies in (high, low].
  const double reversed = a.uniform(1.0, 0.0);
  EXPECT_GT(reversed, 0.0);
  EXPECT_LE(reversed, 1.0);
}

TEST(NumpyRandomStateUniform, RejectsAnInfiniteRange) {
  NumpyRandomState rng(0);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(rng.uniform(0.0, inf), Error);
  EXPECT_THROW(rng.uniform(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()),
               Error);
  EXPECT_EQ(rng.words_drawn(), 0u);
}

TEST(NumpyRandomStateStandardNormal, MatchesNumpyRandnForSeedZero) {
  // np.random.seed(0); np.random.randn(6)
  NumpyRandomState rng(0);
  EXPECT_EQ(rng.standard_normal(), 1.764052345967664);
  EXPECT_EQ(rng.standard_normal(), 0.4001572083672233);
  EXPECT_EQ(rng.standard_normal(), 0.9787379841057392);
  EXPECT_EQ(rng.standard_normal(), 2.240893199201458);
  EXPECT_EQ(rng.standard_normal(), 1.8675579901499675);
  EXPECT_EQ(rng.standard_normal(), -0.977277879876411);
}

TEST(NumpyRandomStateStandardNormal, SecondValueOfAPairComesFromTheCache) {
  NumpyRandomState rng(3);
  rng.standard_normal();
  const uint64_t words = rng.words_drawn();
  EXPECT_GE(words, 4u);
  EXPECT_EQ(words % 4, 0u);  // whole pairs of doubles, rejections included
  rng.standard_normal();
  EXPECT_EQ(rng.words_drawn(), words);  // the cached partner costs nothing
}

TEST(NumpyRandomStateStandardNormal, SeedDropsTheCacheAndStateKeepsIt) {
  NumpyRandomState rng(0);
  rng.standard_normal();  // leaves 0.4001572083672233 cached
  const NumpyRandomState::State saved = rng.state();
  EXPECT_TRUE(saved.has_gauss);
  NumpyRandomState restored(99);
  restored.set_state(saved);
  EXPECT_EQ(restored.standard_normal(), 0.4001572083672233);
  rng.seed_with(0);
  EXPECT_EQ(rng.standard_normal(), 1.764052345967664);
}

TEST(NumpyRandomStateStandardNormal, MomentsAreStandard) {
  NumpyRandomState rng(11);
  double sum = 0.0, sum_squares = 0.0;
  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i) {
    const double x = rng.standard_normal();
    sum += x;
    sum_squares += x * x;
  }
  EXPECT_NEAR(sum / kCount, 0.0, 0.03);
  EXPECT_NEAR(sum_squares / kCount, 1.0, 0.04);
}

}  // namespace
}  // namespace arq
