#include "arq/experiments/report.h"

#include <gtest/gtest.h>

#include <cmath>

#include "arq/core/error.h"
#include "arq/experiments/paper_results.h"
#include "arq/experiments/report_data.h"
#include "arq/experiments/run_record.h"
#include "test_folder.h"

namespace arq::experiments {
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
  const auto summaries = summarize_final_returns(finished, 0.95);
  ASSERT_EQ(summaries.size(), 4u);
  // Sorted by method then env: ad/breakout first. mean 70, s = 10, t(0.975, 2) * 10 / sqrt(3).
  EXPECT_EQ(summaries[0].method, "ad");
  EXPECT_EQ(summaries[0].env, "minatar/breakout-v1");
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

TEST(Report, LearningCurvesAverageRunsPerStep) {
  TempFolder folder;
  fabricate_runs(folder.path());
  std::vector<std::string> warnings;
  const auto plots = learning_curves(load_runs({folder.path().string()}, &warnings), 0.95);
  ASSERT_EQ(plots.size(), 2u);
  EXPECT_EQ(plots[0].first, "minatar/breakout-v1");
  const PlotSeries& arq = plots[0].second.series[1];
  EXPECT_EQ(arq.label, "arq (4 runs)");
  ASSERT_EQ(arq.x.size(), 3u);
  EXPECT_DOUBLE_EQ(arq.y[1], (40 + 45 + 50 + 1000) / 4.0);  // the unfinished run counts here
  EXPECT_DOUBLE_EQ(arq.y[2], 90.0);                         // but has no step-1000 evaluation
}

TEST(Report, WritesTablesCurvesAndPaperNumbers) {
  TempFolder folder;
  fabricate_runs(folder.path() / "runs");
  ReportOptions options;
  options.inputs = {(folder.path() / "runs").string()};
  options.out_dir = folder / "report";
  options.paper = true;
  options.bootstrap_repetitions = 500;
  options.png = false;
  const ReportResult result = write_report(options);

  const std::string finals = read_text(folder.path() / "report" / "final_returns.csv");
  EXPECT_EQ(finals.rfind("method,env,task,runs,mean,std,ci_low,ci_high,ci_half_width\n", 0), 0u);
  EXPECT_NE(finals.find("\nad,minatar/space_invaders-v1,SpaceInvaders,3,350,50,"),
            std::string::npos)
      << finals;
  const std::string md = read_text(folder.path() / "report" / "final_returns.md");
  EXPECT_NE(md.find("| method | Breakout | SpaceInvaders |"), std::string::npos);
  EXPECT_NE(md.find("| arq | 90.00 ± 24.84 (n=3) |"), std::string::npos);
  EXPECT_NE(md.find("88.93 ± 5.90"), std::string::npos);  // the ARQ paper's Breakout number
  const std::string comparison = read_text(folder.path() / "report" / "paper_comparison.csv");
  EXPECT_NE(comparison.find("arq,minatar/breakout-v1,Breakout,3,90,"), std::string::npos);
  const std::string aggregate = read_text(folder.path() / "report" / "aggregate.md");
  EXPECT_NE(aggregate.find("best method's mean"), std::string::npos);
  const std::string svg =
      read_text(folder.path() / "report" / "curves" / "minatar-breakout-v1.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("arq (4 runs)"), std::string::npos);
  EXPECT_NE(svg.find("<polygon"), std::string::npos);
  EXPECT_NE(result.summary_markdown.find("1 of 13 runs are not complete"), std::string::npos);
}

TEST(Report, PngThroughGnuplotWhenInstalled) {
  if (find_gnuplot().empty())
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

TEST(PaperResults, MapsEnvironmentsAndMethods) {
  EXPECT_EQ(paper_task_name("minatar/space_invaders-v1"), "SpaceInvaders");
  EXPECT_EQ(paper_task_name("minatar/breakout-v0"), "Breakout");
  EXPECT_EQ(paper_task_name("dmc/walker-walk"), "Walker Walk");
  EXPECT_EQ(paper_task_name("dmc/hopper-hop:bangbang"), "Hopper Hop");
  EXPECT_EQ(paper_task_name("minatar/unknown-v1"), "");
  EXPECT_TRUE(same_method("arq", "ARQ"));
  EXPECT_TRUE(same_method("AD-w-AC", "AD w/ AC"));
  EXPECT_FALSE(same_method("ARQ w/o AC", "ARQ"));
  size_t table_rows = 0;
  for (const auto& r : paper_results()) table_rows += !r.approximate;
  EXPECT_EQ(table_rows, 35u);  // 3 methods x 5 MinAtar games + 4 methods x 5 DMC tasks
}

TEST(LinePlot, TicksAndLabels) {
  EXPECT_EQ(nice_ticks(0, 1e6, 6), (std::vector<double>{0, 200000, 400000, 600000, 800000, 1e6}));
  EXPECT_EQ(nice_ticks(3, 97, 6), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(compact_number(4e6), "4M");
  EXPECT_EQ(compact_number(250000), "250k");
  EXPECT_EQ(compact_number(12.5), "12.5");
}

}  // namespace
}  // namespace arq::experiments
