#pragma once
// The numbers of `arq report`, computed from loaded runs: per (method, task) final-return
// summaries with t-intervals over seeds, per-method aggregates across tasks (IQM and mean with
// stratified-bootstrap intervals) and learning curves with t-interval bands. Tasks are
// task_key()s (report_task.h), so SAC on "dmc/cheetah-run" and ARQ on "dmc/cheetah-run:bangbang"
// are compared on one task.
#include <string>
#include <vector>

#include "arq/plot/line_plot.h"
#include "arq/report/run_record.h"
#include "arq/report/statistics.h"

namespace arq::report {

struct TaskSummary {
  std::string method;  // as report_methods() labels it
  std::string task;    // task_key(env)
  std::string env;     // the runs' exact environment id (ids spelled differently, space-separated)
  std::vector<double> finals;  // one score per run (seed): its final return or its curve mean
  Interval interval;           // mean and its t-interval
  double stddev = 0.0;         // sample standard deviation over runs
};

// The method label of each run as the report shows it: the run's own label, except that a method
// whose runs on one task used different action interfaces (bang-bang and continuous)
// is split into "ARQ (bang-bang)" and "ARQ (continuous)", so that no cell mixes them.
std::vector<std::string> report_methods(const std::vector<RunRecord>& runs);

// What one run contributes to a table cell.
enum class RunScore {
  kFinalReturn,     // its last evaluation (RunRecord::final_return)
  kCurveMean,       // the mean of all its evaluations (RunRecord::curve_mean)
  kTrainingReturn,  // its last training episodes (RunRecord::training_return)
};

// Groups runs by (report method, task), sorted by method then task. With kTrainingReturn, runs
// without training episodes are left out (a cell then counts fewer runs).
std::vector<TaskSummary> summarize_returns(const std::vector<RunRecord>& runs, double confidence,
                                           RunScore score = RunScore::kFinalReturn);

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

// Whether every task's best mean return is positive, i.e. kMax can divide by it.
bool max_normalizable(const std::vector<TaskSummary>& summaries);

// One row per method over the tasks it was run on. Throws arq::Error if kMax meets a task whose
// best mean is not positive.
std::vector<AggregateRow> aggregate_methods(const std::vector<TaskSummary>& summaries,
                                            Normalization normalization,
                                            const BootstrapOptions& bootstrap);

// One plot per task (keyed by task_key, titled by task_label), one series per method: at each
// evaluation step, the mean over the runs that reached it with a t-interval band (no band where
// only one run has the step). Where a task's methods used different environment ids, each legend
// entry names its action interface: "ARQ (bang-bang, 5 runs)", "SAC (continuous, 5 runs)".
std::vector<std::pair<std::string, plot::PlotSpec>> learning_curves(
    const std::vector<RunRecord>& runs, double confidence);

}  // namespace arq::report
