#include "arq/train/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "arq/core/crc32c.h"
#include "arq/core/error.h"
#include "arq/core/json_error.h"
#include "arq/core/printable.h"
#include "arq/core/safetensors.h"
#include "arq/core/text_io.h"
#include "arq/replay/replay_buffer.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "arq-checkpoint-1";

fs::path checkpoint_dir(const std::string& run_dir) {
  return fs::path(run_dir) / "checkpoints";
}

// The names write_checkpoint and write_file_atomic give files in the checkpoint folder.
bool is_checkpoint_file(const std::string& name) {
  const bool model = name.starts_with("model_") && name.ends_with(".safetensors");
  const bool replay = name.starts_with("replay_") && name.ends_with(".bin");
  const bool temporary = name.starts_with(".") && name.find(".tmp") != std::string::npos;
  return model || replay || temporary;
}

void remove_unreferenced_files(const fs::path& dir, const std::vector<std::string>& keep) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!is_checkpoint_file(name)) continue;
    if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
    fs::remove(entry.path(), error);  // best effort: a leftover costs disk, not correctness
  }
}

std::string hex32(uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x", value);
  return buffer;
}

// CRC-32C of a whole file, read in blocks (replay files can be large).
uint32_t file_crc32c(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path.string() + "'");
  std::vector<char> block(1 << 20);
  uint32_t crc = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    crc = crc32c(block.data(), static_cast<size_t>(in.gcount()), crc);
  }
  if (in.bad()) throw Error("cannot read '" + path.string() + "'");
  return crc;
}

// The sidecar, parsed and validated before anything it names is read or anything is changed.
struct Sidecar {
  std::string path;
  int64_t steps_done = 0;
  std::string agent;
  std::string model_file;
  std::string replay_file;  // empty: none
  std::map<std::string, int64_t> counters;
  std::map<std::string, std::string> checksums;  // file name -> 8 hex digits; empty: old sidecar
  nlohmann::json trainer;
};

Sidecar read_sidecar(const fs::path& dir) {
  Sidecar s;
  s.path = (dir / "checkpoint.json").string();
  auto fail = [&](const std::string& problem) {
    return Error("checkpoint '" + s.path + "': " + printable(problem));
  };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file(s.path));
  } catch (const nlohmann::json::exception& e) {
    throw fail("not valid JSON (" + json_error_text(e) + ")");
  }
  if (!json.is_object()) throw fail("not a JSON object");
  auto field = [&](const nlohmann::json& object, const std::string& key,
                   const std::string& where) -> const nlohmann::json& {
    const auto it = object.find(key);
    if (it == object.end()) throw fail("missing '" + where + key + "'");
    return *it;
  };
  auto count = [&](const nlohmann::json& object, const std::string& key, const std::string& where) {
    const nlohmann::json& value = field(object, key, where);
    if (!value.is_number_integer()) {
      throw fail("'" + where + key + "' must be an integer, got " + value.dump());
    }
    const int64_t n = value.get<int64_t>();
    if (n < 0) throw fail("'" + where + key + "' must be >= 0, got " + std::to_string(n));
    return n;
  };
  auto text = [&](const std::string& key) {
    const nlohmann::json& value = field(json, key, "");
    if (!value.is_string()) throw fail("'" + key + "' must be a string, got " + value.dump());
    return value.get<std::string>();
  };
  // A file the sidecar names must be one of this checkpoint folder's own files.
  auto plain_name = [&](const std::string& key, const char* prefix, const char* suffix) {
    const std::string name = text(key);
    if (name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
        !name.starts_with(prefix) || !name.ends_with(suffix)) {
      throw fail("'" + key + "' must be a plain file name " + prefix + "<step>" + suffix +
                 " in the checkpoints folder, got '" + name + "'");
    }
    return name;
  };
  if (text("format") != kFormat) throw fail("unknown format '" + text("format") + "'");
  s.steps_done = count(json, "steps_done", "");
  s.agent = text("agent");
  s.model_file = plain_name("model_file", "model_", ".safetensors");
  if (json.contains("replay_file")) s.replay_file = plain_name("replay_file", "replay_", ".bin");
  const nlohmann::json& counters = field(json, "counters", "");
  if (!counters.is_object()) throw fail("'counters' must be an object");
  for (const auto& [key, value] : counters.items())
    s.counters[key] = count(counters, key, "counters.");
  s.trainer = field(json, "trainer", "");
  if (!s.trainer.is_object()) throw fail("'trainer' must be an object");
  // Counters the trainer keeps: never negative, and never more than the steps taken.
  for (const char* key : {"episodes", "updates"}) {
    if (!s.trainer.contains(key)) continue;
    const int64_t n = count(s.trainer, key, "trainer.");
    if (n > s.steps_done) {
      throw fail("'trainer." + std::string(key) + "' is " + std::to_string(n) +
                 ", more than steps_done " + std::to_string(s.steps_done));
    }
  }
  if (s.trainer.contains("epsilon_decay_steps"))
    count(s.trainer, "epsilon_decay_steps", "trainer.");
  if (json.contains("checksums")) {
    const nlohmann::json& checksums = json.at("checksums");
    if (!checksums.is_object()) throw fail("'checksums' must be an object");
    for (const std::string& name : {s.model_file, s.replay_file}) {
      if (name.empty()) continue;
      const auto it = checksums.find(name);
      if (it == checksums.end() || !it->is_string() || it->get<std::string>().size() != 8 ||
          it->get<std::string>().find_first_not_of("0123456789abcdef") != std::string::npos) {
        throw fail("'checksums' has no CRC32C (8 hex digits) for '" + name + "'");
      }
      s.checksums[name] = it->get<std::string>();
    }
  }
  return s;
}

