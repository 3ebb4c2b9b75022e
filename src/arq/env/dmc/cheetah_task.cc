// cheetah-run: run forward; the reward grows linearly with speed up to 10 m/s.
#include <limits>
#include <string>

#include "arq/core/error.h"
#include "arq/env/dmc/task.h"
#include "arq/env/dmc/tasks.h"
#include "arq/env/dmc/tolerance.h"

namespace arq::dmc {
namespace {

constexpr double kRunSpeed = 10.0;
constexpr int kSettlingSteps = 200;

class CheetahRun final : public Task {
 public:
  explicit CheetahRun(const mjModel& model)
      : velocity_sensor_(model.sensor_adr[require_id(model, mjOBJ_SENSOR, "torso_subtreelinvel")]) {
    if (model.nq != model.njnt) {
      throw Error("cheetah-run needs one coordinate per joint, the model has nq " +
                  std::to_string(model.nq) + " and njnt " + std::to_string(model.njnt));
    }
  }

  // Limited joints (not the root) get uniform(range), then the cheetah settles for 200 physics
  // steps without control and the clock restarts. The first of those steps integrates on the
  // kinematics of the reset's forward pass, computed before the joints moved, as in dm_control.
  void initialize_episode(Physics& physics, NumpyRandomState& rng) override {
    const mjModel& model = physics.model();
    for (int joint = 0; joint < model.njnt; ++joint) {
      if (model.jnt_limited[joint]) {
        physics.qpos()[joint] =
            rng.uniform(model.jnt_range[2 * joint], model.jnt_range[2 * joint + 1]);
      }
    }
    physics.step(kSettlingSteps);
    physics.data().time = 0;
  }

  // position: qpos without rootx; velocity: qvel.
  void observation(const Physics& physics, std::span<double> out) const override {
    size_t i = 0;
    for (double q : physics.qpos().subspan(1)) out[i++] = q;
    for (double v : physics.qvel()) out[i++] = v;
  }

  double reward(const Physics& physics) const override {
    return tolerance(physics.data().sensordata[velocity_sensor_], kRunSpeed,
                     std::numeric_limits<double>::infinity(), kRunSpeed, Sigmoid::kLinear, 0.0);
  }

 private:
  int velocity_sensor_;
};

}  // namespace

std::unique_ptr<Task> make_cheetah_run(const mjModel& model) {
  return std::make_unique<CheetahRun>(model);
}

}  // namespace arq::dmc
