#pragma once
// Runs manifest tasks under MPI (`mpirun -n K arq sweep FILE --mpi`): rank 0 hands out task
// indices on request and also runs tasks itself; every rank runs one single-threaded run at a
// time, so K ranks keep K runs going until the manifest is exhausted. Compiled only when CMake
// found MPI; otherwise run_mpi throws an arq::Error that says how to get it.
#include <cstdio>
#include <functional>
#include <vector>

#include "arq/sweep/manifest.h"
#include "arq/sweep/run_launcher.h"

namespace arq::sweep {

bool mpi_available();

// Initialises and finalises MPI itself. `root_setup` (e.g. writing the manifest) runs on rank 0
// before any rank starts a run. Returns the totals over all ranks on rank 0 and this rank's own
// totals elsewhere; `*is_root` tells which.
SweepTotals run_mpi(const Manifest& manifest, const std::vector<size_t>& tasks,
                    const std::function<void()>& root_setup, std::FILE* out, bool* is_root);

}  // namespace arq::sweep
