#include "arq/report/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "arq/core/error.h"

namespace arq::report {
namespace {

TEST(StudentT, QuantilesMatchPublishedTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062047362, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.30265272975, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.77644510520, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.26215716280, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.04227245630, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.95, 10), 1.81246112281, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.95996398, 1e-6);  // the normal limit
  EXPECT_NEAR(student_t_quantile(0.025, 4), -2.77644510520, 1e-9);
  EXPECT_NEAR(student_t_cdf(0.0, 3), 0.5, 1e-15);
  // df = 1 is the Cauchy distribution: P(T <= 1) = 3/4.
  EXPECT_NEAR(student_t_cdf(1.0, 1), 0.75, 1e-12);
  EXPECT_THROW(student_t_quantile(1.0, 3), Error);
  EXPECT_THROW(student_t_cdf(1.0, 0), Error);
}

TEST(TInterval, HandComputed) {
  // mean 3, s = sqrt(2.5), half width = t(0.975, 4) * s / sqrt(5).
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const Interval interval = t_interval(values);
  EXPECT_DOUBLE_EQ(interval.estimate, 3.0);
  EXPECT_NEAR(interval.half_width(), 1.963243161477557, 1e-9);
  EXPECT_NEAR(interval.low, 3.0 - 1.963243161477557, 1e-9);
  EXPECT_NEAR(sample_stddev(values), std::sqrt(2.5), 1e-12);
  const std::vector<double> one = {7.5};
  EXPECT_DOUBLE_EQ(t_interval(one).low, 7.5);
  EXPECT_DOUBLE_EQ(t_interval(one).high, 7.5);
  EXPECT_THROW(t_interval(std::vector<double>{}), Error);
}

TEST(TInterval, CoversTheTrueMeanAtItsLevel) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(10.0, 3.0);
  int covered = 0;
  constexpr int kTrials = 4000;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> sample(5);
    for (double& v : sample) v = normal(rng);
    const Interval interval = t_interval(sample);
    covered += interval.low <= 10.0 && 10.0 <= interval.high;
  }
  const double coverage = static_cast<double>(covered) / kTrials;
  EXPECT_GT(coverage, 0.935);
  EXPECT_LT(coverage, 0.965);
}

TEST(Percentile, MatchesNumpyLinearInterpolation) {
  EXPECT_DOUBLE_EQ(percentile(std::vector<double>{4, 1, 3, 2}, 25), 1.75);
  EXPECT_DOUBLE_EQ(percentile(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 97.5), 9.75);
  EXPECT_DOUBLE_EQ(percentile(std::vector<double>{5}, 2.5), 5.0);
  EXPECT_DOUBLE_EQ(percentile(std::vector<double>{1, 2}, 100), 2.0);
}

TEST(InterquartileMean, IsScipysQuarterTrimmedMean) {
  // n = 8: drop 2 from each end -> mean(3, 4, 5, 6).
  EXPECT_DOUBLE_EQ(interquartile_mean(std::vector<double>{8, 1, 7, 2, 6, 3, 5, 4}), 4.5);
  // The outlier is trimmed away.
  EXPECT_DOUBLE_EQ(interquartile_mean(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 100}), 4.5);
  // n = 10: floor(2.5) = 2 from each end -> mean(2..7).
  EXPECT_DOUBLE_EQ(interquartile_mean(std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 4.5);
  // n = 5: one from each end.
  EXPECT_DOUBLE_EQ(interquartile_mean(std::vector<double>{0, 10, 1, 2, 100}), 13.0 / 3.0);
  // n = 3: nothing trimmed.
  EXPECT_DOUBLE_EQ(interquartile_mean(std::vector<double>{1, 2, 9}), 4.0);
}

