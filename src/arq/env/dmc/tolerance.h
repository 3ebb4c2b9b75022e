#pragma once
// dm_control's rewards.tolerance: 1 inside [lower, upper], falling off outside with a sigmoid
// that reaches `value_at_margin` one margin away. Same operations in the same order as numpy,
// so results agree bit for bit.
#include <string_view>

namespace arq::dmc {

enum class Sigmoid {
  kGaussian,
  kHyperbolic,
  kLongTail,
  kReciprocal,
  kCosine,
  kLinear,
  kQuadratic,
  kTanhSquared,
};

// "gaussian", "hyperbolic", "long_tail", "reciprocal", "cosine", "linear", "quadratic",
// "tanh_squared" (dm_control's names); parse throws arq::Error for anything else.
std::string_view sigmoid_name(Sigmoid sigmoid);
Sigmoid parse_sigmoid(std::string_view name);

// The sigmoid at distance x in margins: 1 at x = 0, value_at_1 at |x| = 1. Throws arq::Error when
// value_at_1 is outside (0, 1), or [0, 1) for cosine, linear and quadratic.
double sigmoid_value(double x, double value_at_1, Sigmoid sigmoid);

// margin 0 gives an indicator of the bounds. Throws arq::Error when lower > upper or margin < 0.
double tolerance(double x, double lower, double upper, double margin = 0.0,
                 Sigmoid sigmoid = Sigmoid::kGaussian, double value_at_margin = 0.1);

}  // namespace arq::dmc
