#include "arq/env/dmc/action_repeat.h"

#include <string>

#include "arq/core/error.h"

namespace arq::dmc {

ActionRepeatEnv::ActionRepeatEnv(std::unique_ptr<Env> inner, int repeat)
    : inner_(std::move(inner)), repeat_(repeat) {
  if (!inner_) throw Error("ActionRepeatEnv: no environment to wrap");
  if (repeat < 1) {
    throw Error(inner_->spec().id + ": action repeat must be >= 1, got " + std::to_string(repeat));
  }
  spec_ = inner_->spec();
  spec_.id += ":repeat" + std::to_string(repeat);
}

template <typename StepOnce>
StepResult ActionRepeatEnv::repeat_steps(StepOnce step_once) {
  StepResult total;
  for (int i = 0; i < repeat_; ++i) {
    const StepResult result = step_once();
    total.reward += result.reward;
    total.terminated = result.terminated;
    total.truncated = result.truncated;
    if (result.done()) break;
  }
  return total;
}

StepResult ActionRepeatEnv::step(int action) {
  return repeat_steps([&] { return inner_->step(action); });
}

StepResult ActionRepeatEnv::step_continuous(std::span<const double> action) {
  return repeat_steps([&] { return inner_->step_continuous(action); });
}

}  // namespace arq::dmc
