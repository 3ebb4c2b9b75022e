#include "arq/report/report.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "arq/core/error.h"
#include "arq/report/paper_results.h"
#include "arq/report/report_data.h"
#include "arq/report/report_task.h"
#include "arq/report/run_record.h"
#include "test_folder.h"

namespace arq::report {
namespace {

using testing::fabricate_run;
using testing::read_text;
using testing::TempFolder;

// Two methods on two MinAtar games, three seeds each, plus one unfinished run.
void fabricate_runs(const std::filesystem::path& root) {
  const double arq_breakout[] = {80, 90, 100};
  const double ad_breakout[] = {60, 70, 80};
  const double arq_invaders[] = {500, 550, 600};
  const double ad_invaders[] = {300, 400, 350};
  for (int seed = 0; seed < 3; ++seed) {
    fabricate_run(root / ("arq-b-" + std::to_string(seed)), "arq", "minatar/breakout-v1", seed,
                  1000, {{0, 0}, {500, arq_breakout[seed] / 2}, {1000, arq_breakout[seed]}});
    fabricate_run(root / ("ad-b-" + std::to_string(seed)), "ad", "minatar/breakout-v1", seed, 1000,
                  {{0, 0}, {500, ad_breakout[seed] / 2}, {1000, ad_breakout[seed]}});
    fabricate_run(root / ("arq-s-" + std::to_string(seed)), "arq", "minatar/space_invaders-v1",
                  seed, 1000, {{0, 0}, {500, arq_invaders[seed] / 2}, {1000, arq_invaders[seed]}});
    fabricate_run(root / ("ad-s-" + std::to_string(seed)), "ad", "minatar/space_invaders-v1", seed,
                  1000, {{0, 0}, {500, ad_invaders[seed] / 2}, {1000, ad_invaders[seed]}});
  }
  fabricate_run(root / "nested" / "arq-b-unfinished", "arq", "minatar/breakout-v1", 9, 1000,
                {{0, 0}, {500, 1000}}, 500);
}

TEST(Report, LoadsRunsAndSummarisesFinalReturns) {
  TempFolder folder;
  fabricate_runs(folder.path());
  std::vector<std::string> warnings;
  const auto runs = load_runs({folder.path().string()}, &warnings);
  ASSERT_EQ(runs.size(), 13u);
  size_t complete = 0;
  for (const auto& run : runs) complete += run.complete;
  EXPECT_EQ(complete, 12u);

  std::vector<RunRecord> finished;
  for (const auto& run : runs) {
    if (run.complete) finished.push_back(run);
  }
  const auto summaries = summarize_returns(finished, 0.95);
  ASSERT_EQ(summaries.size(), 4u);
  // Sorted by method then env: ad/breakout first. mean 70, s = 10, t(0.975, 2) * 10 / sqrt(3).
  EXPECT_EQ(summaries[0].method, "ad");
  EXPECT_EQ(summaries[0].env, "minatar/breakout-v1");
  EXPECT_EQ(summaries[0].task, "minatar/breakout-v1");
  EXPECT_DOUBLE_EQ(summaries[0].interval.estimate, 70.0);
  EXPECT_NEAR(summaries[0].interval.half_width(), 4.30265272975 * 10.0 / std::sqrt(3.0), 1e-7);

  // Normalised by the best mean per task (ARQ: 90 on Breakout, 550 on SpaceInvaders), ARQ's
  // six scores are 80/90, 1, 100/90, 500/550, 1, 600/550; the IQM drops the lowest (80/90)
  // and the highest (100/90).
  const auto rows = aggregate_methods(summaries, Normalization::kMax, {2000, 0.95, 0});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].method, "arq");
  EXPECT_NEAR(rows[1].iqm.estimate, (500.0 / 550.0 + 1.0 + 1.0 + 600.0 / 550.0) / 4.0, 1e-12);
  EXPECT_EQ(rows[1].runs, 6u);
  EXPECT_EQ(rows[1].tasks, 2u);
  EXPECT_LE(rows[1].iqm.low, rows[1].iqm.estimate);
  EXPECT_GE(rows[1].iqm.high, rows[1].iqm.estimate);
}

TEST(Report, NamesRunFoldersTheWayTheInputWasGiven) {
  TempFolder folder;
  fabricate_runs(folder.path());
  const std::filesystem::path relative = std::filesystem::relative(folder.path());
  ASSERT_TRUE(relative.is_relative());
  std::vector<std::string> warnings;
  const auto runs = load_runs({relative.string()}, &warnings);
  ASSERT_EQ(runs.size(), 13u);
  for (const auto& run : runs) {
    // Relative in, relative out (a committed report must not name the machine's folders).
    EXPECT_TRUE(std::filesystem::path(run.dir).is_relative()) << run.dir;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(run.dir) / "eval.csv")) << run.dir;
  }
  const auto absolute = load_runs({folder.path().string()}, &warnings);
  ASSERT_EQ(absolute.size(), 13u);
  EXPECT_TRUE(std::filesystem::path(absolute[0].dir).is_absolute());
}

