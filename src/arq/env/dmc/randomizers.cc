#include <numbers>
#include <string>

#include "arq/core/error.h"
#include "arq/env/dmc/task.h"

namespace arq::dmc {

void randomize_limited_and_rotational_joints(Physics& physics, NumpyRandomState& rng) {
  const mjModel& model = physics.model();
  double* qpos = physics.data().qpos;
  for (int joint = 0; joint < model.njnt; ++joint) {
    const int type = model.jnt_type[joint];
    const int address = model.jnt_qposadr[joint];
    if (type == mjJNT_BALL || type == mjJNT_FREE) {
      throw Error("randomize_limited_and_rotational_joints: joint '" +
                  std::string(object_name(model, mjOBJ_JOINT, joint)) +
                  "' is a ball or free joint, which this port does not randomise");
    }
    if (model.jnt_limited[joint]) {
      qpos[address] = rng.uniform(model.jnt_range[2 * joint], model.jnt_range[2 * joint + 1]);
    } else if (type == mjJNT_HINGE) {
      qpos[address] = rng.uniform(-std::numbers::pi, std::numbers::pi);
    }
  }
}

}  // namespace arq::dmc
