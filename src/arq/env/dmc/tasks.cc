#include "arq/env/dmc/tasks.h"

namespace arq::dmc {

// Control timestep / physics timestep = sub-steps; every task lasts 1000 control steps.
const std::vector<TaskDefinition>& task_definitions() {
  static const std::vector<TaskDefinition> kTasks = {
      {"walker-walk",
       "walker",
       0.0025,
       10,
       {{"orientations", 14}, {"height", 1}, {"velocity", 9}},
       make_walker_walk},
      {"walker-run",
       "walker",
       0.0025,
       10,
       {{"orientations", 14}, {"height", 1}, {"velocity", 9}},
       make_walker_run},
      {"hopper-hop",
       "hopper",
       0.005,
       4,
       {{"position", 6}, {"velocity", 7}, {"touch", 2}},
       make_hopper_hop},
      {"cheetah-run", "cheetah", 0.01, 1, {{"position", 8}, {"velocity", 9}}, make_cheetah_run},
      {"reacher-hard",
       "reacher",
       0.02,
       1,
       {{"position", 2}, {"to_target", 2}, {"velocity", 2}},
       make_reacher_hard},
  };
  return kTasks;
}

const TaskDefinition* find_task(std::string_view name) {
  for (const auto& task : task_definitions()) {
    if (task.name == name) return &task;
  }
  return nullptr;
}

}  // namespace arq::dmc
