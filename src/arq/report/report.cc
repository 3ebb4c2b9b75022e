#include "arq/report/report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "arq/core/error.h"
#include "arq/core/number_text.h"
#include "arq/core/text_io.h"
#include "arq/plot/line_plot.h"
#include "arq/report/paper_results.h"
#include "arq/report/report_data.h"
#include "arq/report/report_task.h"
#include "arq/report/run_record.h"
#include "arq/sweep/sweep_spec.h"

namespace arq::report {

using namespace arq::plot;  // the figures
namespace {

namespace fs = std::filesystem;

std::string number(double value, int decimals = 2) {
  return fixed_decimals(value, decimals);
}

// Full precision for CSV files that other tools read back.
std::string exact(double value) {
  return significant_digits(value, 10);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string md_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\";
    out.push_back(c);
  }
  return out;
}

std::string percent(double confidence) {
  return number(confidence * 100.0, 0) + " %";
}

struct Writer {
  fs::path root;
  ReportResult* result;
  void write(const std::string& relative, const std::string& text) {
    const fs::path path = root / relative;
    fs::create_directories(path.parent_path());
    write_file_atomic(path.string(), text);
    result->files.push_back(relative);
  }
};

std::vector<std::string> ordered_tasks(const std::vector<TaskSummary>& summaries) {
  std::vector<std::string> tasks;
  for (const auto& s : summaries) {
    if (std::find(tasks.begin(), tasks.end(), s.task) == tasks.end()) tasks.push_back(s.task);
  }
  std::sort(tasks.begin(), tasks.end());
  return tasks;
}

// For each column whose methods ran on different environment ids (SAC on "dmc/cheetah-run", ARQ
// on "dmc/cheetah-run:bangbang"): which method used which id, so a shared column hides nothing.
std::string environment_notes(const std::vector<TaskSummary>& summaries,
                              const std::vector<std::string>& tasks) {
  std::string notes;
  for (const auto& task : tasks) {
    std::map<std::string, std::string> methods_by_env;
    for (const auto& s : summaries) {
      if (s.task != task) continue;
      std::string& methods = methods_by_env[s.env];
      methods += (methods.empty() ? "" : ", ") + s.method;
    }
    if (methods_by_env.size() < 2) continue;
    notes += "- " + md_cell(task_label(task)) + ":";
    std::string separator = " ";
    for (const auto& [env, methods] : methods_by_env) {
      notes += separator + md_cell(methods) + " on `" + env + "`";
      separator = "; ";
    }
    notes += "\n";
  }
  return notes.empty() ? ""
                       : "\nColumns whose methods ran on different environment ids:\n\n" + notes;
}

// `measure` names what a cell averages: "final evaluation return", or the return at a step.
std::string final_table_markdown(const std::vector<TaskSummary>& summaries, bool paper,
                                 double confidence, const std::string& measure) {
  const auto tasks = ordered_tasks(summaries);
  std::vector<std::string> methods;
  std::map<std::pair<std::string, std::string>, const TaskSummary*> cells;
  for (const auto& s : summaries) {
    if (std::find(methods.begin(), methods.end(), s.method) == methods.end())
      methods.push_back(s.method);
    cells[{s.method, s.task}] = &s;
  }
  std::string md = "| method |";
  std::string rule = "|---|";
  for (const auto& task : tasks) {
    md += " " + md_cell(task_label(task)) + " |";
    rule += "---|";
  }
  md += "\n" + rule + "\n";
  for (const auto& method : methods) {
    md += "| " + md_cell(method) + " |";
    for (const auto& task : tasks) {
      const auto it = cells.find({method, task});
      if (it == cells.end()) {
        md += " — |";
      } else {
        const TaskSummary& s = *it->second;
        // One seed has no interval: say so rather than print a misleading "± 0".
        const std::string spread =
            s.finals.size() < 2 ? " ± n/a" : " ± " + number(s.interval.half_width());
        md += " " + number(s.interval.estimate) + spread +
              " (n=" + std::to_string(s.finals.size()) + ") |";
      }
    }
    md += "\n";
  }
  if (paper) {
    // One row per (paper method, source) that reports any of these tasks; a column is paired
    // with published numbers only when it is the task under the papers' protocol.
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& r : paper_results()) {
      bool relevant = false;
      for (const auto& task : tasks) relevant = relevant || published_task(task) == r.task;
      const std::pair<std::string, std::string> key{r.method, r.source};
      if (relevant && std::find(rows.begin(), rows.end(), key) == rows.end()) rows.push_back(key);
    }
    for (const auto& [method, source] : rows) {
      md += "| *" + md_cell(method) + " — " + md_cell(source) + "* |";
      for (const auto& task : tasks) {
        const std::string paper_task = published_task(task);
        const PaperResult* found = nullptr;
        for (const auto& r : paper_results()) {
          if (r.method == method && r.source == source && !paper_task.empty() &&
              r.task == paper_task)
            found = &r;
        }
        if (found == nullptr) {
          md += " — |";
        } else if (found->approximate) {
          md += " *≈" + number(found->value, 0) + "* |";
        } else {
          md += " *" + number(found->value) +
                (found->plus_minus ? " ± " + number(*found->plus_minus) : "") + "* |";
        }
      }
      md += "\n";
    }
  }
  md += "\nCells: mean " + measure + " over runs ± half-width of the " + percent(confidence) +
        " Student-t interval (n = runs, one per seed).";
  if (paper) {
    md +=
        " Italic rows are published numbers; the papers do not say what their ± is, and "
        "≈ values are read off plots.";
  }
  return md + "\n" + environment_notes(summaries, tasks);
}