TEST(Aggregate, PoolsRunsOfAllTasks) {
  const TaskScores scores = {{1, 2, 3, 4}, {5, 6, 7, 8}};
  EXPECT_DOUBLE_EQ(aggregate(scores, Aggregate::kIqm), 4.5);
  EXPECT_DOUBLE_EQ(aggregate(scores, Aggregate::kMean), 4.5);
  EXPECT_THROW(aggregate(TaskScores{{1.0}, {}}, Aggregate::kMean), Error);
}

TEST(StratifiedBootstrap, OneRunPerTaskHasNoSpread) {
  // Resampling within each task can only draw its single run again, so every bootstrap sample
  // equals the data (an unstratified bootstrap over the pooled values would spread).
  const TaskScores scores = {{1}, {5}, {9}};
  const Interval interval = stratified_bootstrap(scores, Aggregate::kIqm, {2000, 0.95, 3});
  EXPECT_DOUBLE_EQ(interval.estimate, 5.0);
  EXPECT_DOUBLE_EQ(interval.low, 5.0);
  EXPECT_DOUBLE_EQ(interval.high, 5.0);
}

TEST(StratifiedBootstrap, HandComputedTwoTaskCase) {
  // Task A {0, 1}, task B {10, 10}: a resample's mean is (a1 + a2 + 20) / 4 with a1, a2 drawn
  // from {0, 1}: 5 (p = 1/4), 5.25 (1/2) or 5.5 (1/4). With a quarter of the mass at each end,
  // the 2.5 % and 97.5 % percentiles are exactly 5 and 5.5.
  const TaskScores scores = {{0, 1}, {10, 10}};
  const Interval interval = stratified_bootstrap(scores, Aggregate::kMean, {20000, 0.95, 11});
  EXPECT_DOUBLE_EQ(interval.estimate, 5.25);
  EXPECT_DOUBLE_EQ(interval.low, 5.0);
  EXPECT_DOUBLE_EQ(interval.high, 5.5);
}

TEST(StratifiedBootstrap, SeededAndReproducible) {
  const TaskScores scores = {{0.1, 0.5, 0.9, 0.3}, {1.2, 0.7, 0.4, 2.0}, {0.0, 0.2, 0.6, 0.8}};
  // Few repetitions, so the percentiles fall between distinct resampled values and a different
  // seed shows up in them.
  const Interval a = stratified_bootstrap(scores, Aggregate::kMean, {101, 0.95, 42});
  const Interval b = stratified_bootstrap(scores, Aggregate::kMean, {101, 0.95, 42});
  const Interval c = stratified_bootstrap(scores, Aggregate::kMean, {101, 0.95, 43});
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_TRUE(a.low != c.low || a.high != c.high);
  EXPECT_LT(a.low, a.estimate);
  EXPECT_GT(a.high, a.estimate);
  EXPECT_THROW(stratified_bootstrap(scores, Aggregate::kIqm, {0, 0.95, 1}), Error);
}

TEST(StratifiedBootstrap, MeanIntervalCoversOnSyntheticData) {
  // 5 tasks x 10 runs, normal scores with task offsets; the true mean of the pooled scores is
  // the mean of the offsets. Percentile bootstrap intervals undercover a little at small n.
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> noise(0.0, 1.0);
  const double offsets[] = {0.0, 1.0, 2.0, 3.0, 4.0};
  int covered = 0;
  constexpr int kTrials = 300;
  for (int trial = 0; trial < kTrials; ++trial) {
    TaskScores scores(5);
    for (int task = 0; task < 5; ++task) {
      for (int run = 0; run < 10; ++run) scores[task].push_back(offsets[task] + noise(rng));
    }
    const Interval interval =
        stratified_bootstrap(scores, Aggregate::kMean, {1000, 0.95, static_cast<uint64_t>(trial)});
    covered += interval.low <= 2.0 && 2.0 <= interval.high;
  }
  const double coverage = static_cast<double>(covered) / kTrials;
  EXPECT_GT(coverage, 0.88);
  EXPECT_LT(coverage, 0.99);
}

}  // namespace
}  // namespace arq::report
