#include "arq/train/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace arq {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long total = std::lround(seconds);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60,
                  total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", total / 60, total % 60);
  }
  return buffer;
}

}  // namespace

ProgressLine::ProgressLine(int64_t total_steps, int64_t first_step)
    : total_steps_(total_steps),
      first_step_(first_step),
      interactive_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressLine::update(int64_t step, double recent_return, double epsilon, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double sps = elapsed > 0 ? static_cast<double>(step - first_step_) / elapsed : 0.0;
  const double eta = sps > 0 ? static_cast<double>(total_steps_ - step) / sps : NAN;
  const int percent = total_steps_ > 0 ? static_cast<int>(100 * step / total_steps_) : 100;
  char line[256];
  std::snprintf(line, sizeof line,
                "step %lld/%lld (%3d%%)  %.0f steps/s  ETA %s  eps %.3f  return %.2f",
                static_cast<long long>(step), static_cast<long long>(total_steps_), percent, sps,
                format_duration(eta).c_str(), epsilon, recent_return);
  if (interactive_) {
    if (!force && std::chrono::duration<double>(now - last_draw_).count() < 0.25) return;
    std::fprintf(stderr, "\r%s\033[K", line);
    std::fflush(stderr);
    last_draw_ = now;
  } else if (force || percent / 10 != last_percent_ / 10) {
    std::fprintf(stderr, "%s\n", line);
    last_percent_ = percent;
  }
}

void ProgressLine::finish() {
  if (interactive_) std::fprintf(stderr, "\n");
}

}  // namespace arq
