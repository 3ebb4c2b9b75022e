#include "arq/train/resume_rules.h"

#include <algorithm>

#include "arq/core/error.h"

namespace arq {
namespace {

bool may_change_on_resume(const std::string& key) {
  return std::find(kKeysAResumeMayChange.begin(), kKeysAResumeMayChange.end(), key) !=
         kKeysAResumeMayChange.end();
}

}  // namespace

Config resumed_config(const Config& saved, const std::string& saved_path, const Config& requested,
                      bool total_steps_given, const std::optional<CheckpointStatus>& status,
                      const std::string& run_dir) {
  Config resumed = saved;
  for (const std::string& key : requested.keys()) {
    const std::string& source = requested.source(key);
    if (source == "default" || source == "--total-steps") continue;
    if (requested.value(key) == saved.value(key)) continue;
    if (may_change_on_resume(key)) {
      resumed.set(key, requested.value(key), source);
      continue;
    }
    throw Error(
        "--resume: " + key + " is " + saved.value_text(key) + " in '" + saved_path + "' but " +
        source + " gives " + requested.value_text(key) +
        "; a resumed run keeps its own config (only --total-steps may change, to extend "
        "the run, and the keys that decide when files are written: run.checkpoint_frequency, "
        "run.log_frequency)");
  }
  if (!total_steps_given) return resumed;

  const int64_t total = requested.get_int("run.total_steps");
  if (total == saved.get_int("run.total_steps")) return resumed;
  // A finished run extends like any other: its final checkpoint keeps the replay buffer.
  if (status) {
    if (total <= status->steps_done) {
      throw Error("--total-steps " + std::to_string(total) + ": the run in '" + run_dir +
                  "' has already done " + std::to_string(status->steps_done) +
                  " steps; a run can only be extended (a larger total)");
    }
    if (!status->has_replay) {
      throw Error("--total-steps " + std::to_string(total) + ": the checkpoint of the run in '" +
                  run_dir +
                  "' has no replay buffer (deleted, or written by an older arq that kept none "
                  "in final checkpoints), so the run cannot be extended exactly; start a new one");
    }
  }
  resumed.set("run.total_steps", total, "--total-steps");
  return resumed;
}

}  // namespace arq
