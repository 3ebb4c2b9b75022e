#include "arq/agents/tdmpc2/running_scale.h"

#include <algorithm>
#include <cmath>

#include "arq/core/error.h"

namespace arq::tdmpc2 {

void RunningScale::update(std::span<const float> values) {
  if (values.empty()) throw Error("RunningScale: no values to update from");
  sorted_.assign(values.begin(), values.end());
  std::sort(sorted_.begin(), sorted_.end());
  const auto last = static_cast<float>(sorted_.size() - 1);
  auto percentile = [&](float p) {
    const float position = p * last / 100.0f;
    const float floored = std::floor(position);
    const float ceiled = std::min(floored + 1.0f, last);
    const float weight = position - floored;
    return sorted_[static_cast<size_t>(floored)] * (1.0f - weight) +
           sorted_[static_cast<size_t>(ceiled)] * weight;
  };
  const float range = std::max(percentile(95.0f) - percentile(5.0f), 1.0f);
  value_ += tau_ * (range - value_);
}

}  // namespace arq::tdmpc2
