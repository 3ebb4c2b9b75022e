// What a run loads is what it wrote: the sidecar's counters are checked before anything is
// touched, every file it names carries a CRC-32C that readers verify, loaded weights are finite,
// and a sidecar can only name files of its own checkpoint folder. A refused resume changes
// nothing; an accepted one removes only the log rows written after the checkpoint.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "arq/agents/factory.h"
#include "arq/core/crc32c.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/replay/replay_buffer.h"
#include "arq/train/checkpoint.h"
#include "arq/train/train_config.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

Config tiny_config() {
  Config c = make_train_config();
  for (const char* line :
       {"run.agent=dqn", "run.env=minatar/breakout-v1", "run.seed=4", "run.total_steps=1500",
        "run.learning_starts=200", "run.train_frequency=2", "run.target_update_frequency=200",
        "run.log_frequency=100", "run.eval_frequency=500", "run.eval_episodes=1",
        "run.checkpoint_frequency=300", "replay.capacity=1500", "replay.batch_size=8",
        "optim.kind=rmsprop", "optim.max_grad_norm=0", "dqn.hidden=16", "dqn.conv_channels=4"}) {
    c.apply_override(line);
  }
  return c;
}

// A run stopped part-way, with its checkpoint and logs.
struct StoppedRun {
  fs::path dir;
  int64_t steps = 0;
  fs::path sidecar() const { return dir / "checkpoints/checkpoint.json"; }
  fs::path model() const {
    return dir / "checkpoints" / ("model_" + std::to_string(steps) + ".safetensors");
  }
  fs::path replay() const {
    return dir / "checkpoints" / ("replay_" + std::to_string(steps) + ".bin");
  }
};

StoppedRun stopped_run(const std::string& name) {
  StoppedRun run{fresh_run_dir(name)};
  run.steps = train_quietly(tiny_config(), run.dir, false, 700).steps;
  return run;
}

std::map<std::string, std::string> logs_of(const fs::path& dir) {
  std::map<std::string, std::string> logs;
  for (const char* file : {"metrics.csv", "episodes.csv", "eval.csv"}) {
    logs[file] = read_file((dir / file).string());
  }
  return logs;
}

void edit_sidecar(const StoppedRun& run, const std::function<void(nlohmann::json&)>& edit) {
  auto json = nlohmann::json::parse(read_file(run.sidecar().string()));
  edit(json);
  write_file_atomic(run.sidecar().string(), json.dump(1));
}

