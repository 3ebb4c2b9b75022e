// `arq q` end to end, and the proof of docs/checkpoints.md: tiny ARQ/AD runs are trained for a
// few hundred steps, `arq q` evaluates them over a rollout, and scripts/q_from_checkpoint.py
// recomputes every layer's Q and h from the checkpoint with numpy, using the document's code.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"
#include "cli/tiny_local_run.h"

namespace {

namespace fs = std::filesystem;

using arq::test::CommandResult;
using arq::test::expect_clear_error;
using arq::test::run_arq;
using arq::test::run_shell;
using arq::test::temp_path;
using arq::test::train_tiny_local;

// The first python3 with numpy (scripts/install-deps.sh installs Debian's python3-numpy).
std::string python_with_numpy() {
  for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
    if (run_shell(candidate + " -c 'import numpy, tomllib'").exit_code == 0) return candidate;
  }
  return "";
}

fs::path rollout(const std::string& env, const std::string& name) {
  const fs::path path = temp_path(name + ".jsonl");
  const CommandResult result =
      run_arq("rollout --env " + env + " --seed 5 --steps 150 --out " + path.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return path;
}

struct Variant {
  std::string name, env, agent, settings;
};

// What ctest and gtest print as GetParam() instead of the struct's bytes (the test name already
// ends with v.name).
void PrintTo(const Variant& v, std::ostream* out) {
  *out << v.agent << " on " << v.env << (v.settings.empty() ? "" : " " + v.settings);
}

class QMatchesNumpy : public ::testing::TestWithParam<Variant> {};

TEST_P(QMatchesNumpy, EveryLayersQAndHAgreeWithTheDocumentsNumpyCode) {
  const std::string python = python_with_numpy();
  ASSERT_FALSE(python.empty()) << "python3 with numpy is needed (scripts/install-deps.sh)";
  const Variant& v = GetParam();
  const fs::path run = train_tiny_local(v.name, v.env, v.agent, v.settings);
  const fs::path observations = rollout(v.env, v.name + "_rollout");
  const fs::path q = temp_path(v.name + "_q.jsonl");
  const CommandResult q_result = run_arq("q --checkpoint " + run.string() + " --obs " +
                                         observations.string() + " --out " + q.string());
  ASSERT_EQ(q_result.exit_code, 0) << q_result.output;

  // The file's shape: a header, then one line per observation the agent acts on.
  const auto lines = arq::read_lines(q.string());
  ASSERT_GT(lines.size(), 100u);
  const auto header = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(header["format"], "arq-q-1");
  EXPECT_EQ(header["checkpoint_step"], 300);
  EXPECT_EQ(header["agent"], v.agent);
  EXPECT_EQ(header["widths"], (std::vector<int>{16, 12, 12}));
  const int actions = header["actions"].get<int>();
  const auto first = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(first["t"], 0);
  EXPECT_EQ(first["episode"], 0);
  ASSERT_EQ(first["q"].size(), 3u);
  EXPECT_EQ(first["q"][0].size(), static_cast<size_t>(actions));
  EXPECT_EQ(first["h"][2].size(), 12u);

  const CommandResult check =
      run_shell(python + " " + ARQ_SOURCE_DIR + "/scripts/q_from_checkpoint.py --checkpoint " +
                run.string() + " --obs " + observations.string() + " --q " + q.string() +
                " --doc " + ARQ_SOURCE_DIR + "/docs/checkpoints.md --tolerance 1e-4");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find(": OK"), std::string::npos) << check.output;
  fs::remove_all(run);
  fs::remove(observations);
  fs::remove(q);
}

INSTANTIATE_TEST_SUITE_P(
    Cells, QMatchesNumpy,
    ::testing::Values(Variant{"arq_std_onehot", "minatar/breakout-v1", "arq", ""},
                      Variant{"arq_rms_binary_paper", "minatar/space_invaders-v1", "arq",
                              "--set local.goodness=rms --set local.action_code=binary "
                              "--set local.norm_order=paper"},
                      Variant{"arq_without_conditioning_msq", "minatar/breakout-v1", "arq",
                              "--set local.action_conditioning=false --set local.goodness=msq"},
                      Variant{"ad", "minatar/breakout-v1", "ad",
                              "--set local.action_conditioning=false"},
                      Variant{"ad_with_conditioning", "minatar/asterix-v1", "ad",
                              "--set local.action_conditioning=true"}),
    [](const ::testing::TestParamInfo<Variant>& param_info) { return param_info.param.name; });

