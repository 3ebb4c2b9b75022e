#pragma once
// One live line on a terminal: steps, steps/s, ETA, recent return. Silent when not a terminal
// (then the trainer prints a plain line every few percent instead).
#include <chrono>
#include <cstdint>
#include <string>

namespace arq {

class ProgressLine {
 public:
  ProgressLine(int64_t total_steps, int64_t first_step);
  // Redraws at most a few times per second.
  void update(int64_t step, double recent_return, double epsilon, bool force = false);
  void finish();

 private:
  int64_t total_steps_;
  int64_t first_step_;
  bool interactive_;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace arq
