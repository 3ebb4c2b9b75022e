#include "arq/env/dmc/dmc_env.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "arq/core/error.h"
#include "arq/core/json_error.h"
#include "arq/core/numpy_random_json.h"
#include "arq/env/dmc/models.h"

namespace arq::dmc {
namespace {

const TaskDefinition& require_task(std::string_view name) {
  const TaskDefinition* definition = find_task(name);
  if (definition == nullptr) {
    std::string known;
    for (const auto& task : task_definitions()) {
      known += (known.empty() ? "" : ", ") + std::string(task.name);
    }
    throw Error("unknown DMC task '" + std::string(name) + "' (expected one of: " + known + ")");
  }
  return *definition;
}

}  // namespace

std::vector<std::string> task_names() {
  std::vector<std::string> names;
  for (const auto& task : task_definitions()) names.emplace_back(task.name);
  return names;
}

DmcEnv::DmcEnv(std::string_view task_name)
    : definition_(&require_task(task_name)),
      physics_(load_domain_model(definition_->domain)),
      task_(definition_->make(physics_.model())),
      observation_(static_cast<size_t>(definition_->observation_size())) {
  spec_.id = "dmc/" + std::string(definition_->name);
  spec_.obs_shape = {definition_->observation_size()};
  spec_.num_actions = 0;
  spec_.action_dim = physics_.model().nu;
  if (physics_.model().opt.timestep != definition_->physics_timestep) {
    throw Error(spec_.id + ": model timestep " + std::to_string(physics_.model().opt.timestep) +
                " differs from the task's " + std::to_string(definition_->physics_timestep));
  }
}

void DmcEnv::reset(std::optional<uint32_t> seed) {
  if (seed) {
    rng_.seed_with(*seed);
    seeded_ = true;
  } else if (!seeded_) {
    // dm_control seeds an unseeded task from OS entropy; so do we, once.
    rng_.seed_with(std::random_device{}());
    seeded_ = true;
  }
  started_ = false;  // stays false if initialisation throws
  physics_.reset();
  task_->initialize_episode(physics_, rng_);
  physics_.forward_without_actuation();
  update_observation();
  episode_step_ = 0;
  started_ = true;
}

StepResult DmcEnv::step(int action) {
  throw Error(spec_.id + " has continuous actions (" + std::to_string(spec_.action_dim) +
              " values in [-1, 1]); got the index " + std::to_string(action) +
              " (use step_continuous, or the id " + spec_.id + ":bangbang for discrete actions)");
}

StepResult DmcEnv::step_continuous(std::span<const double> action) {
  if (!started_) throw Error(spec_.id + ": step before reset()");
  if (episode_step_ >= kEpisodeSteps) {
    throw Error(spec_.id + ": the episode ended after " + std::to_string(kEpisodeSteps) +
                " steps; call reset()");
  }
  if (action.size() != static_cast<size_t>(spec_.action_dim)) {
    throw Error(spec_.id + ": action has " + std::to_string(action.size()) + " values, expected " +
                std::to_string(spec_.action_dim));
  }
  mjData& data = physics_.data();
  for (size_t i = 0; i < action.size(); ++i) {
    if (!std::isfinite(action[i])) {
      throw Error(spec_.id + ": action[" + std::to_string(i) + "] is " + std::to_string(action[i]) +
                  ", expected a finite number in [-1, 1]");
    }
  }
  for (size_t i = 0; i < action.size(); ++i) data.ctrl[i] = action[i];
  physics_.step(definition_->n_sub_steps);
  StepResult result;
  result.reward = task_->reward(physics_);
  update_observation();
  ++episode_step_;
  result.truncated = episode_step_ >= kEpisodeSteps;
  return result;
}

void DmcEnv::observation(std::span<float> out) const {
  if (out.size() != observation_.size()) {
    throw Error(spec_.id + ": observation buffer has " + std::to_string(out.size()) +
                " floats, expected " + std::to_string(observation_.size()));
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(observation_[i]);
}

void DmcEnv::update_observation() {
  task_->observation(physics_, observation_);
}

std::string DmcEnv::stream_state() const {
  nlohmann::json json = {{"format", "dmc-stream-1"}, {"seeded", seeded_}};
  add_numpy_random_state(rng_.state(), json);
  return json.dump();
}

void DmcEnv::restore_stream_state(const std::string& text) {
  try {
    const auto json = nlohmann::json::parse(text);
    if (json.at("format") != "dmc-stream-1") throw Error("unknown format");
    rng_.set_state(numpy_random_state_from(json));
    seeded_ = json.at("seeded").get<bool>();
    started_ = false;  // the caller resets next
  } catch (const nlohmann::json::exception& e) {
    throw Error(spec_.id + ": invalid saved stream state: " + json_error_text(e));
  } catch (const Error& e) {
    throw Error(spec_.id + ": invalid saved stream state: " + e.what());
  }
}

}  // namespace arq::dmc
