// `arq analyze pca` end to end on tiny ARQ checkpoints, with and without action conditioning.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"
#include "cli/tiny_local_run.h"

namespace {

namespace fs = std::filesystem;

using arq::test::CommandResult;
using arq::test::run_arq;
using arq::test::temp_path;
using arq::test::train_tiny_local;

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Runs the analysis and checks the files against each other; returns the summary.
nlohmann::json analyze(const fs::path& run, const std::string& states, const fs::path& out) {
  const CommandResult result = run_arq("analyze pca --checkpoint " + run.string() + " " + states +
                                       " --no-png --out " + out.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto summary = nlohmann::json::parse(arq::read_file((out / "summary.json").string()));
  for (const char* file :
       {"pca.csv", "h_pca.csv", "y_pc1_pc2.svg", "y_pc1_q.svg", "h_pc1_pc2.svg", "h_pc1_q.svg"}) {
    EXPECT_TRUE(fs::exists(out / file)) << file;
  }
  // pca.csv: one row per (state, action); its columns reproduce the summary's correlation.
  const auto lines = arq::read_lines((out / "pca.csv").string());
  const int states_count = summary["states"].get<int>();
  EXPECT_EQ(static_cast<int>(lines.size()), 1 + 3 * states_count);
  std::vector<double> pc1, q;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::stringstream row(lines[i]);
    std::vector<std::string> cells;
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    EXPECT_EQ(std::stoi(cells[3]), static_cast<int>((i - 1) % 3));  // action
    pc1.push_back(std::stod(cells[4]));
    q.push_back(std::stod(cells[6]));
  }
  EXPECT_NEAR(correlation(pc1, q), summary["y"]["corr_pc1_q"].get<double>(), 1e-6);
  for (const char* part : {"y", "h"}) {
    const auto& p = summary[part];
    const double r1 = p["explained_variance_ratio"][0], r2 = p["explained_variance_ratio"][1];
    EXPECT_GT(r1, 0.0);
    EXPECT_GE(r1, r2);
    EXPECT_LE(r1 + r2, 1.0 + 1e-9);
    for (const char* share : {"action_share_of_variance", "action_share_of_pc1_variance"}) {
      EXPECT_GE(p[share].get<double>(), 0.0) << part << " " << share;
      EXPECT_LE(p[share].get<double>(), 1.0) << part << " " << share;
    }
  }
  EXPECT_LT(summary["y"]["q_from_y_max_relative_error"].get<double>(), 1e-5);
  return summary;
}

TEST(AnalyzePca, WithoutActionConditioningTheVectorsClusterByAction) {
  const fs::path arq = train_tiny_local("arq", "minatar/breakout-v1", "arq", "");
  const fs::path no_ac = train_tiny_local("no_ac", "minatar/breakout-v1", "arq",
                                          "--set local.action_conditioning=false");
  const fs::path rollout = temp_path("rollout.jsonl");
  ASSERT_EQ(
      run_arq("rollout --env minatar/breakout-v1 --seed 4 --steps 200 --out " + rollout.string())
          .exit_code,
      0);
  const auto with = analyze(arq, "--obs " + rollout.string(), temp_path("with"));
  const auto without = analyze(no_ac, "--obs " + rollout.string(), temp_path("without"));
  EXPECT_EQ(with["action_conditioning"], true);
  EXPECT_EQ(without["action_conditioning"], false);
  // Without conditioning each action reads its own block of z2, which separates the actions'
  // vectors (the paper's figure); with it the state dominates.
  EXPECT_GT(without["y"]["action_share_of_pc1_variance"].get<double>(),
            with["y"]["action_share_of_pc1_variance"].get<double>());

  // States collected by playing, from another layer.
  const fs::path played = temp_path("played");
  const CommandResult result = run_arq("analyze pca --checkpoint " + arq.string() +
                                       " --play 120 --layer 2 --no-png --out " + played.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto summary = nlohmann::json::parse(arq::read_file((played / "summary.json").string()));
  EXPECT_EQ(summary["states"], 120);
  EXPECT_EQ(summary["layer"], 2);
  EXPECT_EQ(summary["y"]["dimensions"], 12);

  // Clear errors.
  for (const auto& [arguments, must_mention] : std::vector<std::pair<std::string, std::string>>{
           {"--checkpoint " + arq.string() + " --out " + played.string(), "--play"},
           {"--checkpoint " + arq.string() + " --play 10 --layer 3 --out " + played.string(),
            "--layer 3"},
           {"--checkpoint " + arq.string() + " --play 0 --out " + played.string(), "--play"}}) {
    const CommandResult bad = run_arq("analyze pca " + arguments);
    EXPECT_NE(bad.exit_code, 0) << arguments;
    EXPECT_NE(bad.output.find(must_mention), std::string::npos) << bad.output;
  }
  for (const fs::path& p : {arq, no_ac, rollout, temp_path("with"), temp_path("without"), played})
    fs::remove_all(p);
}

}  // namespace
