#include "arq/agents/local/goodness.h"

#include <cmath>

namespace arq::local {
namespace {

double mean_of(const float* y, int n) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += y[i];
  return sum / n;
}

double mean_square_of(const float* y, int n) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(y[i]) * y[i];
  return sum / n;
}

double variance_of(const float* y, int n) {
  const double mean = mean_of(y, n);
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += (y[i] - mean) * (y[i] - mean);
  return sum / n;
}

}  // namespace

float goodness(Goodness kind, const float* y, int n) {
  switch (kind) {
    case Goodness::kStd:
      return static_cast<float>(std::sqrt(variance_of(y, n)));
    case Goodness::kRms:
      return static_cast<float>(std::sqrt(mean_square_of(y, n)));
    case Goodness::kMean:
      return static_cast<float>(mean_of(y, n));
    case Goodness::kMeanSquare:
      return static_cast<float>(mean_square_of(y, n));
    case Goodness::kVariance:
      return static_cast<float>(variance_of(y, n));
  }
  return 0.0f;
}

void goodness_backward(Goodness kind, const float* y, int n, float value, float grad_value,
                       float* grad_y) {
  switch (kind) {
    case Goodness::kStd: {  // ∂/∂y_i sqrt(var) = (y_i - mean) / (n·G)
      const double mean = mean_of(y, n);
      const double scale = value > 0.0f ? grad_value / (static_cast<double>(n) * value) : 0.0;
      for (int i = 0; i < n; ++i) grad_y[i] = static_cast<float>((y[i] - mean) * scale);
      return;
    }
    case Goodness::kRms: {  // y_i / (n·G)
      const double scale = value > 0.0f ? grad_value / (static_cast<double>(n) * value) : 0.0;
      for (int i = 0; i < n; ++i) grad_y[i] = static_cast<float>(y[i] * scale);
      return;
    }
    case Goodness::kMean: {  // 1 / n
      const float g = static_cast<float>(grad_value / static_cast<double>(n));
      for (int i = 0; i < n; ++i) grad_y[i] = g;
      return;
    }
    case Goodness::kMeanSquare: {  // 2·y_i / n
      const double scale = 2.0 * grad_value / n;
      for (int i = 0; i < n; ++i) grad_y[i] = static_cast<float>(y[i] * scale);
      return;
    }
    case Goodness::kVariance: {  // 2·(y_i - mean) / n
      const double mean = mean_of(y, n);
      const double scale = 2.0 * grad_value / n;
      for (int i = 0; i < n; ++i) grad_y[i] = static_cast<float>((y[i] - mean) * scale);
      return;
    }
  }
}

}  // namespace arq::local
