#include "arq/nn/init.h"

#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

void check_fan_in(int64_t fan_in, const char* initialiser) {
  if (fan_in <= 0) {
    throw Error(std::string(initialiser) + ": fan_in must be positive, got " +
                std::to_string(fan_in));
  }
}

}  // namespace

void init_lecun_normal(MatrixRef weights, int64_t fan_in, Rng& rng) {
  check_fan_in(fan_in, "init_lecun_normal");
  const double stddev = std::sqrt(1.0 / static_cast<double>(fan_in)) / kTruncatedNormalStd;
  for (Eigen::Index r = 0; r < weights.rows(); ++r) {
    for (Eigen::Index c = 0; c < weights.cols(); ++c) {
      weights(r, c) = static_cast<float>(rng.truncated_normal(-2.0, 2.0) * stddev);
    }
  }
}

void init_torch_uniform(MatrixRef weights, int64_t fan_in, Rng& rng) {
  check_fan_in(fan_in, "init_torch_uniform");
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (Eigen::Index r = 0; r < weights.rows(); ++r) {
    for (Eigen::Index c = 0; c < weights.cols(); ++c) {
      weights(r, c) = static_cast<float>(rng.uniform(-bound, bound));
    }
  }
}

}  // namespace arq::nn
