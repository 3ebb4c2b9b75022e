#include "arq/sweep/local_sweep.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "arq/core/error.h"

namespace arq::sweep {

SweepTotals run_local(const Manifest& manifest, const std::vector<size_t>& tasks, int workers,
                      std::FILE* out) {
  if (workers < 1) throw Error("--workers must be >= 1, got " + std::to_string(workers));
  SweepTotals totals;
  std::map<pid_t, size_t> running;  // child -> task
  size_t next = 0;
  bool forwarded_stop = false;
  const size_t count = tasks.size();
  size_t finished = 0;

  while (true) {
    while (!stop_requested() && running.size() < static_cast<size_t>(workers) && next < count) {
      const size_t task = tasks[next++];
      const ManifestEntry& entry = manifest.entries.at(task);
      std::string note;
      if (!prepare_run(manifest, entry, &note)) {
        totals.add({task, Outcome::kSkipped, entry.id + ": already complete"});
        ++finished;
        continue;
      }
      running[start_run(manifest, entry, note)] = task;
      std::fprintf(out, "[%zu/%zu] start %s (%s)\n", finished + running.size(), count,
                   entry.id.c_str(), note.c_str());
      std::fflush(out);
    }
    if (running.empty()) break;
    if (stop_requested() && !forwarded_stop) {
      for (const auto& [pid, task] : running) ::kill(pid, SIGTERM);
      forwarded_stop = true;
      std::fprintf(out, "stopping: waiting for %zu running run(s) to exit\n", running.size());
      std::fflush(out);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid == 0) {
      ::usleep(50'000);  // polling keeps stop requests and child exits in one simple loop
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("waiting for runs failed: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const RunResult result = judge_run(manifest, it->second, status, forwarded_stop);
    running.erase(it);
    ++finished;
    totals.add(result);
    std::fprintf(out, "[%zu/%zu] %s\n", finished, count, result.message.c_str());
    std::fflush(out);
  }
  return totals;
}

}  // namespace arq::sweep
