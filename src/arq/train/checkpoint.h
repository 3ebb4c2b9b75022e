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

// Writes a checkpoint atomically, with the CRC-32C of each file in the sidecar, then removes
// every other model_*, replay_* and temporary file. Throws DivergenceError, writing nothing, if
// an agent tensor holds a NaN or an infinity.
void write_checkpoint(const std::string& run_dir, const CheckpointMeta& meta, Agent& agent,
                      const replay::ReplayBuffer* replay);

// True if run_dir/checkpoints/checkpoint.json exists.
bool has_checkpoint(const std::string& run_dir);

// What run_dir's checkpoint.json says, without loading the files it names; nullopt if there is
// none. Throws arq::Error naming the file if it is not a valid sidecar: a negative or
// inconsistent counter, a file name that is not a plain model_<step>.safetensors or
// replay_<step>.bin of the same folder, a malformed checksum.
struct CheckpointStatus {
  int64_t steps_done = 0;
  // The final checkpoint of a run that reached its run.total_steps (it keeps the replay buffer
  // like every other, so a larger total can extend the run).
  bool finished = false;
  // It names a replay file that exists: false if one was deleted to save disk, and in final
  // checkpoints of older arq versions, which kept none.
  bool has_replay = false;
  // The trainer's own state as the sidecar holds it (its counters already checked: never
  // negative, never more than steps_done).
  nlohmann::json trainer;
};
std::optional<CheckpointStatus> checkpoint_status(const std::string& run_dir);

// Loads the agent tensors (and, if given, the replay buffer) and returns the sidecar. Throws
// arq::Error naming the file on any mismatch (missing tensor, wrong shape, corrupt file, a
// CRC-32C other than the sidecar's, a non-finite weight). Sidecars of older arq versions record
// no checksums; their files are read without that check.
CheckpointMeta read_checkpoint(const std::string& run_dir, Agent& agent,
                               replay::ReplayBuffer* replay);

}  // namespace arq