std::string final_table_csv(const std::vector<TaskSummary>& summaries) {
  std::string csv = "method,task,task_name,env,runs,mean,std,ci_low,ci_high,ci_half_width\n";
  for (const auto& s : summaries) {
    csv += csv_field(s.method) + "," + csv_field(s.task) + "," + csv_field(task_label(s.task)) +
           "," + csv_field(s.env) + "," + std::to_string(s.finals.size()) + "," +
           exact(s.interval.estimate) + "," + exact(s.stddev) + "," + exact(s.interval.low) + "," +
           exact(s.interval.high) + "," + exact(s.interval.half_width()) + "\n";
  }
  return csv;
}

// One line per run, with its exact environment id, for checking what a cell is made of. Runs cut
// by --at-step also give the step and whether they reached it; final_step is then the step of the
// evaluation used (empty when the run has none up to the cut).
std::string runs_csv(const std::vector<RunRecord>& runs, bool cut) {
  const std::vector<std::string> methods = report_methods(runs);
  std::string csv = std::string("method,task,env,seed,complete,") +
                    (cut ? "at_step,reached," : "") + "final_step,final_return,dir\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunRecord& run = runs[i];
    csv += csv_field(methods[i]) + "," + csv_field(task_key(run.env)) + "," + csv_field(run.env) +
           "," + std::to_string(run.seed) + "," + (run.complete ? "true" : "false") + ",";
    if (cut) {
      csv += std::to_string(run.cut_step.value()) + "," +
             (run.reached_cut_step ? "true" : "false") + ",";
    }
    csv += run.evals.empty()
               ? ","
               : std::to_string(run.evals.back().step) + "," + exact(run.final_return());
    csv += "," + csv_field(run.dir) + "\n";
  }
  return csv;
}

// Our method label without the action-interface split: "ARQ (bang-bang)" is still the paper's ARQ.
std::string without_interface(std::string method) {
  for (const std::string_view interface : {" (bang-bang)", " (continuous)"}) {
    if (method.ends_with(interface)) method.resize(method.size() - interface.size());
  }
  return method;
}

// One of our (method, task) cells beside one published number for it.
struct PublishedPair {
  const TaskSummary* ours;
  const PaperResult* published;
  // Whether the published value lies in our interval; empty with a single run (no interval).
  std::optional<bool> inside() const {
    if (ours->finals.size() < 2) return std::nullopt;
    return published->value >= ours->interval.low && published->value <= ours->interval.high;
  }
};

