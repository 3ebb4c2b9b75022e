#include "arq/agents/local/worker_pool.h"

#include <sched.h>

#include <string>

#include "arq/core/error.h"

namespace arq::local {

int WorkerPool::available_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) return std::max(1, CPU_COUNT(&mask));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

int WorkerPool::resolve_thread_count(long configured) {
  if (configured < 0 || configured > kMaxThreads) {
    throw Error("thread count: expected 0 (one per available core) or 1.." +
                std::to_string(kMaxThreads) + ", got " + std::to_string(configured));
  }
  if (configured == 0) return std::min(available_cores(), kMaxThreads);
  return static_cast<int>(configured);
}

WorkerPool::WorkerPool(int workers) {
  if (workers < 1) {
    throw Error("worker pool: need at least one worker, got " + std::to_string(workers));
  }
  for (int part = 1; part < workers; ++part) {
    threads_.emplace_back([this, part] { worker_loop(part); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::run(const std::function<void(int part)>& job) {
  if (threads_.empty()) {
    job(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &job;
    running_ = static_cast<int>(threads_.size());
    error_ = nullptr;
    ++generation_;
  }
  start_.notify_all();
  std::exception_ptr own_error;
  try {
    job(0);
  } catch (...) {
    own_error = std::current_exception();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return running_ == 0; });
  job_ = nullptr;
  if (own_error) std::rethrow_exception(own_error);
  if (error_) std::rethrow_exception(error_);
}

void WorkerPool::worker_loop(int part) {
  long seen = 0;
  for (;;) {
    const std::function<void(int)>* job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
    }
    std::exception_ptr error;
    try {
      (*job)(part);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (error && !error_) error_ = error;
    if (--running_ == 0) done_.notify_one();
  }
}

}  // namespace arq::local
