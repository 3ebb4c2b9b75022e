#pragma once
// Constructors of the individual tasks, collected by task_definitions().
#include <memory>

#include "arq/env/dmc/task.h"

namespace arq::dmc {

std::unique_ptr<Task> make_walker_walk(const mjModel& model);
std::unique_ptr<Task> make_walker_run(const mjModel& model);
std::unique_ptr<Task> make_hopper_hop(const mjModel& model);
std::unique_ptr<Task> make_cheetah_run(const mjModel& model);
std::unique_ptr<Task> make_reacher_hard(const mjModel& model);

}  // namespace arq::dmc
