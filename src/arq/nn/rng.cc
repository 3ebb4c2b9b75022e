#include "arq/nn/rng.h"

#include <cmath>
#include <numbers>

namespace arq::nn {

double Rng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // in (0, 1]: log(u1) is finite
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

double Rng::truncated_normal(double low, double high) {
  for (;;) {
    const double z = normal();
    if (z > low && z < high) return z;
  }
}

}  // namespace arq::nn
