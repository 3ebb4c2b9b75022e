#pragma once
// Checkpoints of a training run, in <run>/checkpoints/:
//   model_<step>.safetensors   agent tensors (weights, targets, optimiser moments)
//   replay_<step>.bin          the replay buffer
//   checkpoint.json            the sidecar: step, counters, RNG and env stream states, metrics
//                              accumulators, file names. Written LAST, atomically, so it always
//                              names a complete checkpoint; older files are removed after it.
// A writer killed at any moment leaves the last sidecar and the files it names intact; files no
// sidecar names (a newer model, temporary files) are removed by the next write_checkpoint.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "arq/agents/agent.h"

namespace arq {

namespace replay {
class ReplayBuffer;
}

struct CheckpointMeta {
  int64_t steps_done = 0;
  nlohmann::json trainer;  // the trainer's own state (RNGs, env streams, counters, accumulators)
};

// Writes a checkpoint atomically, then removes every other model_*, replay_* and temporary file.
void write_checkpoint(const std::string& run_dir, const CheckpointMeta& meta, Agent& agent,
                      const replay::ReplayBuffer* replay);

// True if run_dir/checkpoints/checkpoint.json exists.
bool has_checkpoint(const std::string& run_dir);

// What run_dir's checkpoint.json says, without loading the files it names; nullopt if there is
// none. Throws arq::Error naming the file if it is not a valid sidecar.
struct CheckpointStatus {
  int64_t steps_done = 0;
  // The final checkpoint of a run that reached its run.total_steps (it keeps the replay buffer
  // like every other, so a larger total can extend the run).
  bool finished = false;
  // It names a replay file that exists: false if one was deleted to save disk, and in final
  // checkpoints of older arq versions, which kept none.
  bool has_replay = false;
};
std::optional<CheckpointStatus> checkpoint_status(const std::string& run_dir);

// Loads the agent tensors (and, if given, the replay buffer) and returns the sidecar. Throws
// arq::Error naming the file on any mismatch (missing tensor, wrong shape, corrupt file).
CheckpointMeta read_checkpoint(const std::string& run_dir, Agent& agent,
                               replay::ReplayBuffer* replay);

}  // namespace arq
