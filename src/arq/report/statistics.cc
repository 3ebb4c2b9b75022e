#include "arq/report/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "arq/core/error.h"

namespace arq::report {
namespace {

void require_non_empty(std::span<const double> values, const char* what) {
  if (values.empty()) throw Error(std::string(what) + ": needs at least one value, got none");
}

// Continued fraction of the regularised incomplete beta function (modified Lentz's method).
double incomplete_beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double result = d;
  for (int m = 1; m <= 10'000; ++m) {
    const double m2 = 2.0 * m;
    // Even step.
    double numerator = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + numerator * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + numerator / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    result *= d * c;
    // Odd step.
    numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + numerator * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + numerator / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    result *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return result;
}

// I_x(a, b), the regularised incomplete beta function.
double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The fraction converges fast only on one side of the mean; use the symmetry otherwise.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(a, b, x) / a;
  return 1.0 - front * incomplete_beta_fraction(b, a, 1.0 - x) / b;
}

// A uniform index in [0, n) without modulo bias, independent of the standard library's
// distributions (whose output differs between implementations).
size_t uniform_index(std::mt19937_64& rng, size_t n) {
  const uint64_t range = static_cast<uint64_t>(n);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t draw;
  do {
    draw = rng();
  } while (draw >= limit);
  return static_cast<size_t>(draw % range);
}

}  // namespace

double mean(std::span<const double> values) {
  require_non_empty(values, "mean");
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_stddev(std::span<const double> values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double sum = 0.0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

double student_t_cdf(double t, double degrees_of_freedom) {
  if (!(degrees_of_freedom > 0.0)) {
    throw Error("Student's t: degrees of freedom must be > 0, got " +
                std::to_string(degrees_of_freedom));
  }
  const double x = degrees_of_freedom / (degrees_of_freedom + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(0.5 * degrees_of_freedom, 0.5, x);
  return t >= 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double probability, double degrees_of_freedom) {
  if (!(probability > 0.0 && probability < 1.0)) {
    throw Error("Student's t quantile: probability must be in (0, 1), got " +
                std::to_string(probability));
  }
  if (probability < 0.5) return -student_t_quantile(1.0 - probability, degrees_of_freedom);
  // The CDF is monotone: bracket, then bisect to full double precision.
  double low = 0.0;
  double high = 1.0;
  while (student_t_cdf(high, degrees_of_freedom) < probability) high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double middle = 0.5 * (low + high);
    (student_t_cdf(middle, degrees_of_freedom) < probability ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

Interval t_interval(std::span<const double> values, double confidence) {
  require_non_empty(values, "t-interval");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw Error("confidence must be in (0, 1), got " + std::to_string(confidence));
  }
  const double m = mean(values);
  if (values.size() == 1) return {m, m, m};
  const double n = static_cast<double>(values.size());
  const double half =
      student_t_quantile(0.5 * (1.0 + confidence), n - 1.0) * sample_stddev(values) / std::sqrt(n);
  return {m, m - half, m + half};
}

double percentile(std::span<const double> values, double q) {
  require_non_empty(values, "percentile");
  if (!(q >= 0.0 && q <= 100.0))
    throw Error("percentile must be in [0, 100], got " + std::to_string(q));
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double position = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

double interquartile_mean(std::span<const double> values) {
  require_non_empty(values, "interquartile mean");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const size_t cut = sorted.size() / 4;
  return std::accumulate(sorted.begin() + static_cast<std::ptrdiff_t>(cut),
                         sorted.end() - static_cast<std::ptrdiff_t>(cut), 0.0) /
         static_cast<double>(sorted.size() - 2 * cut);
}

double aggregate(const TaskScores& scores, Aggregate kind) {
  std::vector<double> pooled;
  for (const auto& task : scores) {
    if (task.empty()) throw Error("aggregate: a task has no runs");
    pooled.insert(pooled.end(), task.begin(), task.end());
  }
  if (pooled.empty()) throw Error("aggregate: no tasks");
  return kind == Aggregate::kIqm ? interquartile_mean(pooled) : mean(pooled);
}

Interval stratified_bootstrap(const TaskScores& scores, Aggregate kind,
                              const BootstrapOptions& options) {
  if (options.repetitions < 1) {
    throw Error("bootstrap repetitions must be >= 1, got " + std::to_string(options.repetitions));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw Error("confidence must be in (0, 1), got " + std::to_string(options.confidence));
  }
  Interval result;
  result.estimate = aggregate(scores, kind);
  std::mt19937_64 rng(options.seed);
  TaskScores resampled(scores.size());
  for (size_t task = 0; task < scores.size(); ++task) resampled[task].resize(scores[task].size());
  std::vector<double> statistics(static_cast<size_t>(options.repetitions));
  for (double& statistic : statistics) {
    for (size_t task = 0; task < scores.size(); ++task) {
      const auto& runs = scores[task];
      for (double& value : resampled[task]) value = runs[uniform_index(rng, runs.size())];
    }
    statistic = aggregate(resampled, kind);
  }
  const double tail = 50.0 * (1.0 - options.confidence);
  result.low = percentile(statistics, tail);
  result.high = percentile(statistics, 100.0 - tail);
  return result;
}

}  // namespace arq::report
