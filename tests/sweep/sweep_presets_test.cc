// The sweep files shipped in configs/sweeps/ expand, and every key they set is a config key.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "arq/sweep/manifest.h"
#include "arq/sweep/sweep_spec.h"
#include "test_folder.h"

namespace arq::sweep {
namespace {

const std::filesystem::path kSweeps =
    std::filesystem::path(ARQ_TEST_DATA_DIR) / ".." / ".." / "configs" / "sweeps";

// The keys `arq train --help-config` lists ("run.seed (integer, default 1): ..."), or empty when
// this arq has no train command.
std::set<std::string> config_keys() {
  testing::TempFolder scratch;
  const std::string out = scratch / "keys.txt";
  if (std::system((std::string(ARQ_BINARY) + " train --help-config > " + out + " 2>&1").c_str()) !=
      0)
    return {};
  std::set<std::string> keys;
  std::istringstream in(testing::read_text(out));
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(" (");
    if (space != std::string::npos && line.find('.') < space) keys.insert(line.substr(0, space));
  }
  return keys;
}

TEST(SweepPresets, ExpandToThePapersGrids) {
  const std::map<std::string, size_t> expected_runs = {{"minatar-table", 3 * 5 * 10},
                                                       {"minatar-table-cpu", 3 * 5 * 5},
                                                       {"dmc-table", 4 * 5 * 10},
                                                       {"dmc-table-cpu", 4 * 5 * 5},
                                                       {"action-conditioning", 4 * 2 * 10},
                                                       {"action-conditioning-cpu", 4 * 2 * 5},
                                                       {"goodness", 5 * 2 * 10},
                                                       {"goodness-cpu", 5 * 2 * 5},
                                                       {"dqn-paper-protocol", 1 * 5 * 5}};
  const std::set<std::string> keys = config_keys();
  size_t files = 0;
  for (const auto& item : std::filesystem::directory_iterator(kSweeps)) {
    if (item.path().extension() != ".toml") continue;
    ++files;
    SCOPED_TRACE(item.path().string());
    const SweepSpec spec = load_sweep_file(item.path().string());
    ASSERT_EQ(expected_runs.count(spec.name), 1u) << "unexpected sweep " << spec.name;
    ExpandOptions options;
    options.out_dir = "/nonexistent/out";
    options.default_trainer = "arq train";
    const Manifest manifest = expand_sweep(spec, options);
    EXPECT_EQ(manifest.entries.size(), expected_runs.at(spec.name));
    for (const auto& entry : manifest.entries) {
      ASSERT_TRUE(entry.total_steps.has_value()) << entry.id;
      if (keys.empty()) continue;
      std::istringstream words(entry.command);
      std::string word;
      while (words >> word) {
        if (word != "--set") continue;
        words >> word;
        const std::string key = word.substr(0, word.find('='));
        EXPECT_EQ(keys.count(key), 1u) << entry.id << " sets unknown key " << key;
      }
    }
  }
  EXPECT_EQ(files, expected_runs.size());
  if (keys.empty()) GTEST_SKIP() << "arq has no train command: config keys not checked";
}

TEST(SweepPresets, CpuScaleOverridesWinOverPaperScale) {
  const SweepSpec spec = load_sweep_file((kSweeps / "dmc-table-cpu.toml").string());
  ExpandOptions options;
  options.default_trainer = "arq train";
  options.out_dir = "/nonexistent/out";
  const Manifest manifest = expand_sweep(spec, options);
  for (const auto& entry : manifest.entries) {
    const std::string& command = entry.command;
    EXPECT_NE(command.find("--total-steps 500000"), std::string::npos) << command;
    EXPECT_EQ(entry.total_steps, 500000) << entry.id;
    // The last --set of a key wins in arq train: the CPU replay, one as long as the run.
    EXPECT_NE(command.rfind("--set replay.capacity="), std::string::npos) << command;
    EXPECT_EQ(command.rfind("--set replay.capacity="), command.find("replay.capacity=500000") - 6)
        << command;
    EXPECT_EQ(command.find("-cpu.toml") != std::string::npos, entry.method != "AD") << command;
  }
  const std::string& ad = manifest.entries[1].command;
  ASSERT_EQ(manifest.entries[1].method, "AD");
  EXPECT_EQ(ad.rfind("local.widths="), ad.find("local.widths=64,48,48")) << ad;
}

// ARQ and AD act with bang-bang actions on the DMC tasks, SAC with continuous actions on the plain
// task ids, TD-MPC2 on the ":repeat2" ids; each method uses its DMC preset, and the four share the
// same five tasks.
TEST(SweepPresets, DmcTablesRunSacOnThePlainTasksAndTheQLearnersOnBangBang) {
  for (const char* file : {"dmc-table.toml", "dmc-table-cpu.toml"}) {
    SCOPED_TRACE(file);
    const SweepSpec spec = load_sweep_file((kSweeps / file).string());
    ExpandOptions options;
    options.default_trainer = "arq train";
    options.out_dir = "/nonexistent/out";
    std::map<std::string, std::set<std::string>> tasks;  // method -> envs without the suffix
    for (const auto& entry : expand_sweep(spec, options).entries) {
      const bool bang_bang = entry.env.ends_with(":bangbang");
      const bool tdmpc2 = entry.method == "TD-MPC2";
      EXPECT_EQ(bang_bang, entry.method != "SAC" && !tdmpc2) << entry.id;
      EXPECT_EQ(entry.env.ends_with(":repeat2"), tdmpc2) << entry.id;
      EXPECT_TRUE(entry.env.starts_with("dmc/")) << entry.id;
      const std::string preset = entry.method == "ARQ"  ? "arq-dmc"
                                 : entry.method == "AD" ? "ad-dmc"
                                 : tdmpc2               ? "tdmpc2-dmc"
                                                        : "sac-dmc";
      EXPECT_NE(entry.command.find("/" + preset), std::string::npos) << entry.command;
      tasks[entry.method].insert(entry.env.substr(0, entry.env.find(':')));
    }
    ASSERT_EQ(tasks.size(), 4u);
    EXPECT_EQ(tasks["ARQ"].size(), 5u);
    EXPECT_EQ(tasks["AD"], tasks["ARQ"]);
    EXPECT_EQ(tasks["SAC"], tasks["ARQ"]);
    EXPECT_EQ(tasks["TD-MPC2"], tasks["ARQ"]);
  }
}

}  // namespace
}  // namespace arq::sweep
