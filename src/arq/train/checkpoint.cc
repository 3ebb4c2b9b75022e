#include "arq/train/checkpoint.h"

#include <filesystem>

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

}  // namespace

bool has_checkpoint(const std::string& run_dir) {
  return fs::exists(checkpoint_dir(run_dir) / "checkpoint.json");
}

void write_checkpoint(const std::string& run_dir, const CheckpointMeta& meta, Agent& agent,
                      const replay::ReplayBuffer* replay) {
  const fs::path dir = checkpoint_dir(run_dir);
  fs::create_directories(dir);
  const std::string tag = std::to_string(meta.steps_done);
  const std::string model_file = "model_" + tag + ".safetensors";
  const std::string replay_file = "replay_" + tag + ".bin";

  // The previous checkpoint's files, to delete once the new sidecar is in place.
  std::vector<std::string> previous;
  if (has_checkpoint(run_dir)) {
    const auto old = nlohmann::json::parse(read_file((dir / "checkpoint.json").string()));
    for (const char* key : {"model_file", "replay_file"}) {
      if (old.contains(key) && old[key].is_string()) previous.push_back(old[key]);
    }
  }

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

  for (const auto& file : previous) {
    if (file != model_file && file != replay_file) fs::remove(dir / file);
  }
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
        throw Error("it holds no replay buffer: the run it belongs to is complete");
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
