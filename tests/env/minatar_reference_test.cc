// Golden tests: replay every reference trajectory recorded from the original Python MinAtar
// (tests/data/minatar/*/*.jsonl.gz) and require identical observations, rewards, terminals,
// applied actions and RNG word counts at every step.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arq/core/text_io.h"
#include "arq/env/minatar/minatar_env.h"

namespace arq::minatar {
namespace {

std::vector<std::string> reference_files() {
  std::vector<std::string> files;
  const std::filesystem::path root = std::filesystem::path(ARQ_TEST_DATA_DIR) / "minatar";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string path = entry.path().string();
    if (path.size() > 9 && path.ends_with(".jsonl.gz")) files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  const std::filesystem::path path(info.param);
  std::string name = path.parent_path().filename().string() + "_" + path.filename().string();
  name = name.substr(0, name.find(".jsonl"));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class MinAtarReference : public testing::TestWithParam<std::string> {};

TEST_P(MinAtarReference, ReplayIsIdentical) {
  const std::vector<std::string> lines = read_lines(GetParam());
  ASSERT_GT(lines.size(), 2u);
  const auto header = nlohmann::json::parse(lines[0]);
  MinAtarConfig config;
  config.game = header.at("game").get<std::string>();
  config.minimal_action_set = header.at("version").get<std::string>() == "v1";
  config.sticky_action_prob = header.at("sticky_action_prob").get<double>();
  config.difficulty_ramping = header.at("difficulty_ramping").get<bool>();
  MinAtarEnv env(config);
  ASSERT_EQ(std::vector<int>(env.action_set().begin(), env.action_set().end()),
            header.at("action_set").get<std::vector<int>>());
  std::vector<uint8_t> packed(env.packed_size());
  auto observed_hex = [&] {
    env.packed_observation(packed);
    return packed_hex(packed);
  };

  bool seeded = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto record = nlohmann::json::parse(lines[i]);
    const std::string where = "record " + std::to_string(i) + " t=" + record.at("t").dump();
    if (record.contains("reset")) {
      if (!seeded) {
        env.reset(header.at("seed").get<uint32_t>());
        seeded = true;
      } else {
        env.reset();
      }
      ASSERT_EQ(observed_hex(), record.at("obs").get<std::string>()) << where << " (reset)";
      ASSERT_EQ(env.rng_words_drawn(), record.at("rng").get<uint64_t>()) << where << " (reset)";
      continue;
    }
    const StepResult result = env.step(record.at("a").get<int>());
    ASSERT_EQ(env.last_applied_action(), record.at("ea").get<int>()) << where;
    ASSERT_EQ(env.rng_words_drawn(), record.at("rng").get<uint64_t>()) << where;
    ASSERT_EQ(result.reward, record.at("r").get<double>()) << where;
    ASSERT_EQ(result.terminated, record.at("term").get<bool>()) << where;
    ASSERT_FALSE(result.truncated) << where;
    ASSERT_EQ(observed_hex(), record.at("obs").get<std::string>()) << where;
    if (record.contains("ramp") && !record.at("ramp").is_null()) {
      ASSERT_EQ(env.difficulty_ramp(), std::optional<int>(record.at("ramp").get<int>())) << where;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, MinAtarReference, testing::ValuesIn(reference_files()), test_name);

}  // namespace
}  // namespace arq::minatar
