#pragma once
// Action repeat (dmc2gym's frame_skip): each agent step applies the action `repeat` times,
// sums the rewards and stops early when an inner step ends the episode.
#include <memory>

#include "arq/env/env.h"

namespace arq::dmc {

class ActionRepeatEnv final : public Env {
 public:
  // repeat >= 1; id gains the suffix ":repeat<N>". Works for discrete and continuous actions.
  ActionRepeatEnv(std::unique_ptr<Env> inner, int repeat);

  const EnvSpec& spec() const override { return spec_; }
  void reset(std::optional<uint32_t> seed = std::nullopt) override { inner_->reset(seed); }
  StepResult step(int action) override;
  StepResult step_continuous(std::span<const double> action) override;
  void observation(std::span<float> out) const override { inner_->observation(out); }
  std::string stream_state() const override { return inner_->stream_state(); }
  void restore_stream_state(const std::string& state) override {
    inner_->restore_stream_state(state);
  }

  int repeat() const { return repeat_; }
  const Env& inner() const { return *inner_; }
  Env& inner() { return *inner_; }

 private:
  template <typename StepOnce>
  StepResult repeat_steps(StepOnce step_once);

  std::unique_ptr<Env> inner_;
  int repeat_;
  EnvSpec spec_;
};

}  // namespace arq::dmc
