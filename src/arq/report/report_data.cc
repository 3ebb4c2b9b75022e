#include "arq/report/report_data.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "arq/core/error.h"
#include "arq/report/report_task.h"

namespace arq::report {

using namespace arq::plot;  // the figures
namespace {

std::string joined(const std::set<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : " ") + item;
  return text;
}

// The best method's mean return on each task.
std::map<std::string, double> best_mean_per_task(const std::vector<TaskSummary>& summaries) {
  std::map<std::string, double> best;
  for (const auto& s : summaries) {
    auto [it, inserted] = best.try_emplace(s.task, s.interval.estimate);
    if (!inserted) it->second = std::max(it->second, s.interval.estimate);
  }
  return best;
}

}  // namespace

std::vector<std::string> report_methods(const std::vector<RunRecord>& runs) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> interfaces;
  for (const auto& run : runs)
    interfaces[{run.method, task_key(run.env)}].insert(action_interface(run.env));
  std::vector<std::string> methods;
  for (const auto& run : runs) {
    const bool mixed = interfaces[{run.method, task_key(run.env)}].size() > 1;
    methods.push_back(mixed ? run.method + " (" + action_interface(run.env) + ")" : run.method);
  }
  return methods;
}

std::vector<TaskSummary> summarize_returns(const std::vector<RunRecord>& runs, double confidence,
                                           RunScore score) {
  struct Group {
    std::vector<double> finals;
    std::set<std::string> envs;
  };
  const std::vector<std::string> methods = report_methods(runs);
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (size_t i = 0; i < runs.size(); ++i) {
    double value = 0.0;
    switch (score) {
      case RunScore::kFinalReturn:
        value = runs[i].final_return();
        break;
      case RunScore::kCurveMean:
        value = runs[i].curve_mean();
        break;
      case RunScore::kTrainingReturn: {
        const std::optional<double> training = runs[i].training_return();
        if (!training) continue;
        value = *training;
        break;
      }
    }
    Group& group = groups[{methods[i], task_key(runs[i].env)}];
    group.finals.push_back(value);
    group.envs.insert(runs[i].env);
  }
  std::vector<TaskSummary> summaries;
  for (auto& [key, group] : groups) {
    TaskSummary summary;
    summary.method = key.first;
    summary.task = key.second;
    summary.env = joined(group.envs);
    summary.finals = std::move(group.finals);
    summary.interval = t_interval(summary.finals, confidence);
    summary.stddev = sample_stddev(summary.finals);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

bool max_normalizable(const std::vector<TaskSummary>& summaries) {
  for (const auto& [task, best] : best_mean_per_task(summaries)) {
    if (!(best > 0.0)) return false;
  }
  return true;
}

std::vector<AggregateRow> aggregate_methods(const std::vector<TaskSummary>& summaries,
                                            Normalization normalization,
                                            const BootstrapOptions& bootstrap) {
  std::map<std::string, double> scale = best_mean_per_task(summaries);  // task -> divisor
  if (normalization == Normalization::kNone) {
    for (auto& [task, divisor] : scale) divisor = 1.0;
  } else {
    for (const auto& [task, divisor] : scale) {
      if (!(divisor > 0.0)) {
        throw Error("cannot normalise '" + task + "' by its best mean return (" +
                    std::to_string(divisor) + " is not positive); use --normalize none");
      }
    }
  }
  std::map<std::string, TaskScores> per_method;
  std::map<std::string, size_t> run_counts;
  for (const auto& s : summaries) {
    std::vector<double> normalised;
    for (double v : s.finals) normalised.push_back(v / scale[s.task]);
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
  struct Series {
    std::map<int64_t, std::vector<double>> by_step;  // returns of the runs evaluated at a step
    std::set<std::string> interfaces;
    size_t runs = 0;
  };
  const std::vector<std::string> methods = report_methods(runs);
  std::map<std::string, std::map<std::string, Series>> tasks;  // task -> method -> series
  std::map<std::string, std::set<std::string>> task_interfaces;
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string task = task_key(runs[i].env);
    Series& series = tasks[task][methods[i]];
    for (const auto& point : runs[i].evals) series.by_step[point.step].push_back(point.mean_return);
    series.interfaces.insert(action_interface(runs[i].env));
    ++series.runs;
    task_interfaces[task].insert(action_interface(runs[i].env));
  }
  std::vector<std::pair<std::string, PlotSpec>> plots;
  for (const auto& [task, by_method] : tasks) {
    PlotSpec plot;
    plot.title = task_label(task);
    const bool mixed = task_interfaces[task].size() > 1;
    for (const auto& [method, data] : by_method) {
      PlotSeries series;
      std::string details = std::to_string(data.runs) + (data.runs == 1 ? " run" : " runs");
      // A method that report_methods split already names its interface.
      const std::string interface = joined(data.interfaces);
      if (mixed && !method.ends_with("(" + interface + ")")) details = interface + ", " + details;
      series.label = method + " (" + details + ")";
      for (const auto& [step, returns] : data.by_step) {
        const Interval interval = t_interval(returns, confidence);
        series.x.push_back(static_cast<double>(step));
        series.y.push_back(interval.estimate);
        series.low.push_back(interval.low);
        series.high.push_back(interval.high);
      }
      plot.series.push_back(std::move(series));
    }
    plots.emplace_back(task, std::move(plot));
  }
  return plots;
}

}  // namespace arq::report
