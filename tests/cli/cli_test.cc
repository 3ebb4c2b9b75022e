// The command line end to end: bad input gives one clear error line and a non-zero exit, and
// `arq rollout` reproduces the reference harness's files.
#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"

namespace {

namespace fs = std::filesystem;

using arq::test::CommandResult;
using arq::test::expect_clear_error;
using arq::test::run_arq;
using arq::test::temp_path;

TEST(Cli, RolloutRejectsBadInputClearly) {
  expect_clear_error("rollout --env minatar/pong-v1 --seed 0 --steps 5", "minatar/pong-v1");
  expect_clear_error("rollout --env minatar/breakout-v1 --seed 0 --steps -3", "--steps");
  expect_clear_error(
      "rollout --env minatar/breakout-v1 --seed 0 --actions /nonexistent/actions.txt",
      "/nonexistent/actions.txt");
  const fs::path actions = temp_path("actions.txt");
  std::ofstream(actions) << "0\n1\n7\n";
  expect_clear_error("rollout --env minatar/breakout-v1 --seed 0 --actions " + actions.string(),
                     "action 7");
  std::ofstream(actions) << "0\nleft\n";
  expect_clear_error("rollout --env minatar/breakout-v1 --seed 0 --actions " + actions.string(),
                     "line 2");
  fs::remove(actions);
}

TEST(Cli, TrainRejectsUnknownConfigKeys) {
  expect_clear_error("train --set optim.learnrate=1", "optim.learnrate");
  expect_clear_error("train --config /nonexistent.toml", "/nonexistent.toml");
  expect_clear_error(
      "train --env minatar/nope-v1 --total-steps 10 --run-dir " + temp_path("nope").string(),
      "minatar/nope-v1");
}

// `arq rollout --policy uniform` draws its actions like the harness's uniform policy, so it must
// reproduce the recorded reference files exactly, record for record.
TEST(Cli, UniformRolloutReproducesTheReferenceFiles) {
  for (const std::string game : {"breakout", "seaquest", "space_invaders"}) {
    const fs::path reference = fs::path(ARQ_TEST_DATA_DIR) / "minatar" / "uniform_v1" /
                               (game + "_v1_seed1_uniform_2000.jsonl.gz");
    const fs::path out = temp_path(game + ".jsonl.gz");
    const CommandResult result =
        run_arq("rollout --env minatar/" + game + "-v1 --seed 1 --policy uniform " +
                "--steps 2000 --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const auto expected = arq::read_lines(reference.string());
    const auto actual = arq::read_lines(out.string());
    ASSERT_EQ(expected.size(), actual.size()) << game;
    for (size_t i = 1; i < expected.size(); ++i) {
      auto e = nlohmann::json::parse(expected[i]);
      auto a = nlohmann::json::parse(actual[i]);
      for (const char* key : {"reset", "t", "a", "ea", "r", "term", "obs", "rng"}) {
        ASSERT_EQ(e.contains(key), a.contains(key)) << game << " record " << i << " " << key;
        if (e.contains(key)) {
          ASSERT_EQ(e[key], a[key]) << game << " record " << i << " " << key;
        }
      }
    }
    fs::remove(out);
  }
}

}  // namespace
