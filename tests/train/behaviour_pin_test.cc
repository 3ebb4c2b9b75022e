// Pins the trainer's behaviour: a short run per agent (DQN, ARQ and AD on MinAtar Breakout, SAC
// on DMC reacher-hard) with a fixed seed, ISA level (nn.isa=avx2) and thread count must write
// exactly the bytes recorded in behaviour_pins.txt next to this file: the CSV logs and the final
// checkpoint (model, replay buffer, sidecar). run.json (start time, build facts), config.toml (it
// lists every declared key, so a new key would change it without changing any run) and the
// TensorBoard files (wall-clock times, steps per second) are left out.
//
// The pins hold for the build recorded in the file (compiler, build type, flags; the default
// Release build); other builds skip these tests. A refactoring must keep these digests. A change
// that alters results on purpose regenerates them, and says so in its commit:
//   ARQ_REGENERATE_PINS=1 build/test_train --gtest_filter='BehaviourPin.*'
// rewrites tests/train/behaviour_pins.txt in the source tree.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "arq/core/build_info.h"
#include "arq/core/isa.h"
#include "arq/core/text_io.h"
#include "arq/train/train_config.h"
#include "train/sha256.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

const std::string kPinFile = std::string(ARQ_SOURCE_DIR) + "/tests/train/behaviour_pins.txt";

bool regenerating() {
  const char* value = std::getenv("ARQ_REGENERATE_PINS");
  return value != nullptr && std::string(value) == "1";
}

// "<SHA-256> <size in bytes>" of a file.
std::string digest_of(const fs::path& path) {
  const std::string bytes = read_file(path.string());
  return test::sha256_hex(bytes) + " " + std::to_string(bytes.size());
}

// The pinned files of a finished run of `total` steps, by their path inside the run folder.
std::map<std::string, std::string> run_digests(const fs::path& dir, int64_t total) {
  const std::string tag = std::to_string(total);
  std::map<std::string, std::string> digests;
  for (const std::string& file :
       {std::string("metrics.csv"), std::string("episodes.csv"), std::string("eval.csv"),
        std::string("checkpoints/checkpoint.json"), "checkpoints/model_" + tag + ".safetensors",
        "checkpoints/replay_" + tag + ".bin"}) {
    digests[file] = digest_of(dir / file);
  }
  return digests;
}

// The pin file: one line per file, "<run> <file> <sha256> <size>", sorted.
using Pins = std::map<std::string, std::string>;  // "<run> <file>" -> "<sha256> <size>"

// The build the pins were recorded with: other compilers, flags or build types may round
// differently, so there the pins do not apply.
std::string this_build() {
  const BuildInfo& info = build_info();
  return std::string(info.compiler) + ", " + std::string(info.build_type) + ", " +
         std::string(info.compile_flags);
}
constexpr const char* kBuildPrefix = "build: ";

Pins read_pins() {
  Pins pins;
  if (!fs::exists(kPinFile)) return pins;
  for (const std::string& line : read_lines(kPinFile)) {
    if (line.starts_with(kBuildPrefix)) pins["build"] = line.substr(std::strlen(kBuildPrefix));
    if (line.empty() || line[0] == '#' || line.starts_with(kBuildPrefix)) continue;
    const auto second_space = line.find(' ', line.find(' ') + 1);
    pins[line.substr(0, second_space)] = line.substr(second_space + 1);
  }
  return pins;
}

void write_pins(const Pins& pins) {
  std::string text =
      "# Digests of the behaviour pin runs (tests/train/behaviour_pin_test.cc): run, file in the\n"
      "# run folder, SHA-256, size. Regenerate on purpose only:\n"
      "#   ARQ_REGENERATE_PINS=1 build/test_train --gtest_filter='BehaviourPin.*'\n";
  text += kBuildPrefix + this_build() + "\n";
  for (const auto& [key, value] : pins) {
    if (key != "build") text += key + " " + value + "\n";
  }
  write_file_atomic(kPinFile, text);
}

// Runs `config` and compares (or, when regenerating, records) its digests under `run`.
void check_run(const std::string& run, const Config& config) {
  const fs::path dir = fresh_run_dir("pin_" + run);
  const TrainSummary summary = train_quietly(config, dir);
  ASSERT_TRUE(summary.finished);
  const auto digests = run_digests(dir, config.get_int("run.total_steps"));
  fs::remove_all(dir);
  if (regenerating()) {
    Pins pins = read_pins();
    for (auto it = pins.begin(); it != pins.end();) {
      it = it->first.starts_with(run + " ") ? pins.erase(it) : std::next(it);
    }
    for (const auto& [file, digest] : digests) pins[run + " " + file] = digest;
    write_pins(pins);
    std::printf("rewrote the pins of %s in %s\n", run.c_str(), kPinFile.c_str());
    return;
  }
  const Pins pins = read_pins();
  for (const auto& [file, digest] : digests) {
    const auto it = pins.find(run + " " + file);
    ASSERT_NE(it, pins.end()) << run << " " << file << " is not pinned in " << kPinFile;
    EXPECT_EQ(it->second, digest) << run << ": " << file << " differs from its pinned bytes";
  }
}

