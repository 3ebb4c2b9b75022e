#include "arq/env/dmc/tolerance.h"

#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "arq/core/error.h"

namespace arq::dmc {
namespace {

constexpr std::array<std::string_view, 8> kSigmoidNames = {"gaussian",   "hyperbolic",  "long_tail",
                                                           "reciprocal", "cosine",      "linear",
                                                           "quadratic",  "tanh_squared"};

// numpy's scalar `v**2` calls libm pow, which differs from v*v in the last bit for a few inputs.
// The exponent is read through a volatile so the compiler cannot turn pow into a multiply.
double numpy_square(double v) {
  static volatile double two = 2.0;
  return std::pow(v, two);
}

}  // namespace

std::string_view sigmoid_name(Sigmoid sigmoid) {
  return kSigmoidNames[static_cast<int>(sigmoid)];
}

Sigmoid parse_sigmoid(std::string_view name) {
  for (size_t i = 0; i < kSigmoidNames.size(); ++i) {
    if (kSigmoidNames[i] == name) return static_cast<Sigmoid>(i);
  }
  throw Error("unknown sigmoid '" + std::string(name) +
              "' (expected gaussian, hyperbolic, long_tail, reciprocal, cosine, linear, "
              "quadratic or tanh_squared)");
}

double sigmoid_value(double x, double value_at_1, Sigmoid sigmoid) {
  const bool allows_zero =
      sigmoid == Sigmoid::kCosine || sigmoid == Sigmoid::kLinear || sigmoid == Sigmoid::kQuadratic;
  if (allows_zero ? !(0.0 <= value_at_1 && value_at_1 < 1.0)
                  : !(0.0 < value_at_1 && value_at_1 < 1.0)) {
    throw Error("sigmoid " + std::string(sigmoid_name(sigmoid)) + ": value_at_1 must be in " +
                (allows_zero ? "[0, 1)" : "(0, 1)") + ", got " + std::to_string(value_at_1));
  }
  switch (sigmoid) {
    case Sigmoid::kGaussian: {
      const double scale = std::sqrt(-2 * std::log(value_at_1));
      return std::exp(-0.5 * numpy_square(x * scale));
    }
    case Sigmoid::kHyperbolic: {
      const double scale = std::acosh(1 / value_at_1);
      return 1 / std::cosh(x * scale);
    }
    case Sigmoid::kLongTail: {
      const double scale = std::sqrt(1 / value_at_1 - 1);
      return 1 / (numpy_square(x * scale) + 1);
    }
    case Sigmoid::kReciprocal: {
      const double scale = 1 / value_at_1 - 1;
      return 1 / (std::abs(x) * scale + 1);
    }
    case Sigmoid::kCosine: {
      const double scale = std::acos(2 * value_at_1 - 1) / std::numbers::pi;
      const double scaled_x = x * scale;
      return std::abs(scaled_x) < 1 ? (1 + std::cos(std::numbers::pi * scaled_x)) / 2 : 0.0;
    }
    case Sigmoid::kLinear: {
      const double scale = 1 - value_at_1;
      const double scaled_x = x * scale;
      return std::abs(scaled_x) < 1 ? 1 - scaled_x : 0.0;
    }
    case Sigmoid::kQuadratic: {
      const double scale = std::sqrt(1 - value_at_1);
      const double scaled_x = x * scale;
      return std::abs(scaled_x) < 1 ? 1 - numpy_square(scaled_x) : 0.0;
    }
    case Sigmoid::kTanhSquared: {
      const double scale = std::atanh(std::sqrt(1 - value_at_1));
      return 1 - numpy_square(std::tanh(x * scale));
    }
  }
  throw Error("sigmoid_value: invalid sigmoid " + std::to_string(static_cast<int>(sigmoid)));
}

double tolerance(double x, double lower, double upper, double margin, Sigmoid sigmoid,
                 double value_at_margin) {
  if (lower > upper) {
    throw Error("tolerance: lower bound " + std::to_string(lower) + " > upper bound " +
                std::to_string(upper));
  }
  if (margin < 0) throw Error("tolerance: margin must be >= 0, got " + std::to_string(margin));
  const bool in_bounds = lower <= x && x <= upper;
  if (margin == 0) return in_bounds ? 1.0 : 0.0;
  const double d = (x < lower ? lower - x : x - upper) / margin;
  // numpy evaluates the sigmoid (and validates its parameter) even for points in bounds.
  const double outside = sigmoid_value(d, value_at_margin, sigmoid);
  return in_bounds ? 1.0 : outside;
}

}  // namespace arq::dmc
