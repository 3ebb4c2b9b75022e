#include "arq/train/checkpoint.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "arq/core/error.h"
#include "arq/core/safetensors.h"
#include "arq/core/text_io.h"
#include "arq/replay/replay_buffer.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

bool has_checkpoint(const std::string& run_dir) {
  return fs::exists(checkpoint_dir(run_dir) / "checkpoint.json");
}

std::optional<CheckpointStatus> checkpoint_status(const std::string& run_dir) {
  if (!has_checkpoint(run_dir)) return std::nullopt;
  const std::string sidecar_path = (checkpoint_dir(run_dir) / "checkpoint.json").string();
  try {
    const auto sidecar = nlohmann::json::parse(read_file(sidecar_path));
    CheckpointStatus status;
    status.steps_done = sidecar.at("steps_done").get<int64_t>();
    status.finished = sidecar.at("trainer").value("finished", false);
    status.has_replay =
        sidecar.contains("replay_file") &&
        fs::exists(checkpoint_dir(run_dir) / sidecar.at("replay_file").get<std::string>());
    return status;
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint '" + sidecar_path + "': " + e.what());
  }
}

void write_checkpoint(const std::string& run_dir, const CheckpointMeta& meta, Agent& agent,
                      const replay::ReplayBuffer* replay) {
  const fs::path dir = checkpoint_dir(run_dir);
  fs::create_directories(dir);
  const std::string tag = std::to_string(meta.steps_done);
  const std::string model_file = "model_" + tag + ".safetensors";
  const std::string replay_file = "replay_" + tag + ".bin";

  const AgentState state = agent.save_state();
  std::vector<TensorView> views;
  views.reserve(state.tensors.size());
  for (const auto& tensor : state.tensors) {
    views.push_back(TensorView::of<float>(
        tensor.name, {tensor.value.rows(), tensor.value.cols()},
        std::span<const float>(tensor.value.data(), static_cast<size_t>(tensor.value.size()))));
  }
  write_safetensors((dir / model_file).string(), views,
                    {{"format", "arq-checkpoint-1"}, {"agent", agent.name()}, {"step", tag}});
  if (replay != nullptr) replay->save((dir / replay_file).string());

  nlohmann::json sidecar = {{"format", "arq-checkpoint-1"}, {"steps_done", meta.steps_done},
                            {"agent", agent.name()},        {"model_file", model_file},
                            {"counters", state.counters},   {"trainer", meta.trainer}};
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
  const std::string sidecar_path = (dir / "checkpoint.json").string();
  nlohmann::json sidecar;
  try {
    sidecar = nlohmann::json::parse(read_file(sidecar_path));
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint '" + sidecar_path + "' is not valid JSON: " + e.what());
  }
  try {
    if (sidecar.at("format") != "arq-checkpoint-1") {
      throw Error("unknown format " + sidecar.at("format").dump());
    }
    if (sidecar.at("agent") != agent.name()) {
      throw Error("it holds a '" + sidecar.at("agent").get<std::string>() + "' agent, not '" +
                  agent.name() + "'");
    }
    const SafetensorsContent content =
        read_safetensors((dir / sidecar.at("model_file").get<std::string>()).string());
    AgentState state;
    for (const auto& [name, tensor] : content.tensors) {
      if (tensor.shape.size() != 2) throw Error("tensor '" + name + "' is not 2-D");
      nn::Matrix value(tensor.shape[0], tensor.shape[1]);
      const auto values = tensor.values<float>();
      std::copy(values.begin(), values.end(), value.data());
      state.tensors.push_back({name, std::move(value)});
    }
    state.counters = sidecar.at("counters").get<std::map<std::string, int64_t>>();
    agent.load_state(state);
    if (replay != nullptr) {
      if (!sidecar.contains("replay_file")) {
        throw Error(
            "it names no replay buffer (final checkpoints of older arq versions kept none), so "
            "its run cannot be continued");
      }
      replay->load((dir / sidecar.at("replay_file").get<std::string>()).string());
    }
    return CheckpointMeta{sidecar.at("steps_done").get<int64_t>(), sidecar.at("trainer")};
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint '" + sidecar_path + "': " + e.what());
  } catch (const Error& e) {
    throw Error("checkpoint '" + sidecar_path + "': " + e.what());
  }
}

}  // namespace arq