std::vector<PublishedPair> published_pairs(const std::vector<TaskSummary>& summaries) {
  std::vector<PublishedPair> pairs;
  for (const auto& s : summaries) {
    const std::string paper_task = published_task(s.task);
    if (paper_task.empty()) continue;
    for (const auto& r : paper_results()) {
      if (r.task == paper_task && same_method(without_interface(s.method), r.method))
        pairs.push_back({&s, &r});
    }
  }
  return pairs;
}

std::string yes_no(std::optional<bool> inside) {
  return inside ? (*inside ? "yes" : "no") : "";
}

// One way of scoring a run, as the paper comparison names it: in CSV (`key`) and in a column
// heading (`label`), with our cells by that score.
struct Measure {
  std::string key;
  std::string label;
  const std::vector<TaskSummary>* summaries;
};

// Every pairing of our cells with published numbers, once per measure.
std::string paper_comparison_csv(const std::vector<Measure>& measures) {
  std::string csv =
      "method,task,env,paper_task,measure,runs,mean,ci_low,ci_high,ci_half_width,paper_method,"
      "paper_value,paper_plus_minus,approximate,source,paper_value_inside_ci\n";
  for (const Measure& measure : measures) {
    for (const auto& pair : published_pairs(*measure.summaries)) {
      const TaskSummary& s = *pair.ours;
      const PaperResult& r = *pair.published;
      csv += csv_field(s.method) + "," + csv_field(s.task) + "," + csv_field(s.env) + "," +
             csv_field(r.task) + "," + measure.key + "," + std::to_string(s.finals.size()) + "," +
             exact(s.interval.estimate) + "," + exact(s.interval.low) + "," +
             exact(s.interval.high) + "," + exact(s.interval.half_width()) + "," +
             csv_field(r.method) + "," + exact(r.value) + "," +
             (r.plus_minus ? exact(*r.plus_minus) : "") + "," + (r.approximate ? "true" : "false") +
             "," + csv_field(r.source) + "," + yes_no(pair.inside()) + "\n";
    }
  }
  return csv;
}

// Per published table number (not plot read-outs): our interval by each measure and whether the
// number lies inside it. Rows are the cells of the first measure; the others fill their columns
// where they have the cell.
std::string published_check_markdown(const std::vector<Measure>& measures, double confidence) {
  std::vector<std::map<std::pair<std::string, std::string>, const TaskSummary*>> cells(
      measures.size());
  std::string md = "| method | task | published | source |";
  std::string rule = "|---|---|---|---|";
  for (size_t m = 0; m < measures.size(); ++m) {
    for (const auto& s : *measures[m].summaries) cells[m][{s.method, s.task}] = &s;
    md += " ours: " + measures[m].label + " [" + percent(confidence) + " CI] | inside |";
    rule += "---|---|";
  }
  md += "\n" + rule + "\n";
  auto interval = [](const TaskSummary& cell) {
    if (cell.finals.size() < 2) return number(cell.interval.estimate) + " (n=1)";
    return number(cell.interval.estimate) + " [" + number(cell.interval.low) + ", " +
           number(cell.interval.high) + "] (n=" + std::to_string(cell.finals.size()) + ")";
  };
  size_t rows = 0;
  for (const auto& pair : published_pairs(*measures.front().summaries)) {
    const PaperResult& r = *pair.published;
    if (r.approximate) continue;
    const TaskSummary& s = *pair.ours;
    md += "| " + md_cell(s.method) + " | " + md_cell(task_label(s.task)) + " | " + number(r.value) +
          (r.plus_minus ? " ± " + number(*r.plus_minus) : "") + " | " + md_cell(r.source) + " |";
    for (const auto& by_cell : cells) {
      const auto it = by_cell.find({s.method, s.task});
      md += it == by_cell.end() ? " — | |"
                                : " " + interval(*it->second) + " | " +
                                      yes_no(PublishedPair{it->second, &r}.inside()) + " |";
    }
    md += "\n";
    ++rows;
  }
  if (rows == 0) return "";
  return md + "\nInside: the published number lies in our " + percent(confidence) +
         " Student-t interval over seeds (blank with one run). The papers do not say whether "
         "their tables give the final evaluation, an average over the learning curve or the "
         "returns of training episodes, so each is shown.\n";
}

