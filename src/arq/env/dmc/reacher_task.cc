// reacher-hard: touch a small target (radius 0.015) placed at random around the arm.
#include <cmath>
#include <numbers>

#include "arq/env/dmc/task.h"
#include "arq/env/dmc/tasks.h"
#include "arq/env/dmc/tolerance.h"

namespace arq::dmc {
namespace {

class Reacher final : public Task {
 public:
  Reacher(const mjModel& model, double target_size)
      : target_size_(target_size),
        target_(require_id(model, mjOBJ_GEOM, "target")),
        finger_(require_id(model, mjOBJ_GEOM, "finger")) {}

  // Resize the target, randomise the joints, then place the target at a random angle and radius.
  void initialize_episode(Physics& physics, NumpyRandomState& rng) override {
    mjModel& model = physics.model();
    model.geom_size[3 * target_] = target_size_;
    randomize_limited_and_rotational_joints(physics, rng);
    const double angle = rng.uniform(0, 2 * std::numbers::pi);
    const double radius = rng.uniform(0.05, 0.20);
    model.geom_pos[3 * target_ + 0] = radius * std::sin(angle);
    model.geom_pos[3 * target_ + 1] = radius * std::cos(angle);
  }

  // position: qpos; to_target: target minus finger in the plane; velocity: qvel.
  void observation(const Physics& physics, std::span<double> out) const override {
    size_t i = 0;
    for (double q : physics.qpos()) out[i++] = q;
    const double* xpos = physics.data().geom_xpos;
    out[i++] = xpos[3 * target_ + 0] - xpos[3 * finger_ + 0];
    out[i++] = xpos[3 * target_ + 1] - xpos[3 * finger_ + 1];
    for (double v : physics.qvel()) out[i++] = v;
  }

  // 1 while the finger's centre is within the sum of both radii of the target's centre, else 0.
  double reward(const Physics& physics) const override {
    const mjModel& model = physics.model();
    const double* xpos = physics.data().geom_xpos;
    const double dx = xpos[3 * target_ + 0] - xpos[3 * finger_ + 0];
    const double dy = xpos[3 * target_ + 1] - xpos[3 * finger_ + 1];
    const double radii = model.geom_size[3 * target_] + model.geom_size[3 * finger_];
    return tolerance(std::sqrt(dx * dx + dy * dy), 0, radii);
  }

 private:
  double target_size_;
  int target_;
  int finger_;
};

}  // namespace

std::unique_ptr<Task> make_reacher_hard(const mjModel& model) {
  return std::make_unique<Reacher>(model, 0.015);
}

}  // namespace arq::dmc
