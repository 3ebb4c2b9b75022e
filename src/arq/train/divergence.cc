#include "arq/train/divergence.h"

#include <cmath>

#include "arq/core/number_text.h"
#include "arq/train/checkpoint.h"

namespace arq {

DivergenceError diverged_at(int64_t step, const std::string& what, const std::string& run_dir) {
  std::string kept = "there is no checkpoint yet";
  try {
    if (const auto status = checkpoint_status(run_dir)) {
      kept = "the last checkpoint (step " + std::to_string(status->steps_done) + ") stays";
    }
  } catch (const Error&) {
    kept = "the checkpoint folder is unreadable";
  }
  return DivergenceError("training diverged at step " + std::to_string(step) + ": " + what +
                         "; no checkpoint was written from it, " + kept +
                         " (a smaller optim.lr or a gradient clip, optim.max_grad_norm, may help)");
}

void check_update_metrics(const Metrics& metrics, int64_t step, double max_td_loss,
                          const std::string& run_dir) {
  for (const auto& [name, value] : metrics) {
    if (!std::isfinite(value)) {
      throw diverged_at(step, "metric " + name + " is " + significant_digits(value, 9), run_dir);
    }
    const bool td_loss = name.starts_with("td_loss") || name == "critic_loss";
    if (td_loss && max_td_loss > 0.0 && std::abs(value) > max_td_loss) {
      throw diverged_at(step,
                        name + " is " + significant_digits(value, 6) + ", above run.max_td_loss " +
                            significant_digits(max_td_loss, 6),
                        run_dir);
    }
  }
}

}  // namespace arq