// The check is not vacuous: the same run against a document with one equation changed (no tanh
// on the normalised M rows) fails.
TEST(QCommand, TheNumpyCheckCatchesAWrongEquation) {
  const std::string python = python_with_numpy();
  ASSERT_FALSE(python.empty()) << "python3 with numpy is needed (scripts/install-deps.sh)";
  const fs::path run = train_tiny_local("wrong_doc", "minatar/breakout-v1", "arq", "");
  const fs::path observations = rollout("minatar/breakout-v1", "wrong_doc_rollout");
  const fs::path q = temp_path("wrong_doc_q.jsonl");
  ASSERT_EQ(run_arq("q --checkpoint " + run.string() + " --obs " + observations.string() +
                    " --out " + q.string())
                .exit_code,
            0);
  std::string doc = arq::read_file(std::string(ARQ_SOURCE_DIR) + "/docs/checkpoints.md");
  const std::string equation = "w = np.tanh((m - m.mean(1, keepdims=True))";
  const size_t at = doc.find(equation);
  ASSERT_NE(at, std::string::npos);
  doc.replace(at, equation.size(), "w = ((m - m.mean(1, keepdims=True))");
  const fs::path wrong_doc = temp_path("wrong_checkpoints.md");
  arq::write_file_atomic(wrong_doc.string(), doc);
  const CommandResult check = run_shell(
      python + " " + ARQ_SOURCE_DIR + "/scripts/q_from_checkpoint.py --checkpoint " + run.string() +
      " --obs " + observations.string() + " --q " + q.string() + " --doc " + wrong_doc.string());
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("MISMATCH"), std::string::npos) << check.output;
  for (const fs::path& p : {run, observations, q, wrong_doc}) fs::remove_all(p);
}

TEST(QCommand, RejectsBadInputClearly) {
  const fs::path run = train_tiny_local("errors", "minatar/breakout-v1", "arq", "");
  const fs::path good = rollout("minatar/breakout-v1", "good");
  const fs::path out = temp_path("out.jsonl");
  const std::string q = "q --out " + out.string() + " ";

  expect_clear_error(
      q + "--checkpoint " + temp_path("missing").string() + " --obs " + good.string(),
      "config.toml");
  expect_clear_error(
      q + "--checkpoint " + run.string() + " --obs " + temp_path("missing.jsonl").string(),
      "missing.jsonl");
  // A rollout of another game.
  const fs::path other = rollout("minatar/asterix-v1", "other");
  expect_clear_error(q + "--checkpoint " + run.string() + " --obs " + other.string(),
                     "minatar/asterix-v1");
  // A damaged observation names the file and the line.
  auto lines = arq::read_lines(good.string());
  const size_t damaged_line = 4;
  auto record = nlohmann::json::parse(lines[damaged_line - 1]);
  record["obs"] = record["obs"].get<std::string>().substr(2);
  lines[damaged_line - 1] = record.dump();
  const fs::path damaged = temp_path("damaged.jsonl");
  {
    std::ofstream file(damaged);
    for (const auto& line : lines) file << line << "\n";
  }
  expect_clear_error(q + "--checkpoint " + run.string() + " --obs " + damaged.string(),
                     damaged.string() + "' line 4");
  // A DQN checkpoint.
  const fs::path dqn = temp_path("dqn");
  const CommandResult trained = run_arq(
      "train --env minatar/breakout-v1 --total-steps 200 --quiet --run-dir " + dqn.string() +
      " --set run.agent=dqn --set run.learning_starts=100 --set replay.batch_size=8"
      " --set run.eval_frequency=0 --set run.checkpoint_frequency=200"
      " --set replay.capacity=1000");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  expect_clear_error(q + "--checkpoint " + dqn.string() + " --obs " + good.string(),
                     "needs a local agent");
  EXPECT_FALSE(fs::exists(out));
  for (const fs::path& p : {run, good, other, damaged, dqn}) fs::remove_all(p);
}

}  // namespace
