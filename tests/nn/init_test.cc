#include "arq/nn/init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "arq/core/error.h"
#include "arq/nn/conv3x3.h"
#include "arq/nn/linear.h"

namespace arq::nn {
namespace {

struct Moments {
  double mean = 0, std = 0, min = 0, max = 0;
};

Moments moments_of(const Matrix& m) {
  const Eigen::ArrayXd values = Eigen::Map<const Eigen::ArrayXf>(m.data(), m.size()).cast<double>();
  Moments result;
  result.mean = values.mean();
  result.std = std::sqrt((values - result.mean).square().mean());
  result.min = values.minCoeff();
  result.max = values.maxCoeff();
  return result;
}

TEST(Rng, IsMersenneTwister64) {
  // The standard fixes mt19937_64's 10000th output for the default seed.
  Rng rng(std::mt19937_64::default_seed);
  uint64_t value = 0;
  for (int i = 0; i < 10000; ++i) value = rng.next_u64();
  EXPECT_EQ(value, 9981545732273789042ull);
}

TEST(Rng, NormalHasUnitMoments) {
  Rng rng(3);
  const int n = 200000;
  double sum = 0, sum_squares = 0, sum_fourth = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum_squares += z * z;
    sum_fourth += z * z * z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);           // standard error 0.0022
  EXPECT_NEAR(sum_squares / n, 1.0, 0.015);  // standard error 0.0032
  EXPECT_NEAR(sum_fourth / n, 3.0, 0.1);     // kurtosis of a normal; standard error 0.022
}

TEST(Init, LecunNormalHasVarianceOneOverFanInAndRespectsTheTruncation) {
  Rng rng(7);
  const int64_t fan_in = 64;
  Matrix w(400, 500);
  init_lecun_normal(w, fan_in, rng);
  const Moments m = moments_of(w);
  const double target_std = 1.0 / std::sqrt(double(fan_in));  // 0.125
  EXPECT_NEAR(m.mean, 0.0, 0.001);                            // standard error 0.00018
  EXPECT_NEAR(m.std, target_std, 0.005 * target_std);         // standard error 0.1%
  const double bound = 2.0 * target_std / kTruncatedNormalStd;
  EXPECT_LT(m.max, bound);
  EXPECT_GT(m.min, -bound);
  EXPECT_GT(m.max, 0.98 * bound);  // the tails are used right up to the bound
  EXPECT_LT(m.min, -0.98 * bound);
}

TEST(Init, TorchUniformFillsPlusMinusOneOverSqrtFanIn) {
  Rng rng(8);
  Matrix w(300, 400);
  init_torch_uniform(w, 100, rng);
  const Moments m = moments_of(w);
  EXPECT_NEAR(m.mean, 0.0, 0.001);
  EXPECT_NEAR(m.std, 0.1 / std::sqrt(3.0), 0.002);  // U(-b, b) has std b/sqrt(3)
  EXPECT_LE(m.max, 0.1f);
  EXPECT_GE(m.min, -0.1f);
  EXPECT_GT(m.max, 0.0999);
}

TEST(Init, SameSeedGivesIdenticalWeightsAndOtherSeedsDiffer) {
  const auto build = [](uint64_t seed, Init scheme) {
    Rng rng(seed);
    Linear layer("fc", 20, 30);
    layer.initialize(scheme, rng);
    Conv3x3 conv("conv", 10, 10, 4, 16);
    conv.initialize(scheme, rng);
    return std::pair<Matrix, Matrix>(layer.weight(), conv.kernel());
  };
  for (Init scheme : {Init::kLecunNormal, Init::kTorchDefault}) {
    EXPECT_EQ(build(5, scheme), build(5, scheme));
    EXPECT_NE(build(5, scheme).first, build(6, scheme).first);
  }
}

TEST(Init, LayerSchemesInitialiseBiasesLikeTheirFrameworks) {
  Rng rng(9);
  Linear flax_like("fc", 10, 50);
  flax_like.bias().setConstant(1.0f);
  flax_like.initialize(Init::kLecunNormal, rng);
  EXPECT_EQ(flax_like.bias(), Matrix::Zero(1, 50));

  Linear torch_like("fc", 16, 50);
  torch_like.initialize(Init::kTorchDefault, rng);
  EXPECT_LE(torch_like.bias().cwiseAbs().maxCoeff(), 0.25f);  // 1/sqrt(16)
  EXPECT_GT(torch_like.bias().cwiseAbs().maxCoeff(), 0.0f);

  Conv3x3 conv("conv", 10, 10, 4, 16);  // fan-in 36
  conv.initialize(Init::kTorchDefault, rng);
  EXPECT_LE(conv.kernel().cwiseAbs().maxCoeff(), 1.0f / 6.0f);
  EXPECT_GT(conv.kernel().cwiseAbs().maxCoeff(), 0.9f / 6.0f);
}

TEST(Init, RejectsNonPositiveFanIn) {
  Rng rng(1);
  Matrix w(2, 2);
  EXPECT_THROW(init_lecun_normal(w, 0, rng), Error);
  EXPECT_THROW(init_torch_uniform(w, -1, rng), Error);
}

}  // namespace
}  // namespace arq::nn
