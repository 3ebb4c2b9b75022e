#pragma once
// The statistics of `arq report`: t-intervals over seeds, and rliable's aggregate metrics (IQM =
// 25 % trimmed mean of all run x task scores, mean) with percentile stratified-bootstrap intervals.
#include <cstdint>
#include <span>
#include <vector>

namespace arq::report {

double mean(std::span<const double> values);
// Sample standard deviation (n - 1 in the denominator); 0 for fewer than two values.
double sample_stddev(std::span<const double> values);

// Two-sided quantile of Student's t: the t with P(T <= t) = probability, for degrees_of_freedom
// >= 1.
double student_t_quantile(double probability, double degrees_of_freedom);
// P(T <= t) for Student's t with the given degrees of freedom.
double student_t_cdf(double t, double degrees_of_freedom);

struct Interval {
  double estimate = 0.0;
  double low = 0.0;
  double high = 0.0;
  double half_width() const { return 0.5 * (high - low); }
};

// mean +- t_{(1+confidence)/2, n-1} * s / sqrt(n). With one value the interval collapses to the
// value (there is no spread to estimate); an empty sample throws arq::Error.
Interval t_interval(std::span<const double> values, double confidence = 0.95);

// numpy.percentile's default (linear interpolation between order statistics), q in [0, 100].
// Sorts a copy; throws on an empty sample.
double percentile(std::span<const double> values, double q);

// scipy.stats.trim_mean(values, 0.25): drop floor(n/4) values from each end, average the rest.
double interquartile_mean(std::span<const double> values);

// Scores grouped by task ("strata"): scores[task][run]. Tasks may have different run counts.
using TaskScores = std::vector<std::vector<double>>;

enum class Aggregate { kIqm, kMean };
// IQM pools every run of every task; the mean is the mean of all scores (equal to the mean of
// per-task means when every task has the same number of runs, as in rliable).
double aggregate(const TaskScores& scores, Aggregate kind);

struct BootstrapOptions {
  int64_t repetitions = 50'000;  // rliable's default
  double confidence = 0.95;
  uint64_t seed = 0;  // the same seed gives the same interval
};

// Percentile interval of `kind` under stratified bootstrap: each task's runs are resampled with
// replacement, independently per task, as rliable's StratifiedBootstrap does.
Interval stratified_bootstrap(const TaskScores& scores, Aggregate kind,
                              const BootstrapOptions& options = {});

}  // namespace arq::report
