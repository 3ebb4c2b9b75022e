// walker-walk and walker-run: stand tall, stay upright, move forward at the target speed.
#include <limits>

#include "arq/env/dmc/task.h"
#include "arq/env/dmc/tasks.h"
#include "arq/env/dmc/tolerance.h"

namespace arq::dmc {
namespace {

constexpr double kStandHeight = 1.2;

class WalkerTask final : public Task {
 public:
  WalkerTask(const mjModel& model, double move_speed)
      : move_speed_(move_speed),
        torso_(require_id(model, mjOBJ_BODY, "torso")),
        velocity_sensor_(model.sensor_adr[require_id(model, mjOBJ_SENSOR, "torso_subtreelinvel")]) {
  }

  void initialize_episode(Physics& physics, NumpyRandomState& rng) override {
    randomize_limited_and_rotational_joints(physics, rng);
  }

  // orientations: (xx, xz) of every body's rotation matrix but the world's; height; qvel.
  void observation(const Physics& physics, std::span<double> out) const override {
    const mjModel& model = physics.model();
    const mjData& data = physics.data();
    size_t i = 0;
    for (int body = 1; body < model.nbody; ++body) {
      out[i++] = data.xmat[9 * body + 0];
      out[i++] = data.xmat[9 * body + 2];
    }
    out[i++] = torso_height(data);
    for (double v : physics.qvel()) out[i++] = v;
  }

  double reward(const Physics& physics) const override {
    const mjData& data = physics.data();
    const double standing = tolerance(torso_height(data), kStandHeight,
                                      std::numeric_limits<double>::infinity(), kStandHeight / 2);
    const double upright = (1 + data.xmat[9 * torso_ + 8]) / 2;
    const double stand_reward = (3 * standing + upright) / 4;
    const double move_reward =
        tolerance(data.sensordata[velocity_sensor_], move_speed_,
                  std::numeric_limits<double>::infinity(), move_speed_ / 2, Sigmoid::kLinear, 0.5);
    return stand_reward * (5 * move_reward + 1) / 6;
  }

 private:
  double torso_height(const mjData& data) const { return data.xpos[3 * torso_ + 2]; }

  double move_speed_;
  int torso_;
  int velocity_sensor_;  // x component of the centre-of-mass velocity
};

}  // namespace

std::unique_ptr<Task> make_walker_walk(const mjModel& model) {
  return std::make_unique<WalkerTask>(model, 1.0);
}

std::unique_ptr<Task> make_walker_run(const mjModel& model) {
  return std::make_unique<WalkerTask>(model, 8.0);
}

}  // namespace arq::dmc
