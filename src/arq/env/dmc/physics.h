#pragma once
// One MuJoCo model + data pair, stepped the way dm_control's mujoco.Physics steps it.
#include <mujoco/mujoco.h>

#include <array>
#include <span>

#include "arq/env/dmc/mujoco_model.h"

namespace arq::dmc {

class Physics {
 public:
  explicit Physics(ModelPtr model);

  const mjModel& model() const { return *model_; }
  mjModel& model() { return *model_; }
  const mjData& data() const { return *data_; }
  mjData& data() { return *data_; }

  // mj_resetData, then a forward pass with actuation disabled (dm_control's Physics.reset).
  void reset();

  // mj_forward with actuation disabled, as dm_control runs after every episode initialisation.
  void forward_without_actuation();

  // dm_control's "legacy" step of n sub-steps: mj_step2, n-1 x mj_step, mj_step1. It expects the
  // data to hold the result of a position/velocity pass (after reset, forward or a previous step)
  // and leaves positions, velocities and position/velocity sensors describing the new state;
  // acceleration-stage sensors (touch) keep the values of the last sub-step.
  void step(int n);

  std::span<const double> qpos() const { return {data_->qpos, static_cast<size_t>(model_->nq)}; }
  std::span<double> qpos() { return {data_->qpos, static_cast<size_t>(model_->nq)}; }
  std::span<const double> qvel() const { return {data_->qvel, static_cast<size_t>(model_->nv)}; }
  std::span<const double> sensordata() const {
    return {data_->sensordata, static_cast<size_t>(model_->nsensordata)};
  }

 private:
  // dm_control raises PhysicsError when a MuJoCo warning counter grows during a physics call;
  // we throw arq::Error naming the warnings.
  void remember_warnings();
  void throw_on_new_warnings(const char* during) const;

  ModelPtr model_;
  DataPtr data_;
  std::array<int, mjNWARNING> warnings_before_{};
};

}  // namespace arq::dmc
