#pragma once
// `arq report`: reads run folders and writes tables (Markdown + CSV) and learning curves (SVG,
// and PNG through gnuplot when it is installed) into one folder. See docs/experiments.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arq::report {

struct ReportOptions {
  std::vector<std::string> inputs;  // sweep folders, run folders, or folders holding them
  std::string out_dir;
  double confidence = 0.95;
  int64_t bootstrap_repetitions = 50'000;
  uint64_t bootstrap_seed = 0;
  std::string normalize = "auto";   // none | max | auto (none if every task is dmc/, else max)
  bool include_incomplete = false;  // use unfinished runs' last evaluation in the tables
  // Cut every run at this environment step (tables at step N, curves up to N): see cut_at_step.
  std::optional<int64_t> at_step;
  bool paper = false;  // add the papers' numbers side by side
  bool png = true;     // also PNG curves when gnuplot is available
};

struct ReportResult {
  std::vector<std::string> files;  // written, relative to out_dir
  std::vector<std::string> notes;  // what was skipped or could not be done
  std::string summary_markdown;    // report.md's text
};

ReportResult write_report(const ReportOptions& options);

}  // namespace arq::report
