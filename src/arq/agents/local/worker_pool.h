#pragma once
// A fixed set of threads for the data-parallel parts of an update. A job is split into
// size() parts and part p always runs on worker p (the caller is worker 0), so for a given
// worker count every run computes the same partition and gives the same bits.
#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace arq::local {

class WorkerPool {
 public:
  explicit WorkerPool(int workers);  // workers >= 1; starts workers - 1 threads
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(threads_.size()) + 1; }

  // Runs job(p) for every part p in [0, size()) and returns when all have finished. An exception
  // thrown by a part is rethrown here (the first one, after every part has stopped).
  void run(const std::function<void(int part)>& job);

  // CPUs this process may run on (its affinity mask, e.g. under taskset or a batch scheduler's
  // cgroup), at least 1.
  static int available_cores();
  // A configured thread count: 0 means available_cores(), capped at kMaxThreads.
  static constexpr int kMaxThreads = 256;
  static int resolve_thread_count(long configured);

  // The p-th of `parts` contiguous, nearly equal ranges of [0, n).
  static std::pair<int, int> split(int n, int part, int parts) {
    const int base = n / parts, extra = n % parts;
    const int begin = part * base + std::min(part, extra);
    return {begin, begin + base + (part < extra ? 1 : 0)};
  }

 private:
  void worker_loop(int part);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  const std::function<void(int)>* job_ = nullptr;
  long generation_ = 0;
  int running_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace arq::local
