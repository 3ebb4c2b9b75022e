// arq report: tables (mean ± CI per task, IQM across tasks) and learning curves from run folders.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/commands.h"
#include "arq/core/config.h"
#include "arq/report/report.h"

namespace arq::cli {
namespace {

void run_report(const report::ReportOptions& options) {
  const report::ReportResult result = report::write_report(options);
  std::printf("%s", result.summary_markdown.c_str());
  std::printf("\nwrote %zu files to %s:", result.files.size(), options.out_dir.c_str());
  for (const auto& file : result.files) std::printf(" %s", file.c_str());
  std::printf("\n");
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto options = std::make_shared<report::ReportOptions>();
  auto at_step = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("report", "Tables and learning curves from sweep or run folders");
  cmd->add_option("inputs", options->inputs, "Sweep folders, run folders, or folders holding them")
      ->required();
  cmd->add_option("--out", options->out_dir, "Folder for the report (tables, curves/)")->required();
  cmd->add_flag("--paper", options->paper, "Add the papers' published numbers side by side");
  cmd->add_option(
      "--normalize", options->normalize,
      "Scores for the IQM across tasks: none | max (divide by the best mean per task) | "
      "auto (none for DMC, else max)");
  cmd->add_option("--confidence", options->confidence, "Interval level");
  cmd->add_option("--bootstrap-reps", options->bootstrap_repetitions,
                  "Stratified-bootstrap repetitions");
  cmd->add_option("--bootstrap-seed", options->bootstrap_seed, "Seed of the bootstrap resampling");
  cmd->add_flag("--include-incomplete", options->include_incomplete,
                "Use unfinished runs' last evaluation in the tables");
  cmd->add_option("--at-step", *at_step,
                  "Compare runs at this environment step (1e6 ok): tables use each run's "
                  "evaluation at it, curves stop at it");
  cmd->add_flag("!--no-png", options->png, "SVG curves only, even if gnuplot is installed");
  cmd->callback([options, at_step] {
    if (!at_step->empty()) options->at_step = parse_integer(*at_step, "--at-step");
    run_report(*options);
  });
}

}  // namespace arq::cli