TEST(Sha256, MatchesTheStandardsTestVectors) {
  EXPECT_EQ(test::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(test::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(test::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

class BehaviourPin : public testing::Test {
 protected:
  void SetUp() override {
    if (!cpu_supports(IsaLevel::kAvx2)) {
      GTEST_SKIP() << "the pins are recorded at nn.isa=avx2, which this CPU lacks";
    }
    if (regenerating()) return;
    const Pins pins = read_pins();
    const auto build = pins.find("build");
    if (build == pins.end() || build->second != this_build()) {
      GTEST_SKIP() << "the pins were recorded with the build '"
                   << (build == pins.end() ? "(none)" : build->second) << "', this one is '"
                   << this_build() << "'";
    }
  }
};

// Settings every pinned run shares: the ISA level and a single local worker thread fix the bits.
Config pinned_config(const char* preset, const std::vector<const char*>& overrides) {
  Config c = make_train_config();
  if (preset != nullptr) c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
  c.apply_override("nn.isa=avx2");
  c.apply_override("local.threads=1");
  for (const char* line : overrides) c.apply_override(line);
  return c;
}

// Discrete runs: 3000 steps of Breakout, updates from step 500, three evaluations (steps 0, 1500,
// 3000), intermediate checkpoints. DQN uses the double-DQN target, ARQ the fraction-based
// epsilon decay, AD advances its context on random actions, so each branch of acting is pinned.
const std::vector<const char*> kMinAtarRun = {"run.env=minatar/breakout-v1",
                                              "run.seed=5",
                                              "run.total_steps=3000",
                                              "run.learning_starts=500",
                                              "run.log_frequency=250",
                                              "run.eval_frequency=1500",
                                              "run.eval_episodes=2",
                                              "run.checkpoint_frequency=1000",
                                              "run.target_update_frequency=400",
                                              "replay.capacity=2000",
                                              "replay.batch_size=16",
                                              "explore.decay_steps=1500"};

std::vector<const char*> with(std::vector<const char*> lines,
                              const std::vector<const char*>& more) {
  lines.insert(lines.end(), more.begin(), more.end());
  return lines;
}

TEST_F(BehaviourPin, Dqn) {
  check_run("dqn", pinned_config("dqn-minatar.toml",
                                 with(kMinAtarRun, {"dqn.hidden=32", "dqn.conv_channels=4",
                                                    "agent.double_q=true"})));
}

TEST_F(BehaviourPin, Arq) {
  check_run("arq",
            pinned_config("arq-minatar-cpu.toml",
                          with(kMinAtarRun, {"local.widths=[32,24]", "local.heads=4",
                                             "local.context_window=2", "explore.decay_steps=0"})));
}

TEST_F(BehaviourPin, Ad) {
  check_run("ad", pinned_config("ad-minatar-cpu.toml",
                                with(kMinAtarRun, {"local.widths=[32,24]", "local.heads=4",
                                                   "local.context_window=2",
                                                   "local.stale_context_on_random=false"})));
}

TEST_F(BehaviourPin, Sac) {
  check_run("sac", pinned_config("sac-dmc-cpu.toml",
                                 {"run.env=dmc/reacher-hard", "run.seed=3", "run.total_steps=2000",
                                  "run.learning_starts=300", "run.log_frequency=100",
                                  "run.eval_frequency=1000", "run.eval_episodes=1",
                                  "run.checkpoint_frequency=1000", "replay.capacity=3000",
                                  "replay.batch_size=16", "sac.hidden=16"}));
}

// A run stopped at a checkpoint and resumed writes the same bytes as the pinned whole run.
TEST_F(BehaviourPin, ResumedDqnMatchesThePins) {
  if (regenerating()) GTEST_SKIP() << "regenerating: the whole runs record the pins";
  const Config c = pinned_config(
      "dqn-minatar.toml",
      with(kMinAtarRun, {"dqn.hidden=32", "dqn.conv_channels=4", "agent.double_q=true"}));
  const fs::path dir = fresh_run_dir("pin_dqn_resumed");
  ASSERT_FALSE(train_quietly(c, dir, false, 1200).finished);
  ASSERT_TRUE(train_quietly(c, dir, true).finished);
  const auto digests = run_digests(dir, c.get_int("run.total_steps"));
  fs::remove_all(dir);
  const Pins pins = read_pins();
  for (const auto& [file, digest] : digests) {
    const auto it = pins.find("dqn " + file);
    ASSERT_NE(it, pins.end()) << "dqn " << file << " is not pinned";
    EXPECT_EQ(it->second, digest) << "resumed dqn: " << file;
  }
}

}  // namespace
}  // namespace arq
