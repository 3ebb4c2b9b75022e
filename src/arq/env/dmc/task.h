#pragma once
// What a DeepMind Control task adds to its domain's physics: how an episode starts, what the
// agent observes and what it is paid. The environment loop around it lives in DmcEnv.
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "arq/core/numpy_random.h"
#include "arq/env/dmc/physics.h"

namespace arq::dmc {

class Task {
 public:
  virtual ~Task() = default;

  // Sets the initial state after the physics was reset (dm_control's initialize_episode); may
  // edit the model (reacher moves its target). DmcEnv runs a forward pass afterwards.
  virtual void initialize_episode(Physics& physics, NumpyRandomState& rng) = 0;

  // The flattened observation of the current state, in dm_control's order.
  virtual void observation(const Physics& physics, std::span<double> out) const = 0;

  virtual double reward(const Physics& physics) const = 0;
};

// One entry of dm_control's observation dict: flattening concatenates them in this order.
struct ObservationPart {
  std::string_view name;
  int size;
};

struct TaskDefinition {
  std::string_view name;    // "walker-walk"
  std::string_view domain;  // "walker": the model it runs on
  double physics_timestep;  // seconds per MuJoCo step (the model's option)
  int n_sub_steps;          // MuJoCo steps per control step
  std::vector<ObservationPart> observation_parts;
  // Builds the task for a compiled model of its domain (looks up the ids it needs).
  std::unique_ptr<Task> (*make)(const mjModel& model);

  int observation_size() const {
    int size = 0;
    for (const auto& part : observation_parts) size += part.size;
    return size;
  }
};

// The five tasks: walker-walk, walker-run, hopper-hop, cheetah-run, reacher-hard.
const std::vector<TaskDefinition>& task_definitions();

// nullptr when there is no task of that name.
const TaskDefinition* find_task(std::string_view name);

// dm_control's randomize_limited_and_rotational_joints: in joint-id order, a limited hinge or
// slide gets uniform(range), an unlimited hinge uniform(-pi, pi), an unlimited slide nothing.
// Throws arq::Error for ball and free joints (none of our models has one).
void randomize_limited_and_rotational_joints(Physics& physics, NumpyRandomState& rng);

}  // namespace arq::dmc
