#pragma once
// Starting one manifest run as a child process and judging how it ended. Shared by the local
// worker pool, `--task` (one Slurm array task) and the MPI ranks.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "arq/sweep/manifest.h"
#include "arq/sweep/run_state.h"

namespace arq::sweep {

enum class Outcome { kSkipped, kSucceeded, kFailed, kInterrupted };

struct RunResult {
  size_t task = 0;
  Outcome outcome = Outcome::kSkipped;
  std::string message;  // one line: why it failed, where its log is
};

// Gets a run folder ready: returns false when the run is already complete (nothing to do).
// A folder with logs but no checkpoint cannot be resumed and is cleared so the run starts over.
// `state_note` receives "fresh", "resuming from step N" or "restarting (no checkpoint)".
bool prepare_run(const Manifest& manifest, const ManifestEntry& entry, std::string* state_note);

// Starts `entry.command` under /bin/sh with stdin from /dev/null and stdout/stderr appended to
// its log, single-threaded (OMP/BLAS thread counts = 1). On Linux the child is told to exit when
// this process dies, so a killed sweep leaves no orphan runs behind.
pid_t start_run(const Manifest& manifest, const ManifestEntry& entry, const std::string& note);

// Turns a waitpid status into a result: success needs exit 0 AND a complete run folder.
RunResult judge_run(const Manifest& manifest, size_t task, int wait_status, bool interrupted);

// Set by SIGINT/SIGTERM once install_stop_handlers() has run; runners stop launching, forward
// SIGTERM to their children and wait for them.
bool stop_requested();
void install_stop_handlers();

struct SweepTotals {
  size_t skipped = 0, succeeded = 0, failed = 0, interrupted = 0;
  std::vector<RunResult> failures;
  void add(const RunResult& result);
  bool ok() const { return failed == 0 && interrupted == 0; }
  std::string summary() const;  // "4 runs: 1 already complete, 2 succeeded, 1 failed"
};

}  // namespace arq::sweep
