// dm_control's rewards.tolerance: bounds, margins and the eight sigmoids.
#include "arq/env/dmc/tolerance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "arq/core/error.h"

namespace arq::dmc {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Sigmoid kAll[] = {Sigmoid::kGaussian,   Sigmoid::kHyperbolic, Sigmoid::kLongTail,
                            Sigmoid::kReciprocal, Sigmoid::kCosine,     Sigmoid::kLinear,
                            Sigmoid::kQuadratic,  Sigmoid::kTanhSquared};

TEST(Tolerance, EverySigmoidIsOneAtZeroAndValueAtOne) {
  for (Sigmoid sigmoid : kAll) {
    SCOPED_TRACE(std::string(sigmoid_name(sigmoid)));
    for (double v : {0.1, 0.5, 0.9}) {
      EXPECT_DOUBLE_EQ(sigmoid_value(0.0, v, sigmoid), 1.0);
      EXPECT_NEAR(sigmoid_value(1.0, v, sigmoid), v, 1e-12);
      // Monotone in between.
      const double half = sigmoid_value(0.5, v, sigmoid);
      EXPECT_LT(half, 1.0);
      EXPECT_GT(half, v);
    }
  }
}

TEST(Tolerance, ClosedFormsOfTheSigmoids) {
  const double d = 0.7;
  const double v = 0.2;
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kGaussian), std::pow(v, d * d), 1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kHyperbolic), 1 / std::cosh(d * std::acosh(1 / v)),
              1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kLongTail), 1 / (d * d * (1 / v - 1) + 1), 1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kReciprocal), 1 / (d * (1 / v - 1) + 1), 1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kLinear), 1 - d * (1 - v), 1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kQuadratic), 1 - d * d * (1 - v), 1e-15);
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kTanhSquared),
              1 - std::pow(std::tanh(d * std::atanh(std::sqrt(1 - v))), 2), 1e-15);
  const double cosine_scale = std::acos(2 * v - 1) / std::numbers::pi;
  EXPECT_NEAR(sigmoid_value(d, v, Sigmoid::kCosine),
              (1 + std::cos(std::numbers::pi * d * cosine_scale)) / 2, 1e-15);
}

TEST(Tolerance, BoundedSigmoidsReachZeroBeyondTheirSupport) {
  // linear, quadratic and cosine are exactly 0 once |d * scale| >= 1.
  EXPECT_EQ(sigmoid_value(2.0, 0.5, Sigmoid::kLinear), 0.0);
  EXPECT_EQ(sigmoid_value(1.0, 0.0, Sigmoid::kLinear), 0.0);
  EXPECT_EQ(sigmoid_value(5.0, 0.5, Sigmoid::kQuadratic), 0.0);
  EXPECT_EQ(sigmoid_value(5.0, 0.5, Sigmoid::kCosine), 0.0);
  EXPECT_GT(sigmoid_value(5.0, 0.5, Sigmoid::kGaussian), 0.0);
}

TEST(Tolerance, MarginZeroIsAnIndicatorWithInclusiveBounds) {
  EXPECT_EQ(tolerance(0.6, 0.6, 2.0), 1.0);
  EXPECT_EQ(tolerance(2.0, 0.6, 2.0), 1.0);
  EXPECT_EQ(tolerance(std::nextafter(0.6, 0.0), 0.6, 2.0), 0.0);
  EXPECT_EQ(tolerance(2.5, 0.6, 2.0), 0.0);
  EXPECT_EQ(tolerance(0.025, 0.0, 0.025), 1.0);
  EXPECT_EQ(tolerance(-kInf, -kInf, kInf), 1.0);
}

TEST(Tolerance, DistanceIsMeasuredFromTheNearestBoundInMargins) {
  // walker's standing term: gaussian, value 0.1 one margin (0.6) below 1.2.
  EXPECT_EQ(tolerance(1.5, 1.2, kInf, 0.6), 1.0);
  EXPECT_NEAR(tolerance(0.6, 1.2, kInf, 0.6), 0.1, 1e-15);
  EXPECT_NEAR(tolerance(0.9, 1.2, kInf, 0.6), std::pow(0.1, 0.25), 1e-15);
  // Above the upper bound the distance is x - upper.
  EXPECT_NEAR(tolerance(3.0, 0.0, 1.0, 2.0, Sigmoid::kLinear, 0.5), 0.5, 1e-15);
  // walker's move term is clip(vx / S, 0, 1); cheetah's is clip(vx / 10, 0, 1).
  for (double vx : {-1.0, 0.0, 0.3, 0.5, 0.99, 1.0, 4.0}) {
    EXPECT_NEAR(tolerance(vx, 1.0, kInf, 0.5, Sigmoid::kLinear, 0.5), std::clamp(vx, 0.0, 1.0),
                1e-15);
  }
  for (double vx : {-3.0, 0.0, 2.5, 9.0, 10.0, 12.0}) {
    EXPECT_NEAR(tolerance(vx, 10.0, kInf, 10.0, Sigmoid::kLinear, 0.0),
                std::clamp(vx / 10, 0.0, 1.0), 1e-15);
  }
}

TEST(Tolerance, KeepsNumpysOrderOfOperations) {
  // Cheetah's reward is 1 - ((10 - vx) / 10) * 1, which is not always vx / 10 to the last bit.
  const double vx = 3.3;
  EXPECT_EQ(tolerance(vx, 10.0, kInf, 10.0, Sigmoid::kLinear, 0.0), 1 - ((10 - vx) / 10) * 1);
}

TEST(Tolerance, RejectsBadParameters) {
  EXPECT_THROW(tolerance(0.0, 1.0, 0.0), Error);
  EXPECT_THROW(tolerance(0.0, 0.0, 1.0, -0.1), Error);
  EXPECT_THROW(tolerance(5.0, 0.0, 1.0, 1.0, Sigmoid::kGaussian, 0.0), Error);
  EXPECT_THROW(tolerance(5.0, 0.0, 1.0, 1.0, Sigmoid::kGaussian, 1.0), Error);
  EXPECT_THROW(tolerance(5.0, 0.0, 1.0, 1.0, Sigmoid::kLinear, 1.0), Error);
  // Like numpy, the sigmoid's parameter is checked even for a point inside the bounds.
  EXPECT_THROW(tolerance(0.5, 0.0, 1.0, 1.0, Sigmoid::kLongTail, 0.0), Error);
  EXPECT_NO_THROW(tolerance(5.0, 0.0, 1.0, 1.0, Sigmoid::kCosine, 0.0));
  // With margin 0 value_at_margin is ignored.
  EXPECT_NO_THROW(tolerance(5.0, 0.0, 1.0, 0.0, Sigmoid::kGaussian, 7.0));
}

TEST(Tolerance, SigmoidNamesRoundTrip) {
  for (Sigmoid sigmoid : kAll) EXPECT_EQ(parse_sigmoid(sigmoid_name(sigmoid)), sigmoid);
  EXPECT_EQ(sigmoid_name(Sigmoid::kLongTail), "long_tail");
  EXPECT_THROW(parse_sigmoid("logistic"), Error);
}

}  // namespace
}  // namespace arq::dmc
