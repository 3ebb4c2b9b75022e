#include "arq/sweep/run_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "arq/core/error.h"

namespace arq::sweep {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_stop = 0;

void on_stop_signal(int) {
  g_stop = 1;
}

std::string now_text() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  return buffer;
}

void append_line(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot open log '" + path + "': " + std::strerror(errno));
  const std::string text = line + "\n";
  const ssize_t written = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) throw Error("cannot write log '" + path + "'");
}

}  // namespace

bool stop_requested() {
  return g_stop != 0;
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a pending wait should notice the request
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool prepare_run(const Manifest& manifest, const ManifestEntry& entry, std::string* state_note) {
  const std::string run_dir = manifest.run_dir(entry);
  const RunStatus status = inspect_run(run_dir, entry.total_steps);
  switch (status.state) {
    case RunState::kComplete:
      *state_note = "complete";
      return false;
    case RunState::kResumable:
      *state_note = "resuming from step " + std::to_string(status.checkpoint_step);
      return true;
    case RunState::kPartial:
      // The trainer refuses to resume logs without a checkpoint; nothing in them can be reused.
      fs::remove_all(run_dir);
      *state_note = "restarting (it stopped before its first checkpoint)";
      return true;
    case RunState::kNotStarted:
      *state_note = "fresh";
      return true;
  }
  return true;
}

pid_t start_run(const Manifest& manifest, const ManifestEntry& entry, const std::string& note) {
  const std::string log = manifest.log_path(entry);
  fs::create_directories(fs::path(log).parent_path());
  append_line(log, "[arq sweep] " + now_text() + " start " + entry.id + " (" + note +
                       "): " + entry.command);
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  const std::string script =
      "export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1; exec " + entry.command;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    throw Error("cannot start run '" + entry.id + "': fork failed: " + std::strerror(errno));
  if (pid == 0) {
#ifdef __linux__
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
#endif
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGINT, &default_action, nullptr);
    sigaction(SIGTERM, &default_action, nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (null_fd < 0 || log_fd < 0) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

RunResult judge_run(const Manifest& manifest, size_t task, int wait_status, bool interrupted) {
  const ManifestEntry& entry = manifest.entries.at(task);
  const std::string log = manifest.log_path(entry);
  RunResult result;
  result.task = task;
  std::string how;
  if (WIFEXITED(wait_status)) {
    how = "exit code " + std::to_string(WEXITSTATUS(wait_status));
  } else if (WIFSIGNALED(wait_status)) {
    how = std::string("signal ") + std::to_string(WTERMSIG(wait_status)) + " (" +
          strsignal(WTERMSIG(wait_status)) + ")";
  } else {
    how = "status " + std::to_string(wait_status);
  }
  const bool exited_cleanly = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
  const RunStatus status = inspect_run(manifest.run_dir(entry), entry.total_steps);
  if (exited_cleanly && status.state == RunState::kComplete) {
    result.outcome = Outcome::kSucceeded;
    result.message = entry.id + ": done";
  } else if (interrupted) {
    result.outcome = Outcome::kInterrupted;
    result.message = entry.id + ": interrupted (" + status.detail + "); rerun to continue";
  } else {
    result.outcome = Outcome::kFailed;
    result.message =
        entry.id + ": FAILED with " + how +
        (exited_cleanly ? " but the run is not complete (" + status.detail + ")" : "") +
        "; log: " + log;
  }
  append_line(log, "[arq sweep] " + now_text() + " end " + entry.id + ": " + how);
  return result;
}

void SweepTotals::add(const RunResult& result) {
  switch (result.outcome) {
    case Outcome::kSkipped:
      ++skipped;
      break;
    case Outcome::kSucceeded:
      ++succeeded;
      break;
    case Outcome::kFailed:
      ++failed;
      failures.push_back(result);
      break;
    case Outcome::kInterrupted:
      ++interrupted;
      break;
  }
}

std::string SweepTotals::summary() const {
  const size_t total = skipped + succeeded + failed + interrupted;
  std::string text = std::to_string(total) + " runs: " + std::to_string(skipped) +
                     " already complete, " + std::to_string(succeeded) + " succeeded, " +
                     std::to_string(failed) + " failed";
  if (interrupted > 0) text += ", " + std::to_string(interrupted) + " interrupted";
  return text;
}

}  // namespace arq::sweep
