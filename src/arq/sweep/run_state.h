#pragma once
// Where a run folder stands, for skipping, resuming and reporting.
//
// The completion rule: a run is complete when eval.csv's last complete row has
// step == run.total_steps of the folder's config.toml (and, when the sweep fixes a budget, that
// budget too). The trainer evaluates at the final step after every other write of the run, so
// this row exists only once the run is done; a row cut off mid-write is ignored.
#include <cstdint>
#include <optional>
#include <string>

namespace arq::sweep {

enum class RunState {
  kNotStarted,  // no folder, or no logs yet
  kPartial,     // logs but no checkpoint: stopped before its first checkpoint, must start over
  kResumable,   // has a checkpoint to continue from
  kComplete,
};

struct RunStatus {
  RunState state = RunState::kNotStarted;
  int64_t checkpoint_step = -1;  // steps_done of checkpoints/checkpoint.json, if any
  int64_t last_eval_step = -1;
  std::optional<int64_t> total_steps;  // from config.toml
  std::string detail;                  // one line for status tables
};

RunStatus inspect_run(const std::string& run_dir, std::optional<int64_t> expected_total_steps = {});

const char* to_string(RunState state);

// run.total_steps of <run_dir>/config.toml, if the file exists and has it.
std::optional<int64_t> configured_total_steps(const std::string& run_dir);

}  // namespace arq::sweep