// The message of the Error `work` throws ("" if none).
template <typename Work>
std::string error_of(Work work) {
  try {
    work();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string load_error(const StoppedRun& run, bool with_replay) {
  const Config c = tiny_config();
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  auto agent = make_agent(c, spec);
  replay::ReplayConfig replay_config;
  replay_config.capacity = c.get_int("replay.capacity");
  replay_config.obs_shape = spec.obs_shape;
  replay_config.binary_observations = true;
  replay::ReplayBuffer replay(replay_config);
  return error_of(
      [&] { read_checkpoint(run.dir.string(), *agent, with_replay ? &replay : nullptr); });
}

TEST(CheckpointIntegrity, NegativeStepsDoneIsRefusedAndEveryLogRowStays) {
  const StoppedRun run = stopped_run("integrity_negative");
  edit_sidecar(run, [](nlohmann::json& j) { j["steps_done"] = -5; });
  const auto logs = logs_of(run.dir);
  const std::string message = error_of([&] { train_quietly(tiny_config(), run.dir, true); });
  EXPECT_NE(message.find("'steps_done' must be >= 0, got -5"), std::string::npos) << message;
  EXPECT_EQ(logs_of(run.dir), logs);
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, CountersThatDisagreeWithTheLogsAreRefused) {
  const StoppedRun run = stopped_run("integrity_counters");
  const auto logs = logs_of(run.dir);
  // An earlier step than the logs say: resuming would delete rows it never wrote.
  edit_sidecar(run, [](nlohmann::json& j) { j["steps_done"] = 250; });
  std::string message = error_of([&] { train_quietly(tiny_config(), run.dir, true); });
  EXPECT_NE(message.find("disagree"), std::string::npos) << message;
  EXPECT_EQ(logs_of(run.dir), logs);
  // The same edit on a sidecar of an older arq (no log sizes) is caught by the episode count.
  edit_sidecar(run, [](nlohmann::json& j) { j["trainer"].erase("log_bytes"); });
  message = error_of([&] { train_quietly(tiny_config(), run.dir, true); });
  EXPECT_NE(message.find("episodes but episodes.csv lists"), std::string::npos) << message;
  EXPECT_EQ(logs_of(run.dir), logs);
  // More updates than steps.
  edit_sidecar(run, [&](nlohmann::json& j) {
    j["steps_done"] = run.steps;
    j["trainer"]["updates"] = run.steps + 1;
  });
  message = error_of([&] { checkpoint_status(run.dir.string()); });
  EXPECT_NE(message.find("more than steps_done"), std::string::npos) << message;
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, ResumeRemovesOnlyRowsWrittenAfterTheCheckpoint) {
  const StoppedRun run = stopped_run("integrity_rows");
  const auto logs = logs_of(run.dir);
  // A row a crashed process wrote after the checkpoint goes; every earlier row stays.
  {
    FILE* file = std::fopen((run.dir / "metrics.csv").string().c_str(), "ab");
    std::fputs((std::to_string(run.steps + 50) + ",1,1,1,1,1,1\n").c_str(), file);
    std::fclose(file);
  }
  Config c = tiny_config();
  ASSERT_TRUE(train_quietly(c, run.dir, true).finished);
  for (const auto& [file, before] : logs) {
    EXPECT_EQ(read_file((run.dir / file).string()).substr(0, before.size()), before) << file;
  }
  EXPECT_EQ(read_file((run.dir / "metrics.csv").string())
                .find(std::to_string(run.steps + 50) + ",1,1,1,1,1,1"),
            std::string::npos);
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, AFlippedByteNamesTheDamagedFile) {
  const StoppedRun run = stopped_run("integrity_flip");
  for (const fs::path& file : {run.model(), run.replay()}) {
    std::string bytes = read_file(file.string());
    const std::string original = bytes;
    bytes[bytes.size() - 3] ^= 0x10;  // in the data section, far from any header
    write_file_atomic(file.string(), bytes);
    const std::string message = load_error(run, true);
    EXPECT_NE(message.find("'" + file.string() + "' is damaged"), std::string::npos) << message;
    EXPECT_NE(message.find("CRC32C"), std::string::npos) << message;
    write_file_atomic(file.string(), original);
  }
  EXPECT_EQ(load_error(run, true), "");
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, ANonFiniteWeightIsRefusedEvenWithAMatchingChecksum) {
  const StoppedRun run = stopped_run("integrity_nan");
  std::string bytes = read_file(run.model().string());
  const float nan = std::nanf("");
  std::memcpy(bytes.data() + bytes.size() - 4, &nan, 4);
  write_file_atomic(run.model().string(), bytes);
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32c(bytes));
  edit_sidecar(run,
               [&](nlohmann::json& j) { j["checksums"][run.model().filename().string()] = crc; });
  const std::string message = load_error(run, false);
  EXPECT_NE(message.find("holds a non-finite value"), std::string::npos) << message;
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, TheModelFileMustBeAPlainNameInTheSameFolder) {
  const StoppedRun run = stopped_run("integrity_path");
  for (const std::string name : {"../other-run/checkpoints/model_700.safetensors", "/etc/passwd",
                                 "model_1.safetensors/../x.safetensors", "x.bin"}) {
    edit_sidecar(run, [&](nlohmann::json& j) { j["model_file"] = name; });
    const std::string message = load_error(run, false);
    EXPECT_NE(message.find("must be a plain file name"), std::string::npos) << message;
  }
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, SidecarsWithoutChecksumsStillLoad) {
  const StoppedRun run = stopped_run("integrity_old");
  edit_sidecar(run, [](nlohmann::json& j) {
    j.erase("checksums");
    j["trainer"].erase("log_bytes");
  });
  EXPECT_EQ(load_error(run, true), "");
  EXPECT_TRUE(train_quietly(tiny_config(), run.dir, true).finished);
  fs::remove_all(run.dir);
}

TEST(CheckpointIntegrity, MalformedSidecarsGetOurOwnWordsWithControlBytesEscaped) {
  const StoppedRun run = stopped_run("integrity_words");
  write_file_atomic(run.sidecar().string(), "{\"format\": \"\\u001b[31mx\"}");
  std::string message = error_of([&] { checkpoint_status(run.dir.string()); });
  EXPECT_NE(message.find("unknown format '\\x1B[31mx'"), std::string::npos) << message;
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  write_file_atomic(run.sidecar().string(),
                    "{\"format\": \"arq-checkpoint-1\", \"steps_done\": \"7\"}");
  message = error_of([&] { checkpoint_status(run.dir.string()); });
  EXPECT_NE(message.find("'steps_done' must be an integer"), std::string::npos) << message;
  write_file_atomic(run.sidecar().string(), "{\"format\": \"arq-checkpoint-1\"}");
  message = error_of([&] { checkpoint_status(run.dir.string()); });
  EXPECT_NE(message.find("missing 'steps_done'"), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
  fs::remove_all(run.dir);
}

}  // namespace
}  // namespace arq