// Throws unless `file`'s CRC-32C is the one the sidecar recorded (old sidecars record none).
void verify_checksum(const Sidecar& sidecar, const fs::path& file, uint32_t actual) {
  const auto it = sidecar.checksums.find(file.filename().string());
  if (it == sidecar.checksums.end()) return;
  if (hex32(actual) != it->second) {
    throw Error("'" + file.string() + "' is damaged: its CRC32C is " + hex32(actual) +
                " but the checkpoint recorded " + it->second);
  }
}

}  // namespace

bool has_checkpoint(const std::string& run_dir) {
  return fs::exists(checkpoint_dir(run_dir) / "checkpoint.json");
}

std::optional<CheckpointStatus> checkpoint_status(const std::string& run_dir) {
  if (!has_checkpoint(run_dir)) return std::nullopt;
  const Sidecar sidecar = read_sidecar(checkpoint_dir(run_dir));
  CheckpointStatus status;
  status.steps_done = sidecar.steps_done;
  const auto finished = sidecar.trainer.find("finished");
  status.finished =
      finished != sidecar.trainer.end() && finished->is_boolean() && finished->get<bool>();
  status.has_replay =
      !sidecar.replay_file.empty() && fs::exists(checkpoint_dir(run_dir) / sidecar.replay_file);
  status.trainer = sidecar.trainer;
  return status;
}

void write_checkpoint(const std::string& run_dir, const CheckpointMeta& meta, Agent& agent,
                      const replay::ReplayBuffer* replay) {
  const fs::path dir = checkpoint_dir(run_dir);
  const std::string tag = std::to_string(meta.steps_done);
  const std::string model_file = "model_" + tag + ".safetensors";
  const std::string replay_file = "replay_" + tag + ".bin";

  const AgentState state = agent.save_state();
  // A checkpoint never holds a non-finite number: the last good one stays instead.
  for (const auto& tensor : state.tensors) {
    if (!tensor.value.array().isFinite().all()) {
      throw DivergenceError("not writing the checkpoint at step " + tag + ": tensor '" +
                            tensor.name + "' holds a non-finite value");
    }
  }
  fs::create_directories(dir);
  std::vector<TensorView> views;
  views.reserve(state.tensors.size());
  for (const auto& tensor : state.tensors) {
    views.push_back(TensorView::of<float>(
        tensor.name, {tensor.value.rows(), tensor.value.cols()},
        std::span<const float>(tensor.value.data(), static_cast<size_t>(tensor.value.size()))));
  }
  const std::string model_bytes =
      encode_safetensors(views, {{"format", kFormat}, {"agent", agent.name()}, {"step", tag}});
  write_file_atomic((dir / model_file).string(), model_bytes);
  nlohmann::json checksums = {{model_file, hex32(crc32c(model_bytes))}};
  if (replay != nullptr) {
    replay->save((dir / replay_file).string());
    checksums[replay_file] = hex32(file_crc32c(dir / replay_file));
  }

  nlohmann::json sidecar = {{"format", kFormat},          {"steps_done", meta.steps_done},
                            {"agent", agent.name()},      {"model_file", model_file},
                            {"counters", state.counters}, {"trainer", meta.trainer},
                            {"checksums", checksums}};
  if (replay != nullptr) sidecar["replay_file"] = replay_file;
  write_file_atomic((dir / "checkpoint.json").string(), sidecar.dump(1) + "\n");

  // Only now, with the new sidecar durable, may older files go. A writer killed earlier may have
  // left files no sidecar names (a model written before its sidecar, the previous checkpoint
  // when killed right here) and temporary files; they go too, so crashes cost no disk.
  remove_unreferenced_files(dir, {model_file, replay != nullptr ? replay_file : ""});
}

CheckpointMeta read_checkpoint(const std::string& run_dir, Agent& agent,
                               replay::ReplayBuffer* replay) {
  const fs::path dir = checkpoint_dir(run_dir);
  const Sidecar sidecar = read_sidecar(dir);
  try {
    if (sidecar.agent != agent.name()) {
      throw Error("it holds a '" + sidecar.agent + "' agent, not '" + agent.name() + "'");
    }
    const fs::path model_path = dir / sidecar.model_file;
    const std::string model_bytes = read_file(model_path.string());
    verify_checksum(sidecar, model_path, crc32c(model_bytes));
    const SafetensorsContent content = decode_safetensors(model_bytes, model_path.string());
    AgentState state;
    for (const auto& [name, tensor] : content.tensors) {
      if (tensor.shape.size() != 2) throw Error("tensor '" + name + "' is not 2-D");
      nn::Matrix value(tensor.shape[0], tensor.shape[1]);
      const auto values = tensor.values<float>();
      std::copy(values.begin(), values.end(), value.data());
      if (!value.array().isFinite().all()) {
        throw Error("tensor '" + name + "' in '" + model_path.string() +
                    "' holds a non-finite value");
      }
      state.tensors.push_back({name, std::move(value)});
    }
    state.counters = sidecar.counters;
    agent.load_state(state);
    if (replay != nullptr) {
      if (sidecar.replay_file.empty()) {
        throw Error(
            "it names no replay buffer (final checkpoints of older arq versions kept none), so "
            "its run cannot be continued");
      }
      const fs::path replay_path = dir / sidecar.replay_file;
      if (fs::exists(replay_path)) verify_checksum(sidecar, replay_path, file_crc32c(replay_path));
      replay->load(replay_path.string());
    }
    return CheckpointMeta{sidecar.steps_done, sidecar.trainer};
  } catch (const Error& e) {
    throw Error("checkpoint '" + sidecar.path + "': " + printable(e.what()));
  }
}

}  // namespace arq
