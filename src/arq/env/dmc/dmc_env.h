#pragma once
// A DeepMind Control task as an arq::Env, following dm_control's control.Environment: reset runs
// mj_resetData, a forward pass without actuation, the task's initialisation and another such pass;
// a step writes the action to ctrl, runs the task's sub-steps, then computes reward and
// observation. Episodes last 1000 control steps and end truncated (never terminated).
// The task RNG is numpy's RandomState(seed), created by reset(seed) and continued across
// episodes, like dm_control's task_kwargs={'random': seed}.
#include <memory>
#include <string>
#include <vector>

#include "arq/core/numpy_random.h"
#include "arq/env/dmc/physics.h"
#include "arq/env/dmc/task.h"
#include "arq/env/env.h"

namespace arq::dmc {

class DmcEnv final : public Env {
 public:
  static constexpr int kEpisodeSteps = 1000;

  // `task_name` as in task_definitions(), e.g. "walker-walk"; throws arq::Error when unknown.
  explicit DmcEnv(std::string_view task_name);

  const EnvSpec& spec() const override { return spec_; }
  void reset(std::optional<uint32_t> seed = std::nullopt) override;
  // Throws: DMC actions are continuous (wrap in BangBangEnv for discrete ones).
  StepResult step(int action) override;
  // Throws arq::Error for a wrong dimension, a non-finite value, a step before reset() or after
  // the episode ended. Values outside [-1, 1] are clamped by MuJoCo, as in dm_control.
  StepResult step_continuous(std::span<const double> action) override;
  void observation(std::span<float> out) const override;
  std::string stream_state() const override;
  void restore_stream_state(const std::string& state) override;

  // The observation in double precision, as dm_control returns it.
  std::span<const double> observation_f64() const { return observation_; }
  const TaskDefinition& task_definition() const { return *definition_; }
  const Physics& physics() const { return physics_; }
  // Control steps taken in the current episode.
  int episode_step() const { return episode_step_; }

 private:
  void update_observation();

  const TaskDefinition* definition_;
  EnvSpec spec_;
  Physics physics_;
  std::unique_ptr<Task> task_;
  NumpyRandomState rng_;
  bool seeded_ = false;
  bool started_ = false;
  int episode_step_ = 0;
  std::vector<double> observation_;
};

// Names of the tasks: "walker-walk", "walker-run", "hopper-hop", "cheetah-run", "reacher-hard".
std::vector<std::string> task_names();

}  // namespace arq::dmc