TEST(Report, LearningCurvesAverageRunsPerStep) {
  TempFolder folder;
  fabricate_runs(folder.path());
  std::vector<std::string> warnings;
  const auto plots = learning_curves(load_runs({folder.path().string()}, &warnings), 0.95);
  ASSERT_EQ(plots.size(), 2u);
  EXPECT_EQ(plots[0].first, "minatar/breakout-v1");
  const plot::PlotSeries& arq = plots[0].second.series[1];
  EXPECT_EQ(arq.label, "arq (4 runs)");
  ASSERT_EQ(arq.x.size(), 3u);
  EXPECT_DOUBLE_EQ(arq.y[1], (40 + 45 + 50 + 1000) / 4.0);  // the unfinished run counts here
  EXPECT_DOUBLE_EQ(arq.y[2], 90.0);                         // but has no step-1000 evaluation
}

// A report of `folder`/runs into `folder`/report with the papers' numbers, SVG curves only.
ReportOptions svg_report_options(const std::filesystem::path& folder,
                                 int64_t bootstrap_repetitions) {
  ReportOptions options;
  options.inputs = {(folder / "runs").string()};
  options.out_dir = (folder / "report").string();
  options.paper = true;
  options.bootstrap_repetitions = bootstrap_repetitions;
  options.png = false;
  return options;
}

