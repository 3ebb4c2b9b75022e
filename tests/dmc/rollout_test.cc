// The JSON-lines rollout writer and the action-file reader.
#include "arq/env/dmc/rollout.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/dmc/dmc_env.h"

namespace arq::dmc {
namespace {

class TempDir {
 public:
  TempDir() {
    path_ =
        std::filesystem::temp_directory_path() /
        ("arq_dmc_rollout_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::vector<nlohmann::json> read_records(const std::string& path) {
  std::vector<nlohmann::json> records;
  for (const auto& line : read_lines(path)) records.push_back(nlohmann::json::parse(line));
  return records;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(DmcRollout, RecordsMatchTheEnvironmentExactly) {
  TempDir dir;
  const std::string actions_path = dir.file("actions.txt");
  write_text(actions_path, "# two control steps of reacher\n0.5 -0.25\n\n1e-3, -1\n0.75\t0.125\n");
  RolloutRequest request;
  request.task = "dmc/reacher-hard";
  request.seed = 1;
  request.actions = read_action_file(actions_path, 2);
  ASSERT_EQ(request.actions->size(), 6u);
  request.steps = 3;
  request.physics = true;
  const std::string out_path = dir.file("out.jsonl");
  TextWriter out(out_path);
  const RolloutSummary summary = write_rollout(request, out);
  out.close();
  EXPECT_EQ(summary.steps, 3);

  const auto records = read_records(out_path);
  ASSERT_EQ(records.size(), 5u);
  const auto& header = records[0];
  EXPECT_EQ(header["type"], "header");
  EXPECT_EQ(header["env_id"], "dmc/reacher-hard");
  EXPECT_EQ(header["domain"], "reacher");
  EXPECT_EQ(header["task"], "hard");
  EXPECT_EQ(header["obs_size"], 6);
  EXPECT_EQ(header["action_dim"], 2);
  EXPECT_EQ(header["obs_parts"][1]["name"], "to_target");
  EXPECT_EQ(header["joints"][1], "wrist");
  EXPECT_EQ(header["mujoco_version"], "2.2.2");

  // Replay the same actions: every number must round-trip exactly (17 significant digits).
  DmcEnv env("reacher-hard");
  env.reset(1);
  EXPECT_EQ(records[1]["reset"], 0);
  EXPECT_EQ(records[1]["t"], 0);
  EXPECT_EQ(records[1]["obs"].get<std::vector<double>>(),
            std::vector<double>(env.observation_f64().begin(), env.observation_f64().end()));
  EXPECT_EQ(records[1]["qpos"][0], -0.52136612087200396);
  for (int t = 0; t < 3; ++t) {
    const auto& record = records[2 + t];
    const std::vector<double> action(request.actions->begin() + 2 * t,
                                     request.actions->begin() + 2 * t + 2);
    const StepResult result = env.step_continuous(action);
    EXPECT_EQ(record["t"], t);
    EXPECT_EQ(record["a"].get<std::vector<double>>(), action);
    EXPECT_EQ(record["r"].get<double>(), result.reward);
    EXPECT_EQ(record["term"], false);
    EXPECT_EQ(record["trunc"], false);
    EXPECT_EQ(record["obs"].get<std::vector<double>>(),
              std::vector<double>(env.observation_f64().begin(), env.observation_f64().end()));
    EXPECT_EQ(record["qvel"].get<std::vector<double>>(),
              std::vector<double>(env.physics().qvel().begin(), env.physics().qvel().end()));
  }
}

TEST(DmcRollout, UniformPolicyCrossesEpisodesWithAResetRecord) {
  TempDir dir;
  RolloutRequest request;
  request.task = "reacher-hard";
  request.seed = 4;
  request.steps = 1002;
  request.policy_seed = 8;
  const std::string out_path = dir.file("uniform.jsonl.gz");
  TextWriter out(out_path);
  const RolloutSummary summary = write_rollout(request, out);
  out.close();
  EXPECT_EQ(summary.episodes_completed, 1);
  const auto records = read_records(out_path);
  ASSERT_EQ(records.size(), 1u + 1 + 1002 + 1);
  EXPECT_EQ(records[0]["policy"], "uniform");
  EXPECT_EQ(records[0]["policy_seed"], 8);
  EXPECT_FALSE(records[1].contains("qpos"));
  EXPECT_EQ(records[1000]["trunc"], false);
  EXPECT_EQ(records[1001]["t"], 999);
  EXPECT_EQ(records[1001]["trunc"], true);
  EXPECT_EQ(records[1002]["reset"], 1);
  EXPECT_EQ(records[1002]["t"], 1000);
  EXPECT_EQ(records[1003]["t"], 1000);
  // Actions are RandomState(policy_seed).uniform(-1, 1), component by component.
  NumpyRandomState policy(8);
  const double first = policy.uniform(-1.0, 1.0);
  const double second = policy.uniform(-1.0, 1.0);
  EXPECT_EQ(records[2]["a"].get<std::vector<double>>(), (std::vector<double>{first, second}));
  double total = 0.0;
  for (size_t i = 2; i < records.size(); ++i) {
    if (records[i].contains("r")) total += records[i]["r"].get<double>();
  }
  EXPECT_EQ(total, summary.total_reward);
}

TEST(DmcRollout, FormatsSeventeenSignificantDigits) {
  EXPECT_EQ(format_double(0.1), "0.10000000000000001");
  EXPECT_EQ(format_double(-0.52136612087200396), "-0.52136612087200396");
  EXPECT_EQ(format_double(1.0), "1");
  EXPECT_EQ(format_double(6.8522061787857226e-05), "6.8522061787857226e-05");
}

TEST(DmcRollout, ActionFileErrorsNameFileAndLine) {
  TempDir dir;
  const std::string path = dir.file("bad.txt");
  auto message_of = [&](const std::string& text, int dim) {
    write_text(path, text);
    try {
      read_action_file(path, dim);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of("0 0\n0 0 0\n", 2).find("line 2: 3 values, expected 2"), std::string::npos);
  EXPECT_NE(message_of("0 zero\n", 2).find("line 1"), std::string::npos);
  EXPECT_NE(message_of("0 nan\n", 2).find("line 1"), std::string::npos);
  EXPECT_NE(message_of("1 -1\n", 2).find("no error"), std::string::npos);
  // The physics would clip an action outside the bounds while the file recorded it as given.
  EXPECT_NE(message_of("0 0\n1 2\n", 2)
                .find("line 2: value 2 (action[1]) is outside the action bounds [-1, 1]"),
            std::string::npos);
  EXPECT_THROW(read_action_file(dir.file("missing.txt"), 2), Error);

  RolloutRequest request;
  request.task = "cheetah-run";
  request.actions = std::vector<double>(12, 0.0);  // two steps of six
  request.steps = 3;
  TextWriter out(dir.file("short.jsonl"));
  EXPECT_THROW(write_rollout(request, out), Error);
  request.task = "cheetah-fly";
  EXPECT_THROW(write_rollout(request, out), Error);
}

}  // namespace
}  // namespace arq::dmc
