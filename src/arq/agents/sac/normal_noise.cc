#include "arq/agents/sac/normal_noise.h"

#include <cmath>
#include <numbers>

namespace arq::sac {
namespace {

double uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

}  // namespace

void fill_standard_normal(std::mt19937_64& rng, nn::MatrixRef out) {
  const Eigen::Index count = out.size();
  const Eigen::Index cols = out.cols();
  auto at = [&](Eigen::Index k) -> float& { return out(k / cols, k % cols); };  // any stride
  for (Eigen::Index k = 0; k < count; k += 2) {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform(rng)));  // log of (0, 1]
    const double angle = 2.0 * std::numbers::pi * uniform(rng);
    at(k) = static_cast<float>(radius * std::cos(angle));
    if (k + 1 < count) at(k + 1) = static_cast<float>(radius * std::sin(angle));
  }
}

}  // namespace arq::sac
