#include "arq/experiments/report_data.h"

#include <algorithm>
#include <limits>
#include <map>

#include "arq/core/error.h"

namespace arq::experiments {

std::vector<TaskSummary> summarize_final_returns(const std::vector<RunRecord>& runs,
                                                 double confidence) {
  std::map<std::pair<std::string, std::string>, std::vector<double>> groups;
  for (const auto& run : runs) groups[{run.method, run.env}].push_back(run.final_return());
  std::vector<TaskSummary> summaries;
  for (auto& [key, finals] : groups) {
    TaskSummary summary;
    summary.method = key.first;
    summary.env = key.second;
    summary.finals = std::move(finals);
    summary.interval = t_interval(summary.finals, confidence);
    summary.stddev = sample_stddev(summary.finals);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::vector<AggregateRow> aggregate_methods(const std::vector<TaskSummary>& summaries,
                                            Normalization normalization,
                                            const BootstrapOptions& bootstrap) {
  std::map<std::string, double> scale;  // env -> divisor
  for (const auto& s : summaries) {
    double& best = scale.try_emplace(s.env, -std::numeric_limits<double>::infinity()).first->second;
    best = std::max(best, s.interval.estimate);
  }
  if (normalization == Normalization::kNone) {
    for (auto& [env, divisor] : scale) divisor = 1.0;
  } else {
    for (const auto& [env, divisor] : scale) {
      if (!(divisor > 0.0)) {
        throw Error("cannot normalise '" + env + "' by its best mean return (" +
                    std::to_string(divisor) + " is not positive); use --normalize none");
      }
    }
  }
  std::map<std::string, TaskScores> per_method;
  std::map<std::string, size_t> run_counts;
  for (const auto& s : summaries) {
    std::vector<double> normalised;
    for (double v : s.finals) normalised.push_back(v / scale[s.env]);
    per_method[s.method].push_back(std::move(normalised));
    run_counts[s.method] += s.finals.size();
  }
  std::vector<AggregateRow> rows;
  for (const auto& [method, scores] : per_method) {
    AggregateRow row;
    row.method = method;
    row.tasks = scores.size();
    row.runs = run_counts[method];
    row.iqm = stratified_bootstrap(scores, Aggregate::kIqm, bootstrap);
    row.mean = stratified_bootstrap(scores, Aggregate::kMean, bootstrap);
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::pair<std::string, PlotSpec>> learning_curves(const std::vector<RunRecord>& runs,
                                                              double confidence) {
  // env -> method -> step -> returns of the runs that evaluated at that step
  std::map<std::string, std::map<std::string, std::map<int64_t, std::vector<double>>>> values;
  std::map<std::string, std::map<std::string, size_t>> run_counts;
  for (const auto& run : runs) {
    auto& by_step = values[run.env][run.method];
    for (const auto& point : run.evals) by_step[point.step].push_back(point.mean_return);
    ++run_counts[run.env][run.method];
  }
  std::vector<std::pair<std::string, PlotSpec>> plots;
  for (const auto& [env, methods] : values) {
    PlotSpec plot;
    plot.title = env;
    for (const auto& [method, by_step] : methods) {
      PlotSeries series;
      const size_t n = run_counts[env][method];
      series.label = method + " (" + std::to_string(n) + (n == 1 ? " run)" : " runs)");
      for (const auto& [step, returns] : by_step) {
        const Interval interval = t_interval(returns, confidence);
        series.x.push_back(static_cast<double>(step));
        series.y.push_back(interval.estimate);
        series.low.push_back(interval.low);
        series.high.push_back(interval.high);
      }
      plot.series.push_back(std::move(series));
    }
    plots.emplace_back(env, std::move(plot));
  }
  return plots;
}

}  // namespace arq::experiments
