#pragma once
// Runs manifest tasks on this machine with a fixed number of worker processes, one
// single-threaded run each. Complete runs are skipped and interrupted ones resume from their
// checkpoints, so rerunning a sweep finishes exactly what is missing.
#include <cstddef>
#include <cstdio>
#include <vector>

#include "arq/sweep/manifest.h"
#include "arq/sweep/run_launcher.h"

namespace arq::sweep {

// Runs `tasks` (indices into manifest.entries) with up to `workers` at once, printing one line
// per start and end to `out`. A failing run is reported with its log path; the others go on.
// On SIGINT/SIGTERM (after install_stop_handlers) it stops launching, passes SIGTERM to the
// running children and waits for them.
SweepTotals run_local(const Manifest& manifest, const std::vector<size_t>& tasks, int workers,
                      std::FILE* out);

}  // namespace arq::sweep
