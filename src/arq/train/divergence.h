#pragma once
// How the trainer stops a diverging run: agents throw DivergenceError from update() on the first
// non-finite loss or gradient norm; the trainer adds the step and the checkpoint that stays, and
// checks the update's metrics for non-finite values and for a TD loss past run.max_td_loss.
#include <cstdint>
#include <string>

#include "arq/agents/agent.h"
#include "arq/core/error.h"

namespace arq {

// "training diverged at step <step>: <what>; ..." naming the run's last checkpoint, which stays.
DivergenceError diverged_at(int64_t step, const std::string& what, const std::string& run_dir);

// Throws diverged_at(...) if a metric is not finite, or if max_td_loss > 0 and a TD loss (the
// metrics named td_loss* and critic_loss) exceeds it.
void check_update_metrics(const Metrics& metrics, int64_t step, double max_td_loss,
                          const std::string& run_dir);

}  // namespace arq