std::string aggregate_markdown(const std::vector<AggregateRow>& rows,
                               const std::string& normalization, double confidence,
                               int64_t repetitions, const std::string& scores) {
  std::string md = "| method | tasks | runs | IQM [" + percent(confidence) + " CI] | mean [" +
                   percent(confidence) + " CI] |\n|---|---|---|---|---|\n";
  for (const auto& row : rows) {
    md += "| " + md_cell(row.method) + " | " + std::to_string(row.tasks) + " | " +
          std::to_string(row.runs) + " | " + number(row.iqm.estimate, 3) + " [" +
          number(row.iqm.low, 3) + ", " + number(row.iqm.high, 3) + "] | " +
          number(row.mean.estimate, 3) + " [" + number(row.mean.low, 3) + ", " +
          number(row.mean.high, 3) + "] |\n";
  }
  md += "\nIQM: the 25 % trimmed mean of all runs' " + scores +
        " pooled across tasks; intervals: percentile stratified bootstrap (runs resampled within "
        "each task), " +
        std::to_string(repetitions) + " repetitions. Scores: " + normalization + ".\n";
  std::set<size_t> task_counts;
  for (const auto& row : rows) task_counts.insert(row.tasks);
  if (task_counts.size() > 1) {
    md +=
        "Methods were run on different numbers of tasks, so their aggregates are not directly "
        "comparable.\n";
  }
  return md;
}

std::string aggregate_csv(const std::vector<AggregateRow>& rows, const std::string& normalization) {
  std::string csv =
      "method,tasks,runs,normalization,iqm,iqm_low,iqm_high,mean,mean_low,mean_high\n";
  for (const auto& r : rows) {
    csv += csv_field(r.method) + "," + std::to_string(r.tasks) + "," + std::to_string(r.runs) +
           "," + normalization + "," + exact(r.iqm.estimate) + "," + exact(r.iqm.low) + "," +
           exact(r.iqm.high) + "," + exact(r.mean.estimate) + "," + exact(r.mean.low) + "," +
           exact(r.mean.high) + "\n";
  }
  return csv;
}

}  // namespace

std::string count_of_runs(size_t count) {
  return std::to_string(count) + (count == 1 ? " run" : " runs");
}

