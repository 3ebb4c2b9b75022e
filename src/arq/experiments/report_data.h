#pragma once
// The numbers of `arq report`, computed from loaded runs: per (method, task) final-return
// summaries with t-intervals over seeds, per-method aggregates across tasks (IQM and mean with
// stratified-bootstrap intervals) and learning curves with t-interval bands.
#include <string>
#include <vector>

#include "arq/experiments/line_plot.h"
#include "arq/experiments/run_record.h"
#include "arq/experiments/statistics.h"

namespace arq::experiments {

struct TaskSummary {
  std::string method;
  std::string env;
  std::vector<double> finals;  // one final evaluation return per run (seed)
  Interval interval;           // mean and its t-interval
  double stddev = 0.0;         // sample standard deviation over runs
};

// Groups runs by (method, env), sorted by method then env.
std::vector<TaskSummary> summarize_final_returns(const std::vector<RunRecord>& runs,
                                                 double confidence);

enum class Normalization {
  kNone,  // raw returns (fine when tasks share a scale, e.g. DMC's 0..1000)
  kMax,   // each task divided by the best method's mean on it, so the best method scores 1
};

struct AggregateRow {
  std::string method;
  size_t tasks = 0;
  size_t runs = 0;
  Interval iqm;
  Interval mean;
};

// One row per method over the tasks it was run on. Throws arq::Error if kMax meets a task whose
// best mean is not positive.
std::vector<AggregateRow> aggregate_methods(const std::vector<TaskSummary>& summaries,
                                            Normalization normalization,
                                            const BootstrapOptions& bootstrap);

// One plot per environment, one series per method: at each evaluation step, the mean over the
// runs that reached it with a t-interval band (no band where only one run has the step).
std::vector<std::pair<std::string, PlotSpec>> learning_curves(const std::vector<RunRecord>& runs,
                                                              double confidence);

}  // namespace arq::experiments