TEST(Report, WritesTablesCurvesAndPaperNumbers) {
  TempFolder folder;
  fabricate_runs(folder.path() / "runs");
  ReportOptions options = svg_report_options(folder.path(), 500);
  const ReportResult result = write_report(options);

  const std::string finals = read_text(folder.path() / "report" / "final_returns.csv");
  EXPECT_EQ(
      finals.rfind("method,task,task_name,env,runs,mean,std,ci_low,ci_high,ci_half_width\n", 0),
      0u);
  EXPECT_NE(finals.find("\nad,minatar/space_invaders-v1,SpaceInvaders,minatar/space_invaders-v1,"
                        "3,350,50,"),
            std::string::npos)
      << finals;
  const std::string md = read_text(folder.path() / "report" / "final_returns.md");
  EXPECT_NE(md.find("| method | Breakout | SpaceInvaders |"), std::string::npos);
  EXPECT_NE(md.find("| arq | 90.00 ± 24.84 (n=3) |"), std::string::npos);
  EXPECT_NE(md.find("88.93 ± 5.90"), std::string::npos);  // the ARQ paper's Breakout number
  // Both versions of the ARQ paper's table, each labelled.
  EXPECT_NE(md.find("| *ARQ — ARQ paper (ICLR 2026), mean of 5 seeds* | *87.84* | *544.99* |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| *ARQ — ARQ project page, main table* | *88.93 ± 5.90* |"), std::string::npos)
      << md;
  const std::string comparison = read_text(folder.path() / "report" / "paper_comparison.csv");
  EXPECT_NE(comparison.find("\narq,minatar/breakout-v1,minatar/breakout-v1,Breakout,final_return,"
                            "3,90,"),
            std::string::npos)
      << comparison;

  // Curve means: ARQ's Breakout runs evaluate 0, x/2, x for x = 80, 90, 100: means 40, 45, 50.
  const std::string curve = read_text(folder.path() / "report" / "curve_means.csv");
  EXPECT_NE(curve.find("\narq,minatar/breakout-v1,Breakout,minatar/breakout-v1,3,45,5,"),
            std::string::npos)
      << curve;
  EXPECT_NE(comparison.find("\narq,minatar/breakout-v1,minatar/breakout-v1,Breakout,curve_mean,3,"
                            "45,"),
            std::string::npos)
      << comparison;
  // 87.84 lies in the final-return interval 90 ± 24.84 but not in the curve mean's 45 ± 12.42.
  const std::string check = read_text(folder.path() / "report" / "paper_check.md");
  EXPECT_NE(check.find("| arq | Breakout | 87.84 | ARQ paper (ICLR 2026), mean of 5 seeds | 90.00 "
                       "[65.16, 114.84] (n=3) | yes | 45.00 [32.58, 57.42] (n=3) | no |"),
            std::string::npos)
      << check;
  // Plot read-outs (≈) are not checked against intervals.
  EXPECT_EQ(check.find("read off"), std::string::npos) << check;
  EXPECT_NE(result.summary_markdown.find("## Mean over the learning curve"), std::string::npos);
  const std::string runs = read_text(folder.path() / "report" / "runs.csv");
  EXPECT_EQ(runs.rfind("method,task,env,seed,complete,final_step,final_return,dir\n", 0), 0u);
  EXPECT_NE(runs.find("arq,minatar/breakout-v1,minatar/breakout-v1,9,false,500,1000,"),
            std::string::npos)
      << runs;
  const std::string aggregate = read_text(folder.path() / "report" / "aggregate.md");
  EXPECT_NE(aggregate.find("best method's mean"), std::string::npos);
  const std::string svg =
      read_text(folder.path() / "report" / "curves" / "minatar-breakout-v1.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("arq (4 runs)"), std::string::npos);
  EXPECT_NE(svg.find("<polygon"), std::string::npos);
  EXPECT_NE(result.summary_markdown.find("1 of 13 runs are not complete"), std::string::npos);
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::vector<std::string> curve_files(const std::filesystem::path& report) {
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(report / "curves"))
    names.push_back(item.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// SAC acts continuously on a DMC task, ARQ on its bang-bang form: three seeds each.
void fabricate_cheetah_runs(const std::filesystem::path& root) {
  const double sac[] = {900, 910, 920};
  const double arq[] = {850, 870, 890};
  for (int seed = 0; seed < 3; ++seed) {
    fabricate_run(root / ("sac-" + std::to_string(seed)), "sac", "dmc/cheetah-run", seed, 1000,
                  {{0, 0}, {1000, sac[seed]}});
    fabricate_run(root / ("arq-" + std::to_string(seed)), "arq", "dmc/cheetah-run:bangbang", seed,
                  1000, {{0, 0}, {1000, arq[seed]}});
  }
}

TEST(ReportTask, DropsOnlyTheActionInterface) {
  EXPECT_EQ(task_key("dmc/cheetah-run"), "dmc/cheetah-run");
  EXPECT_EQ(task_key("dmc/cheetah-run:bangbang"), "dmc/cheetah-run");
  EXPECT_EQ(task_key("dmc/cheetah-run:repeat2:bangbang"), "dmc/cheetah-run:repeat2");
  EXPECT_EQ(task_key("dmc/cheetah-run:bangbang:repeat2"), "dmc/cheetah-run:repeat2");
  EXPECT_EQ(task_key("dmc/cheetah-run:repeat2:repeat3"), "dmc/cheetah-run:repeat6");
  EXPECT_EQ(task_key("dmc/cheetah-run:repeat1:bangbang"), "dmc/cheetah-run");
  EXPECT_EQ(task_key("dmc/cheetah-run:mystery"), "dmc/cheetah-run:mystery");
  EXPECT_EQ(task_key("minatar/breakout-v0"), "minatar/breakout-v0");
  EXPECT_EQ(task_key("minatar/breakout-v1"), "minatar/breakout-v1");

  EXPECT_EQ(action_interface("dmc/cheetah-run:repeat2:bangbang"), "bang-bang");
  EXPECT_EQ(action_interface("dmc/cheetah-run"), "continuous");
  EXPECT_EQ(action_interface("minatar/breakout-v1"), "");

  // Published numbers are paired only with the papers' protocol: MinAtar v1, no action repeat.
  EXPECT_EQ(published_task("dmc/cheetah-run"), "Cheetah Run");
  EXPECT_EQ(published_task("dmc/cheetah-run:repeat2"), "");
  EXPECT_EQ(published_task("minatar/breakout-v1"), "Breakout");
  EXPECT_EQ(published_task("minatar/breakout-v0"), "");
  EXPECT_EQ(published_task("dmc/finger-spin"), "");

  EXPECT_EQ(task_label("dmc/cheetah-run"), "Cheetah Run");
  EXPECT_EQ(task_label("dmc/cheetah-run:repeat2"), "Cheetah Run (repeat 2)");
  EXPECT_EQ(task_label("minatar/breakout-v1"), "Breakout");
  EXPECT_EQ(task_label("minatar/breakout-v0"), "Breakout (v0)");
  EXPECT_EQ(task_label("dmc/finger-spin"), "dmc/finger-spin");
}

TEST(Report, ContinuousAndBangBangRunsShareTheTask) {
  TempFolder folder;
  fabricate_cheetah_runs(folder.path() / "runs");
  std::vector<std::string> warnings;
  const auto runs = load_runs({(folder.path() / "runs").string()}, &warnings);
  const auto summaries = summarize_returns(runs, 0.95);
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[0].method, "arq");
  EXPECT_EQ(summaries[0].task, "dmc/cheetah-run");
  EXPECT_EQ(summaries[0].env, "dmc/cheetah-run:bangbang");
  EXPECT_EQ(summaries[1].method, "sac");
  EXPECT_EQ(summaries[1].task, "dmc/cheetah-run");
  EXPECT_EQ(summaries[1].env, "dmc/cheetah-run");
  // One task, so max normalisation divides both by SAC's mean (910).
  const auto rows = aggregate_methods(summaries, Normalization::kMax, {200, 0.95, 0});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tasks, 1u);
  EXPECT_NEAR(rows[0].mean.estimate, 870.0 / 910.0, 1e-12);
  EXPECT_NEAR(rows[1].mean.estimate, 1.0, 1e-12);

  ReportOptions options = svg_report_options(folder.path(), 200);
  write_report(options);
  const auto report = folder.path() / "report";

  const std::string md = read_text(report / "final_returns.md");
  EXPECT_NE(md.find("| method | Cheetah Run |\n|---|---|\n"), std::string::npos) << md;
  EXPECT_EQ(occurrences(md, "Cheetah Run |"), 1u) << md;
  EXPECT_NE(md.find("| arq | 870.00 ± "), std::string::npos) << md;
  EXPECT_NE(md.find("| sac | 910.00 ± "), std::string::npos) << md;
  // The published rows appear once, each with one cell.
  EXPECT_EQ(occurrences(md, "917.40 ± 2.45"), 1u) << md;   // SAC
  EXPECT_EQ(occurrences(md, "881.30 ± 17.33"), 1u) << md;  // ARQ
  EXPECT_NE(md.find("Cheetah Run: sac on `dmc/cheetah-run`; arq on `dmc/cheetah-run:bangbang`"),
            std::string::npos)
      << md;

  // The comparison pairs each method with its own published row.
  const std::string comparison = read_text(report / "paper_comparison.csv");
  // A header, then per measure (final return, curve mean) each method beside its two published
  // rows (the ICLR 2026 paper and the project page).
  EXPECT_EQ(occurrences(comparison, "\n"), 9u) << comparison;
  EXPECT_EQ(occurrences(comparison,
                        "\narq,dmc/cheetah-run,dmc/cheetah-run:bangbang,Cheetah Run,"
                        "final_return,3,870,"),
            2u)
      << comparison;
  EXPECT_EQ(occurrences(comparison,
                        "\nsac,dmc/cheetah-run,dmc/cheetah-run,Cheetah Run,final_return,3,910,"),
            2u)
      << comparison;

  const std::string finals = read_text(report / "final_returns.csv");
  EXPECT_NE(finals.find("\narq,dmc/cheetah-run,Cheetah Run,dmc/cheetah-run:bangbang,3,870,"),
            std::string::npos)
      << finals;
  const std::string runs_csv = read_text(report / "runs.csv");
  EXPECT_EQ(occurrences(runs_csv, ",dmc/cheetah-run,dmc/cheetah-run:bangbang,"), 3u) << runs_csv;

  EXPECT_EQ(curve_files(report), std::vector<std::string>{"dmc-cheetah-run.svg"});
  const std::string svg = read_text(report / "curves" / "dmc-cheetah-run.svg");
  EXPECT_NE(svg.find("Cheetah Run"), std::string::npos);
  EXPECT_NE(svg.find("arq (bang-bang, 3 runs)"), std::string::npos);
  EXPECT_NE(svg.find("sac (continuous, 3 runs)"), std::string::npos);
}

TEST(Report, ActionRepeatAndMinatarVersionsStayApart) {
  TempFolder folder;
  const auto root = folder.path() / "runs";
  for (int seed = 0; seed < 2; ++seed) {
    const std::string s = std::to_string(seed);
    fabricate_run(root / ("plain-" + s), "arq", "dmc/cheetah-run:bangbang", seed, 1000,
                  {{1000, 800.0 + seed}});
    fabricate_run(root / ("repeat-" + s), "arq", "dmc/cheetah-run:repeat2:bangbang", seed, 1000,
                  {{1000, 600.0 + seed}});
    fabricate_run(root / ("v0-" + s), "arq", "minatar/breakout-v0", seed, 1000, {{1000, 10.0}});
    fabricate_run(root / ("v1-" + s), "arq", "minatar/breakout-v1", seed, 1000, {{1000, 20.0}});
  }
  ReportOptions options = svg_report_options(folder.path(), 200);
  write_report(options);
  const auto report = folder.path() / "report";
  const std::string md = read_text(report / "final_returns.md");
  EXPECT_NE(md.find("| method | Cheetah Run | Cheetah Run (repeat 2) | Breakout (v0) | Breakout |"),
            std::string::npos)
      << md;
  // Published numbers only in the protocol's columns (the first and the last).
  EXPECT_NE(
      md.find(
          "| *ARQ — ARQ project page, main table* | *881.30 ± 17.33* | — | — | *88.93 ± 5.90* |"),
      std::string::npos)
      << md;
  EXPECT_EQ(curve_files(report),
            (std::vector<std::string>{"dmc-cheetah-run-repeat2.svg", "dmc-cheetah-run.svg",
                                      "minatar-breakout-v0.svg", "minatar-breakout-v1.svg"}));
}

// TD-MPC2's protocol repeats each action twice and logs agent steps; a report shows every run in
// environment steps, so 500 logged steps of a ":repeat2" run are 1000 environment steps.
TEST(Report, ActionRepeatRunsAreSeenInEnvironmentSteps) {
  TempFolder folder;
  const auto root = folder.path() / "runs";
  for (int seed = 0; seed < 2; ++seed) {
    fabricate_run(root / ("tdmpc2-" + std::to_string(seed)), "tdmpc2", "dmc/walker-walk:repeat2",
                  seed, 1000, {{0, 20.0}, {500, 500.0 + seed}, {1000, 900.0 + seed}});
    fabricate_run(root / ("sac-" + std::to_string(seed)), "sac", "dmc/walker-walk", seed, 2000,
                  {{0, 20.0}, {1000, 100.0 + seed}, {2000, 300.0 + seed}});
  }
  const RunRecord repeated = load_run((root / "tdmpc2-0").string());
  EXPECT_EQ(repeated.environment_steps_per_agent_step, 2);
  EXPECT_EQ(repeated.total_steps, 2000);
  ASSERT_EQ(repeated.evals.size(), 3u);
  EXPECT_EQ(repeated.evals[1].step, 1000);
  EXPECT_EQ(repeated.evals[2].step, 2000);
  EXPECT_EQ(load_run((root / "sac-0").string()).evals[1].step, 1000);

  // --at-step counts environment steps for both: TD-MPC2's evaluation at agent step 500.
  ReportOptions options = svg_report_options(folder.path(), 200);
  options.paper = false;
  options.at_step = 1000;
  write_report(options);
  const std::string table = read_text(folder.path() / "report" / "final_returns.md");
  EXPECT_NE(table.find("500.50"), std::string::npos) << table;
  EXPECT_NE(table.find("100.50"), std::string::npos) << table;
  EXPECT_EQ(table.find("900.50"), std::string::npos) << table;
  const std::string md = read_text(folder.path() / "report" / "report.md");
  EXPECT_NE(md.find("their steps are multiplied by N"), std::string::npos) << md;
  const std::string data = read_text(folder.path() / "report" / "runs.csv");
  EXPECT_NE(data.find("1000,500"), std::string::npos) << data;
}

TEST(Report, SplitsAMethodThatUsedTwoActionInterfacesOnOneTask) {
  TempFolder folder;
  const auto root = folder.path() / "runs";
  fabricate_run(root / "a", "sac", "dmc/walker-walk", 0, 1000, {{1000, 900}});
  fabricate_run(root / "b", "sac", "dmc/walker-walk:bangbang", 0, 1000, {{1000, 700}});
  fabricate_run(root / "c", "sac", "dmc/walker-run", 0, 1000, {{1000, 500}});
  std::vector<std::string> warnings;
  const auto runs = load_runs({root.string()}, &warnings);
  const auto summaries = summarize_returns(runs, 0.95);
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[0].method, "sac");
  EXPECT_EQ(summaries[0].task, "dmc/walker-run");
  EXPECT_EQ(summaries[1].method, "sac (bang-bang)");
  EXPECT_DOUBLE_EQ(summaries[1].interval.estimate, 700.0);
  EXPECT_EQ(summaries[2].method, "sac (continuous)");
  EXPECT_DOUBLE_EQ(summaries[2].interval.estimate, 900.0);
  const auto plots = learning_curves(runs, 0.95);
  ASSERT_EQ(plots.size(), 2u);
  EXPECT_EQ(plots[1].first, "dmc/walker-walk");
  ASSERT_EQ(plots[1].second.series.size(), 2u);
  EXPECT_EQ(plots[1].second.series[0].label, "sac (bang-bang) (1 run)");
}

