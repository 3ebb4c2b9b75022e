#include "arq/sweep/mpi_sweep.h"

#include "arq/core/error.h"

#ifdef ARQ_HAVE_MPI
#include <mpi.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

namespace arq::sweep {

#ifndef ARQ_HAVE_MPI

bool mpi_available() {
  return false;
}

SweepTotals run_mpi(const Manifest&, const std::vector<size_t>&, const std::function<void()>&,
                    std::FILE*, bool*) {
  throw Error(
      "--mpi: this arq was built without MPI. Install Debian's libopenmpi-dev and openmpi-bin, "
      "reconfigure and rebuild (CMake finds MPI by itself), or run the sweep locally with "
      "--workers N or on Slurm with --slurm FILE.sh");
}

#else

namespace {

constexpr int kRequestTag = 1;  // worker -> root: {finished task or -1, outcome}
constexpr int kAssignTag = 2;   // root -> worker: task index, or -1 for "no more work"

// Runs one task to its end on this rank, honouring stop requests.
RunResult run_task(const Manifest& manifest, size_t task, int rank, std::FILE* out) {
  const ManifestEntry& entry = manifest.entries.at(task);
  std::string note;
  if (!prepare_run(manifest, entry, &note))
    return {task, Outcome::kSkipped, entry.id + ": already complete"};
  std::fprintf(out, "[rank %d] start %s (%s)\n", rank, entry.id.c_str(), note.c_str());
  std::fflush(out);
  const pid_t pid = start_run(manifest, entry, note);
  bool forwarded = false;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw Error(std::string("waitpid: ") + std::strerror(errno));
    if (stop_requested() && !forwarded) {
      ::kill(pid, SIGTERM);
      forwarded = true;
    }
    ::usleep(50'000);
  }
  RunResult result = judge_run(manifest, task, status, forwarded);
  std::fprintf(out, "[rank %d] %s\n", rank, result.message.c_str());
  std::fflush(out);
  return result;
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw Error(std::string("MPI call failed: ") + what);
}

}  // namespace

bool mpi_available() {
  return true;
}

SweepTotals run_mpi(const Manifest& manifest, const std::vector<size_t>& tasks,
                    const std::function<void()>& root_setup, std::FILE* out, bool* is_root) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) check(MPI_Init(nullptr, nullptr), "MPI_Init");
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  *is_root = rank == 0;
  SweepTotals totals;
  // A failing setup must not leave the other ranks waiting at the barrier forever.
  int setup_ok = 1;
  std::string setup_error;
  if (rank == 0 && root_setup) {
    try {
      root_setup();
    } catch (const std::exception& e) {
      setup_ok = 0;
      setup_error = e.what();
    }
  }
  check(MPI_Bcast(&setup_ok, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (!setup_ok) {
    MPI_Finalize();
    throw Error(rank == 0 ? setup_error : "rank 0 failed to set up the sweep");
  }

  if (rank != 0) {
    int report[2] = {-1, 0};
    for (;;) {
      check(MPI_Send(report, 2, MPI_INT, 0, kRequestTag, MPI_COMM_WORLD), "MPI_Send");
      int task = -1;
      check(MPI_Recv(&task, 1, MPI_INT, 0, kAssignTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "MPI_Recv");
      if (task < 0) break;
      const RunResult result = run_task(manifest, static_cast<size_t>(task), rank, out);
      totals.add(result);
      report[0] = task;
      report[1] = static_cast<int>(result.outcome);
    }
  } else {
    size_t next = 0;
    int retired = 0;  // workers told to stop
    auto take_next = [&]() -> int {
      if (stop_requested() || next >= tasks.size()) return -1;
      return static_cast<int>(tasks[next++]);
    };
    auto record_remote = [&](int task, int outcome) {
      if (task < 0) return;
      RunResult result{static_cast<size_t>(task), static_cast<Outcome>(outcome), ""};
      const ManifestEntry& entry = manifest.entries.at(result.task);
      result.message =
          entry.id +
          (result.outcome == Outcome::kFailed ? ": FAILED; log: " + manifest.log_path(entry) : "");
      totals.add(result);
    };
    // Rank 0 runs tasks too, between answering requests; the local run is polled, not waited on.
    pid_t own_pid = -1;
    size_t own_task = 0;
    bool own_forwarded = false;
    while (retired < size - 1 || own_pid > 0 || (!stop_requested() && next < tasks.size())) {
      int pending = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, kRequestTag, MPI_COMM_WORLD, &pending, &status),
            "MPI_Iprobe");
      if (pending) {
        int report[2];
        check(MPI_Recv(report, 2, MPI_INT, status.MPI_SOURCE, kRequestTag, MPI_COMM_WORLD,
                       MPI_STATUS_IGNORE),
              "MPI_Recv");
        record_remote(report[0], report[1]);
        const int task = take_next();
        check(MPI_Send(&task, 1, MPI_INT, status.MPI_SOURCE, kAssignTag, MPI_COMM_WORLD),
              "MPI_Send");
        if (task < 0) ++retired;
        continue;
      }
      if (own_pid < 0) {
        const int task = take_next();
        if (task >= 0) {
          const ManifestEntry& entry = manifest.entries.at(static_cast<size_t>(task));
          std::string note;
          if (!prepare_run(manifest, entry, &note)) {
            totals.add(
                {static_cast<size_t>(task), Outcome::kSkipped, entry.id + ": already complete"});
            continue;
          }
          std::fprintf(out, "[rank 0] start %s (%s)\n", entry.id.c_str(), note.c_str());
          std::fflush(out);
          own_pid = start_run(manifest, entry, note);
          own_task = static_cast<size_t>(task);
          own_forwarded = false;
          continue;
        }
      } else {
        int wait_status = 0;
        const pid_t done = ::waitpid(own_pid, &wait_status, WNOHANG);
        if (done == own_pid) {
          const RunResult result = judge_run(manifest, own_task, wait_status, own_forwarded);
          std::fprintf(out, "[rank 0] %s\n", result.message.c_str());
          std::fflush(out);
          totals.add(result);
          own_pid = -1;
          continue;
        }
        if (stop_requested() && !own_forwarded) {
          ::kill(own_pid, SIGTERM);
          own_forwarded = true;
        }
      }
      ::usleep(20'000);
    }
  }
  MPI_Finalize();
  return totals;
}

#endif

}  // namespace arq::sweep
