// hopper-hop: keep the torso 0.6-2 m above the foot while hopping forward at 2 m/s or more.
#include <cmath>
#include <limits>

#include "arq/env/dmc/task.h"
#include "arq/env/dmc/tasks.h"
#include "arq/env/dmc/tolerance.h"

namespace arq::dmc {
namespace {

constexpr double kStandHeight = 0.6;
constexpr double kHopSpeed = 2.0;

class HopperHop final : public Task {
 public:
  explicit HopperHop(const mjModel& model)
      : torso_(require_id(model, mjOBJ_BODY, "torso")),
        foot_(require_id(model, mjOBJ_BODY, "foot")),
        velocity_sensor_(model.sensor_adr[require_id(model, mjOBJ_SENSOR, "torso_subtreelinvel")]),
        toe_sensor_(model.sensor_adr[require_id(model, mjOBJ_SENSOR, "touch_toe")]),
        heel_sensor_(model.sensor_adr[require_id(model, mjOBJ_SENSOR, "touch_heel")]) {}

  void initialize_episode(Physics& physics, NumpyRandomState& rng) override {
    randomize_limited_and_rotational_joints(physics, rng);
  }

  // position: qpos without rootx; velocity: qvel; touch: log1p of the toe and heel forces.
  void observation(const Physics& physics, std::span<double> out) const override {
    size_t i = 0;
    for (double q : physics.qpos().subspan(1)) out[i++] = q;
    for (double v : physics.qvel()) out[i++] = v;
    out[i++] = std::log1p(physics.data().sensordata[toe_sensor_]);
    out[i++] = std::log1p(physics.data().sensordata[heel_sensor_]);
  }

  double reward(const Physics& physics) const override {
    const mjData& data = physics.data();
    // Height of the torso's centre of mass above the foot's.
    const double height = data.xipos[3 * torso_ + 2] - data.xipos[3 * foot_ + 2];
    const double standing = tolerance(height, kStandHeight, 2);
    const double hopping =
        tolerance(data.sensordata[velocity_sensor_], kHopSpeed,
                  std::numeric_limits<double>::infinity(), kHopSpeed / 2, Sigmoid::kLinear, 0.5);
    return standing * hopping;
  }

 private:
  int torso_;
  int foot_;
  int velocity_sensor_;
  int toe_sensor_;
  int heel_sensor_;
};

}  // namespace

std::unique_ptr<Task> make_hopper_hop(const mjModel& model) {
  return std::make_unique<HopperHop>(model);
}

}  // namespace arq::dmc