TEST(Report, PngThroughGnuplotWhenInstalled) {
  if (plot::find_gnuplot().empty())
    GTEST_SKIP() << "gnuplot is not installed (make installs gnuplot-nox)";
  TempFolder folder;
  fabricate_runs(folder.path() / "runs");
  ReportOptions options;
  options.inputs = {(folder.path() / "runs").string()};
  options.out_dir = folder / "report";
  options.bootstrap_repetitions = 200;
  write_report(options);
  const std::string png =
      read_text(folder.path() / "report" / "curves" / "minatar-space_invaders-v1.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // The kept program names its files relative to curves/: a committed report holds no path of
  // the machine that made it.
  const std::string program =
      read_text(folder.path() / "report" / "curves" / "minatar-space_invaders-v1.gp");
  EXPECT_NE(program.find("\"minatar-space_invaders-v1.dat\""), std::string::npos) << program;
  EXPECT_EQ(program.find(folder.path().string()), std::string::npos) << program;
}

TEST(Report, RejectsEmptyInputs) {
  TempFolder folder;
  ReportOptions options;
  options.inputs = {folder.path().string()};
  options.out_dir = folder / "report";
  EXPECT_THROW(write_report(options), Error);
  options.inputs = {folder / "nope"};
  EXPECT_THROW(write_report(options), Error);
}

// Breakout runs of different lengths: ARQ seeds stopped at 2000, 1000 and 500 steps (the last one
// unfinished) and one evaluated on a coarser grid (800, 1600), plus one finished AD run.
void fabricate_uneven_runs(const std::filesystem::path& root) {
  const std::string game = "minatar/breakout-v1";
  fabricate_run(root / "arq-long", "arq", game, 0, 2000,
                {{0, 0}, {500, 10}, {1000, 20}, {1500, 30}, {2000, 40}});
  fabricate_run(root / "arq-mid", "arq", game, 1, 1000, {{0, 0}, {500, 12}, {1000, 24}});
  fabricate_run(root / "arq-short", "arq", game, 2, 2000, {{0, 0}, {500, 14}}, 500);
  fabricate_run(root / "arq-coarse", "arq", game, 3, 1600, {{0, 0}, {800, 16}, {1600, 32}});
  fabricate_run(root / "ad", "ad", game, 0, 1000, {{0, 0}, {500, 5}, {1000, 7}});
}

TEST(Report, CutAtStepKeepsTheEvaluationsUpToTheStep) {
  TempFolder folder;
  fabricate_uneven_runs(folder.path());
  const RunRecord mid = load_run((folder.path() / "arq-mid").string());
  ASSERT_TRUE(mid.complete);

  const RunRecord exact = cut_at_step(mid, 500);
  EXPECT_TRUE(exact.reached_cut_step);
  EXPECT_TRUE(exact.finished());
  ASSERT_EQ(exact.evals.size(), 2u);
  EXPECT_DOUBLE_EQ(exact.final_return(), 12.0);

  // Between two evaluations: reached, and the one before the step stands for it.
  const RunRecord between = cut_at_step(mid, 700);
  EXPECT_TRUE(between.finished());
  EXPECT_EQ(between.evals.back().step, 500);

  // Complete, but only evaluated before the step: not reached.
  const RunRecord beyond = cut_at_step(mid, 1500);
  EXPECT_FALSE(beyond.finished());
  EXPECT_EQ(beyond.evals.size(), 3u);
  EXPECT_EQ(*beyond.cut_step, 1500);

  EXPECT_THROW(cut_at_step(mid, 0), Error);
  EXPECT_THROW(cut_at_step(mid, -5), Error);
}

// episodes.csv as the trainer writes it: episode i (1-based) ends at step 10 i with return
// `first_return + i - 1`.
void fabricate_training_episodes(const std::filesystem::path& run, int count, double first_return) {
  std::string csv = "step,episode,return,length\n";
  for (int i = 1; i <= count; ++i) {
    csv += std::to_string(10 * i) + "," + std::to_string(i) + "," +
           std::to_string(first_return + i - 1) + ",10\n";
  }
  testing::write_text(run / "episodes.csv", csv);
}

TEST(Report, TrainingReturnAveragesTheLastHundredTrainingEpisodes) {
  TempFolder folder;
  const auto run_dir = folder.path() / "run";
  fabricate_run(run_dir, "dqn", "minatar/breakout-v1", 1, 1500, {{0, 0}, {1500, 9}});
  EXPECT_FALSE(load_run(run_dir.string()).training_return().has_value());  // no episodes.csv

  fabricate_training_episodes(run_dir, 150, 1.0);  // returns 1..150, ending at steps 10..1500
  const RunRecord run = load_run(run_dir.string());
  ASSERT_EQ(run.training_episodes.size(), 150u);
  EXPECT_DOUBLE_EQ(*run.training_return(), 100.5);  // mean of 51..150
  // Cut at step 1000: episodes 1..100 remain, all of them averaged.
  EXPECT_DOUBLE_EQ(*cut_at_step(run, 1000).training_return(), 50.5);
  // Fewer than 100 episodes: all of them.
  EXPECT_DOUBLE_EQ(*cut_at_step(run, 305).training_return(), 15.5);  // mean of 1..30
}

TEST(Report, TrainingReturnsTableAndPaperColumns) {
  TempFolder folder;
  fabricate_runs(folder.path() / "runs");
  // ARQ's Breakout seeds get 100 training episodes each (returns 30.., 40.., 50.. upward).
  for (int seed = 0; seed < 3; ++seed) {
    fabricate_training_episodes(folder.path() / "runs" / ("arq-b-" + std::to_string(seed)), 100,
                                30.0 + 10.0 * seed);
  }
  const ReportResult result = write_report(svg_report_options(folder.path(), 200));
  const auto report = folder.path() / "report";
  // Means 79.5, 89.5, 99.5 (s = 10): only the cell with training episodes appears.
  const std::string training = read_text(report / "training_returns.csv");
  EXPECT_NE(training.find("\narq,minatar/breakout-v1,Breakout,minatar/breakout-v1,3,89.5,10,"),
            std::string::npos)
      << training;
  EXPECT_EQ(training.find("\nad,"), std::string::npos) << training;
  EXPECT_NE(result.summary_markdown.find("## Return of the last 100 training episodes"),
            std::string::npos);
  const std::string comparison = read_text(report / "paper_comparison.csv");
  EXPECT_NE(comparison.find("\narq,minatar/breakout-v1,minatar/breakout-v1,Breakout,"
                            "training_return,3,89.5,"),
            std::string::npos)
      << comparison;
  // 87.84 lies inside 89.5 ± 24.84; cells without training episodes show a dash.
  const std::string check = read_text(report / "paper_check.md");
  EXPECT_NE(check.find("| ours: last 100 training episodes [95 % CI] | inside |"),
            std::string::npos)
      << check;
  EXPECT_NE(check.find("| arq | Breakout | 87.84 | ARQ paper (ICLR 2026), mean of 5 seeds | 90.00 "
                       "[65.16, 114.84] (n=3) | yes | 45.00 [32.58, 57.42] (n=3) | no | 89.50 "
                       "[64.66, 114.34] (n=3) | yes |"),
            std::string::npos)
      << check;
  EXPECT_NE(check.find("| ad | Breakout |"), std::string::npos);
  EXPECT_NE(check.find("(n=3) | no | — | |"), std::string::npos) << check;
}

// The texts of centred SVG labels: the title, the x-axis tick labels in order, then the axis
// labels.
std::vector<std::string> centred_svg_texts(const std::string& svg) {
  const std::string marker = "text-anchor=\"middle\">";
  std::vector<std::string> texts;
  for (size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    const size_t begin = at + marker.size();
    texts.push_back(svg.substr(begin, svg.find('<', begin) - begin));
  }
  return texts;
}

// The largest x (first column) in a gnuplot data file of learning curves.
double largest_x(const std::string& data) {
  std::istringstream lines(data);
  double largest = -1.0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    largest = std::max(largest, std::stod(line));
  }
  return largest;
}