ReportResult write_report(const ReportOptions& options) {
  if (options.inputs.empty()) throw Error("report: name at least one sweep or run folder");
  if (options.out_dir.empty()) throw Error("report: --out must name a folder");
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw Error("--confidence must be in (0, 1), got " + std::to_string(options.confidence));
  }
  if (options.at_step && *options.at_step <= 0) {
    throw Error("--at-step must be a positive number of environment steps, got " +
                std::to_string(*options.at_step));
  }
  // Every option is checked before the first file is written.
  if (options.bootstrap_repetitions < 1) {
    throw Error("--bootstrap-reps must be >= 1, got " +
                std::to_string(options.bootstrap_repetitions));
  }
  if (options.normalize != "none" && options.normalize != "max" && options.normalize != "auto") {
    throw Error("--normalize must be none, max or auto, got '" + options.normalize + "'");
  }
  if (fs::exists(options.out_dir) && !fs::is_directory(options.out_dir)) {
    throw Error("--out '" + options.out_dir + "' is a file, not a folder");
  }
  ReportResult result;
  Writer writer{fs::path(options.out_dir), &result};

  std::vector<std::string> warnings;
  std::vector<RunRecord> runs = load_runs(options.inputs, &warnings);
  result.notes = warnings;
  if (runs.empty()) {
    std::string inputs;
    for (const auto& input : options.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
    std::string why;  // the runs that were found but could not be read say why
    for (const auto& warning : warnings) why += "; " + warning;
    throw Error("report: no run folder with a readable eval.csv under " + inputs + why);
  }
  const bool cut = options.at_step.has_value();
  const std::string at_step = cut ? "step " + std::to_string(*options.at_step) : "";
  if (cut) {
    for (auto& run : runs) run = cut_at_step(std::move(run), *options.at_step);
  }
  // Runs with an evaluation to show (all of them unless the cut is before a run's first one).
  std::vector<RunRecord> shown_runs;
  std::vector<RunRecord> table_runs;
  size_t unfinished = 0, before_first_evaluation = 0, between_evaluations = 0;
  for (const auto& run : runs) {
    if (run.evals.empty()) {
      ++before_first_evaluation;
      continue;
    }
    shown_runs.push_back(run);
    if (run.finished() || options.include_incomplete) table_runs.push_back(run);
    unfinished += !run.finished();
    between_evaluations += cut && run.finished() && run.evals.back().step != *options.at_step;
  }
  if (unfinished > 0) {
    const std::string what = cut ? "did not reach " + at_step : "are not complete";
    const std::string last =
        cut ? "their last evaluation at or before " + at_step : "their last evaluation";
    result.notes.push_back(
        std::to_string(unfinished) + " of " + std::to_string(runs.size()) + " runs " + what + ": " +
        (options.include_incomplete ? last + " is used in the tables"
                                    : "they appear in the curves but not in the tables "
                                      "(--include-incomplete to use " +
                                          last + ")"));
  }
  if (between_evaluations > 0) {
    result.notes.push_back(count_of_runs(between_evaluations) + " went past " + at_step +
                           " without an evaluation at it: the last evaluation before it is used "
                           "(final_step in runs.csv)");
  }
  if (before_first_evaluation > 0) {
    result.notes.push_back(count_of_runs(before_first_evaluation) +
                           " had no evaluation at or before " + at_step +
                           ": left out of the tables and curves");
  }

  std::string md = cut ? "# Report at " + at_step + "\n\n" : "# Report\n\n";
  md += std::to_string(runs.size()) + " runs (" + std::to_string(shown_runs.size() - unfinished) +
        (cut ? " reached " + at_step : " complete") + ") from:";
  for (const auto& input : options.inputs) md += " `" + input + "`";
  md += "\n\n";
  if (cut) {
    md += "Every run is cut at " + at_step +
          ": the tables use each run's evaluation there and the curves stop there.\n\n";
  }
  writer.write("runs.csv", runs_csv(runs, cut));

  const std::string measure = cut ? "evaluation return at " + at_step : "final evaluation return";
  const std::vector<TaskSummary> summaries = summarize_returns(table_runs, options.confidence);
  if (!summaries.empty()) {
    const std::string table_md =
        final_table_markdown(summaries, options.paper, options.confidence, measure);
    md += (cut ? "## Evaluation return at " + at_step : std::string("## Final evaluation return")) +
          "\n\n" + table_md;
    writer.write("final_returns.md", table_md);
    writer.write("final_returns.csv", final_table_csv(summaries));

    const std::vector<TaskSummary> curve_means =
        summarize_returns(table_runs, options.confidence, RunScore::kCurveMean);
    const std::string curve_measure =
        "mean of all evaluation returns" + (cut ? " up to " + at_step : std::string());
    const std::string curve_md =
        final_table_markdown(curve_means, options.paper, options.confidence, curve_measure);
    md += "\n## Mean over the learning curve\n\n" + curve_md;
    writer.write("curve_means.md", curve_md);
    writer.write("curve_means.csv", final_table_csv(curve_means));

    const std::vector<TaskSummary> training_returns =
        summarize_returns(table_runs, options.confidence, RunScore::kTrainingReturn);
    std::vector<Measure> measures = {
        {"final_return", cut ? "return at " + at_step : "final", &summaries},
        {"curve_mean", "curve mean", &curve_means}};
    if (!training_returns.empty()) {
      const std::string training_measure =
          "return of the last " + std::to_string(kTrainingReturnEpisodes) + " training episodes" +
          (cut ? " that ended by " + at_step : std::string()) +
          " (played with training's exploration)";
      const std::string training_md = final_table_markdown(training_returns, options.paper,
                                                           options.confidence, training_measure);
      md += "\n## Return of the last " + std::to_string(kTrainingReturnEpisodes) +
            " training episodes\n\n" + training_md;
      writer.write("training_returns.md", training_md);
      writer.write("training_returns.csv", final_table_csv(training_returns));
      measures.push_back({"training_return",
                          "last " + std::to_string(kTrainingReturnEpisodes) + " training episodes",
                          &training_returns});
    }
    if (options.paper) {
      writer.write("paper_comparison.csv", paper_comparison_csv(measures));
      const std::string check_md = published_check_markdown(measures, options.confidence);
      if (!check_md.empty()) {
        md += "\n## Published numbers against our intervals\n\n" + check_md;
        writer.write("paper_check.md", check_md);
      }
    }

    bool all_dmc = true;
    for (const auto& s : summaries) all_dmc = all_dmc && s.task.starts_with("dmc/");
    std::string normalize = options.normalize;
    if (normalize != "none" && normalize != "max" && normalize != "auto") {
      throw Error("--normalize must be none, max or auto, got '" + options.normalize + "'");
    }
    if (normalize == "auto") {
      normalize = all_dmc ? "none" : "max";
      // Early in training every method may still score 0 on a task; then there is no scale.
      if (normalize == "max" && !max_normalizable(summaries)) {
        normalize = "none";
        result.notes.push_back(
            "a task's best mean return is not positive, so the aggregate uses raw returns");
      }
    }
    const std::string description =
        normalize == "none" ? "raw returns"
                            : "each task's returns divided by the best method's mean return on it";
    BootstrapOptions bootstrap;
    bootstrap.repetitions = options.bootstrap_repetitions;
    bootstrap.confidence = options.confidence;
    bootstrap.seed = options.bootstrap_seed;
    const auto rows = aggregate_methods(
        summaries, normalize == "none" ? Normalization::kNone : Normalization::kMax, bootstrap);
    const std::string aggregate_md =
        aggregate_markdown(rows, description, options.confidence, options.bootstrap_repetitions,
                           cut ? "returns at " + at_step : "final returns");
    md += "\n## Aggregate across tasks\n\n" + aggregate_md;
    writer.write("aggregate.md", aggregate_md);
    writer.write("aggregate.csv", aggregate_csv(rows, normalize));
  } else if (cut) {
    md += "No run reached " + at_step +
          ", so no tables (use --include-incomplete for each run's last evaluation at or before "
          "it).\n";
  } else {
    md += "No complete run yet, so no tables (use --include-incomplete for interim numbers).\n";
  }

  md += "\n## Learning curves\n\nMean evaluation return over runs with the " +
        percent(options.confidence) + " t-interval as a band, against environment steps" +
        (cut ? ", up to " + at_step : "") + ".";
  if (std::any_of(shown_runs.begin(), shown_runs.end(),
                  [](const RunRecord& run) { return run.environment_steps_per_agent_step > 1; })) {
    md +=
        " Runs with action repeat N (`:repeatN`, as TD-MPC2's protocol) log agent steps; here "
        "their steps are multiplied by N, in the curves, the tables and `--at-step` alike.";
  }
  md += "\n\n";
  const std::string gnuplot = options.png ? find_gnuplot() : "";
  if (options.png && gnuplot.empty()) {
    result.notes.push_back(
        "gnuplot not found: curves written as SVG only (install gnuplot-nox for PNG)");
  }
  for (const auto& [task, plot] : learning_curves(shown_runs, options.confidence)) {
    const std::string stem = "curves/" + sweep::slugify(task);
    writer.write(stem + ".svg", render_svg(plot));
    std::string image = stem + ".svg";
    if (!gnuplot.empty()) {
      const fs::path root = fs::absolute(options.out_dir);
      writer.write(stem + ".dat", gnuplot_data(plot));
      // Names relative to curves/, where gnuplot runs: no machine path in the report.
      const std::string name = sweep::slugify(task);
      writer.write(stem + ".gp", gnuplot_program(plot, name + ".dat", name + ".png"));
      std::string error;
      if (run_gnuplot(gnuplot, (root / (stem + ".gp")).string(), &error)) {
        result.files.push_back(stem + ".png");
        image = stem + ".png";
      } else {
        result.notes.push_back(error + ": kept the SVG");
      }
    }
    md += "![" + plot.title + "](" + image + ")\n\n";
  }
  if (!result.notes.empty()) {
    md += "## Notes\n\n";
    for (const auto& note : result.notes) md += "- " + note + "\n";
  }
  writer.write("report.md", md);
  result.summary_markdown = md;
  return result;
}

}  // namespace arq::report
