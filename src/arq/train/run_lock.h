#pragma once
// An exclusive advisory lock (flock) on a run folder while a trainer writes into it, so a second
// trainer started on the same folder stops with a clear error instead of interleaving logs and
// checkpoints. The kernel releases the lock when the process ends, however it ends.
#include <string>

namespace arq {

class RunLock {
 public:
  // Locks run_dir/.lock (created if needed); throws arq::Error naming the folder if another
  // process holds it.
  explicit RunLock(const std::string& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace arq