TEST(Report, AtStepComparesRunsOfDifferentLengthsAtOneStep) {
  TempFolder folder;
  fabricate_uneven_runs(folder.path() / "runs");
  ReportOptions options = svg_report_options(folder.path(), 200);
  options.paper = false;
  options.at_step = 1000;
  options.png = !plot::find_gnuplot().empty();
  const ReportResult result = write_report(options);
  const auto report = folder.path() / "report";

  // ARQ at step 1000: 20 (long), 24 (mid), 16 (coarse, its evaluation at 800); the short run
  // stopped at 500 is left out.
  const std::string finals = read_text(report / "final_returns.csv");
  EXPECT_NE(finals.find("\narq,minatar/breakout-v1,Breakout,minatar/breakout-v1,3,20,4,"),
            std::string::npos)
      << finals;
  EXPECT_NE(finals.find("\nad,minatar/breakout-v1,Breakout,minatar/breakout-v1,1,7,"),
            std::string::npos)
      << finals;
  const std::string md = read_text(report / "report.md");
  EXPECT_EQ(md.rfind("# Report at step 1000\n", 0), 0u) << md;
  EXPECT_NE(md.find("5 runs (4 reached step 1000)"), std::string::npos) << md;
  EXPECT_NE(md.find("## Evaluation return at step 1000"), std::string::npos) << md;
  EXPECT_NE(md.find("| arq | 20.00 ± "), std::string::npos) << md;
  EXPECT_NE(md.find("Cells: mean evaluation return at step 1000 over runs"), std::string::npos);
  EXPECT_NE(md.find("1 of 5 runs did not reach step 1000: they appear in the curves but not in "
                    "the tables"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("1 run went past step 1000 without an evaluation at it"), std::string::npos)
      << md;

  const std::string runs = read_text(report / "runs.csv");
  EXPECT_EQ(
      runs.rfind("method,task,env,seed,complete,at_step,reached,final_step,final_return,dir\n", 0),
      0u)
      << runs;
  EXPECT_NE(runs.find("\narq,minatar/breakout-v1,minatar/breakout-v1,0,true,1000,true,1000,20,"),
            std::string::npos)
      << runs;
  EXPECT_NE(runs.find("\narq,minatar/breakout-v1,minatar/breakout-v1,3,true,1000,true,800,16,"),
            std::string::npos)
      << runs;
  EXPECT_NE(runs.find("\narq,minatar/breakout-v1,minatar/breakout-v1,2,false,1000,false,500,14,"),
            std::string::npos)
      << runs;

  // The curves stop at step 1000, though two runs went on to 2000.
  const std::vector<std::string> texts =
      centred_svg_texts(read_text(report / "curves" / "minatar-breakout-v1.svg"));
  const auto x_label = std::find(texts.begin(), texts.end(), "environment steps");
  ASSERT_NE(x_label, texts.begin());
  EXPECT_EQ(*(x_label - 1), "1000");  // the last x tick
  EXPECT_EQ(std::find(texts.begin(), texts.end(), "2000"), texts.end());
  if (options.png) {
    EXPECT_EQ(largest_x(read_text(report / "curves" / "minatar-breakout-v1.dat")), 1000.0);
  }
  std::vector<std::string> warnings;
  std::vector<RunRecord> cut;
  for (const auto& run : load_runs({(folder.path() / "runs").string()}, &warnings))
    cut.push_back(cut_at_step(run, 1000));
  for (const auto& [task, plot] : learning_curves(cut, 0.95)) {
    for (const auto& series : plot.series) {
      ASSERT_FALSE(series.x.empty());
      EXPECT_EQ(series.x.back(), 1000.0) << series.label;
    }
  }
  EXPECT_EQ(result.summary_markdown, md);

  // Without the cut the same runs' curves go on to 2000.
  options.at_step.reset();
  write_report(options);
  const std::vector<std::string> uncut =
      centred_svg_texts(read_text(report / "curves" / "minatar-breakout-v1.svg"));
  EXPECT_NE(std::find(uncut.begin(), uncut.end(), "2000"), uncut.end());
}

TEST(Report, AtStepWithIncompleteRunsUsesTheirLastEvaluationBeforeTheStep) {
  TempFolder folder;
  fabricate_uneven_runs(folder.path() / "runs");
  ReportOptions options = svg_report_options(folder.path(), 200);
  options.at_step = 1000;
  options.include_incomplete = true;
  write_report(options);
  const auto report = folder.path() / "report";
  // (20 + 24 + 14 + 16) / 4: the short run counts with its evaluation at 500.
  const std::string finals = read_text(report / "final_returns.csv");
  EXPECT_NE(finals.find("\narq,minatar/breakout-v1,Breakout,minatar/breakout-v1,4,18.5,"),
            std::string::npos)
      << finals;
  const std::string md = read_text(report / "report.md");
  EXPECT_NE(md.find("1 of 5 runs did not reach step 1000: their last evaluation at or before "
                    "step 1000 is used in the tables"),
            std::string::npos)
      << md;
}

TEST(Report, AtStepThatNoRunReachedSaysSo) {
  TempFolder folder;
  fabricate_uneven_runs(folder.path() / "runs");
  // Evaluated only after the step: nothing to show for it at step 300.
  fabricate_run(folder.path() / "runs" / "late", "ad", "minatar/breakout-v1", 1, 1000, {{1000, 9}});
  ReportOptions options = svg_report_options(folder.path(), 200);
  options.at_step = 5000;
  ReportResult result = write_report(options);
  const auto report = folder.path() / "report";
  EXPECT_NE(result.summary_markdown.find("No run reached step 5000, so no tables"),
            std::string::npos)
      << result.summary_markdown;
  EXPECT_FALSE(std::filesystem::exists(report / "final_returns.csv"));
  EXPECT_TRUE(std::filesystem::exists(report / "curves" / "minatar-breakout-v1.svg"));

  // Every return at step 300 is 0: an explicit --normalize max has no best to divide by, and
  // the default (auto) falls back to raw returns with a note.
  options.at_step = 300;
  options.normalize = "max";
  EXPECT_THROW(write_report(options), arq::Error);
  options.normalize = "auto";
  result = write_report(options);
  bool fallback_noted = false;
  for (const auto& note : result.notes) {
    fallback_noted = fallback_noted || note.find("uses raw returns") != std::string::npos;
  }
  EXPECT_TRUE(fallback_noted);
  EXPECT_NE(read_text(report / "aggregate.csv").find(",none,"), std::string::npos);
  EXPECT_NE(result.summary_markdown.find(
                "1 run had no evaluation at or before step 300: left out of the tables and curves"),
            std::string::npos)
      << result.summary_markdown;
  const std::string runs = read_text(report / "runs.csv");
  EXPECT_NE(runs.find("\nad,minatar/breakout-v1,minatar/breakout-v1,1,true,300,false,,,"),
            std::string::npos)
      << runs;
  // Every other run reached 300 through its evaluation at 0.
  EXPECT_NE(read_text(report / "final_returns.csv")
                .find("\narq,minatar/breakout-v1,Breakout,minatar/breakout-v1,4,0,"),
            std::string::npos);
}

int run_command(const std::string& command, std::string* output) {
  TempFolder scratch;
  const std::string out = scratch / "out.txt";
  const int status = std::system((command + " > " + out + " 2>&1").c_str());
  *output = read_text(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Report, AtStepMustBeAPositiveInteger) {
  TempFolder folder;
  fabricate_uneven_runs(folder.path() / "runs");
  ReportOptions options = svg_report_options(folder.path(), 200);
  for (const int64_t bad : {0, -1000}) {
    options.at_step = bad;
    try {
      write_report(options);
      ADD_FAILURE() << "accepted --at-step " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--at-step must be a positive"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(folder.path() / "report" / "report.md"));

  const std::string command = std::string(ARQ_BINARY) + " report " + (folder / "runs") + " --out " +
                              (folder / "report") + " --no-png --bootstrap-reps 100";
  std::string output;
  EXPECT_EQ(run_command(command + " --at-step 1.5", &output), 2) << output;
  EXPECT_NE(output.find("--at-step: expected an integer, got '1.5'"), std::string::npos) << output;
  EXPECT_EQ(run_command(command + " --at-step 0", &output), 2) << output;
  EXPECT_NE(output.find("--at-step must be a positive"), std::string::npos) << output;
  ASSERT_EQ(run_command(command + " --at-step 1e3", &output), 0) << output;
  EXPECT_EQ(read_text(folder.path() / "report" / "report.md").rfind("# Report at step 1000\n", 0),
            0u);
}

TEST(PaperResults, MapsEnvironmentsAndMethods) {
  EXPECT_EQ(paper_task_name("minatar/space_invaders-v1"), "SpaceInvaders");
  EXPECT_EQ(paper_task_name("minatar/breakout-v0"), "Breakout");
  EXPECT_EQ(paper_task_name("dmc/walker-walk"), "Walker Walk");
  EXPECT_EQ(paper_task_name("dmc/hopper-hop:bangbang"), "Hopper Hop");
  EXPECT_EQ(paper_task_name("minatar/unknown-v1"), "");
  EXPECT_TRUE(same_method("arq", "ARQ"));
  EXPECT_TRUE(same_method("AD-w-AC", "AD w/ AC"));
  EXPECT_FALSE(same_method("ARQ w/o AC", "ARQ"));
  std::map<std::string, size_t> table_rows;  // per source
  for (const auto& r : paper_results()) table_rows[r.source] += !r.approximate;
  // Both versions of the main table: 3 methods x 5 MinAtar games + 4 methods x 5 DMC tasks.
  EXPECT_EQ(table_rows["ARQ project page, main table"], 35u);
  EXPECT_EQ(table_rows["ARQ paper (ICLR 2026), mean of 5 seeds"], 35u);
  // The ICLR goodness ablation: mean, msq, var and AD on Breakout and SpaceInvaders.
  EXPECT_EQ(table_rows["ARQ paper (ICLR 2026), goodness ablation"], 8u);
  // The two versions differ in the AD and ARQ rows only.
  auto value = [](const std::string& method, const std::string& task, const std::string& source) {
    for (const auto& r : paper_results()) {
      if (r.method == method && r.task == task && r.source == source) return r.value;
    }
    return -1.0;
  };
  EXPECT_DOUBLE_EQ(value("ARQ", "Seaquest", "ARQ paper (ICLR 2026), mean of 5 seeds"), 96.45);
  EXPECT_DOUBLE_EQ(value("ARQ", "Seaquest", "ARQ project page, main table"), 100.81);
  EXPECT_DOUBLE_EQ(value("DQN", "Asterix", "ARQ paper (ICLR 2026), mean of 5 seeds"), 13.60);
  EXPECT_DOUBLE_EQ(value("ARQ (msq)", "SpaceInvaders", "ARQ paper (ICLR 2026), goodness ablation"),
                   434.88);
}

TEST(LinePlot, TicksAndLabels) {
  EXPECT_EQ(plot::nice_ticks(0, 1e6, 6),
            (std::vector<double>{0, 200000, 400000, 600000, 800000, 1e6}));
  EXPECT_EQ(plot::nice_ticks(3, 97, 6), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(plot::compact_number(4e6), "4M");
  EXPECT_EQ(plot::compact_number(250000), "250k");
  EXPECT_EQ(plot::compact_number(12.5), "12.5");
}

}  // namespace
}  // namespace arq::report
