#include "arq/env/dmc/rollout.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <span>

#include "arq/core/build_info.h"
#include "arq/core/error.h"
#include "arq/env/dmc/dmc_env.h"
#include "arq/env/dmc/dmc_ids.h"

namespace arq::dmc {
namespace {

void append_double(std::string& out, double value) {
  if (!std::isfinite(value))
    throw Error("rollout: cannot write the non-finite number " + std::to_string(value) +
                " as JSON");
  char buffer[32];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::general, 17);
  out.append(buffer, result.ptr);
}

void append_array(std::string& out, const char* key, std::span<const double> values) {
  out += ",\"";
  out += key;
  out += "\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    append_double(out, values[i]);
  }
  out += ']';
}

void append_state(std::string& out, const DmcEnv& env, bool physics) {
  append_array(out, "obs", env.observation_f64());
  if (physics) {
    append_array(out, "qpos", env.physics().qpos());
    append_array(out, "qvel", env.physics().qvel());
  }
  out += "}\n";
}

std::vector<std::string> joint_names(const mjModel& model) {
  std::vector<std::string> names;
  for (int joint = 0; joint < model.njnt; ++joint) {
    names.emplace_back(object_name(model, mjOBJ_JOINT, joint));
  }
  return names;
}

}  // namespace

std::string format_double(double value) {
  std::string text;
  append_double(text, value);
  return text;
}

std::vector<double> read_action_file(const std::string& path, int action_dim) {
  std::vector<double> actions;
  const std::vector<std::string> lines = read_lines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const char* p = line.data();
    const char* end = p + line.size();
    auto skip_separators = [&] {
      while (p < end && (std::isspace(static_cast<unsigned char>(*p)) || *p == ',')) ++p;
    };
    skip_separators();
    if (p == end || *p == '#') continue;
    int count = 0;
    while (p < end) {
      double value = 0.0;
      const auto [next, error] = std::from_chars(p, end, value);
      if (error != std::errc() || !std::isfinite(value)) {
        throw Error("actions file '" + path + "' line " + std::to_string(i + 1) +
                    ": expected numbers separated by spaces, got '" + line + "'");
      }
      // The physics would clip it while the rollout records it as given.
      if (value < kActionMin || value > kActionMax) {
        throw Error("actions file '" + path + "' line " + std::to_string(i + 1) + ": value " +
                    format_double(value) + " (action[" + std::to_string(count) +
                    "]) is outside the action bounds [-1, 1]");
      }
      actions.push_back(value);
      ++count;
      p = next;
      skip_separators();
    }
    if (count != action_dim) {
      throw Error("actions file '" + path + "' line " + std::to_string(i + 1) + ": " +
                  std::to_string(count) + " values, expected " + std::to_string(action_dim) +
                  " (one control step per line)");
    }
  }
  return actions;
}

RolloutSummary write_rollout(const RolloutRequest& request, TextWriter& out) {
  if (request.steps < 0) {
    throw Error("--steps must be >= 0, got " + std::to_string(request.steps));
  }
  const std::string task = is_dmc_id(request.task) ? request.task.substr(4) : request.task;
  DmcEnv env(task);
  const int dim = env.spec().action_dim;
  if (request.actions) {
    const auto available = static_cast<int64_t>(request.actions->size()) / dim;
    if (request.actions->size() % dim != 0) {
      throw Error("rollout: " + std::to_string(request.actions->size()) +
                  " action values are not a multiple of the action dimension " +
                  std::to_string(dim));
    }
    if (available < request.steps) {
      throw Error("the actions file has " + std::to_string(available) + " actions but " +
                  std::to_string(request.steps) + " steps were asked for");
    }
  }

  const TaskDefinition& definition = env.task_definition();
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& part : definition.observation_parts) {
    parts.push_back({{"name", part.name}, {"size", part.size}});
  }
  std::vector<std::string> actuators;
  const mjModel& model = env.physics().model();
  for (int i = 0; i < model.nu; ++i) actuators.emplace_back(object_name(model, mjOBJ_ACTUATOR, i));
  const nlohmann::json header = {
      {"type", "header"},
      {"format", 1},
      {"env_id", env.spec().id},
      {"domain", definition.domain},
      {"task", definition.name.substr(definition.domain.size() + 1)},
      {"seed", request.seed},
      {"steps", request.steps},
      {"policy", request.actions ? "fixed" : "uniform"},
      {"policy_seed",
       request.actions ? nlohmann::json(nullptr) : nlohmann::json(request.policy_seed)},
      {"obs_size", env.spec().obs_size()},
      {"obs_parts", parts},
      {"action_dim", dim},
      {"actuators", actuators},
      {"physics_timestep", definition.physics_timestep},
      {"n_sub_steps", definition.n_sub_steps},
      {"episode_steps", DmcEnv::kEpisodeSteps},
      {"physics", request.physics},
      {"joints", joint_names(model)},
      {"mujoco_version", mj_versionString()},
      {"reset_rule",
       "RandomState(seed) then reset(); after a truncated step reset() again (no "
       "reseed)"},
      {"producer", "arq " + std::string(build_info().version) + " (" +
                       std::string(build_info().git_commit) + ")"},
  };
  out.write(header.dump() + "\n");

  NumpyRandomState policy(request.policy_seed);
  std::vector<double> action(static_cast<size_t>(dim));
  RolloutSummary summary;
  int episode = 0;
  env.reset(request.seed);
  std::string line = "{\"reset\":0,\"t\":0";
  append_state(line, env, request.physics);
  out.write(line);
  for (int64_t t = 0; t < request.steps; ++t) {
    for (int j = 0; j < dim; ++j) {
      action[j] = request.actions ? (*request.actions)[static_cast<size_t>(t * dim + j)]
                                  : policy.uniform(-1.0, 1.0);
    }
    const StepResult result = env.step_continuous(action);
    summary.total_reward += result.reward;
    line = "{\"t\":" + std::to_string(t);
    append_array(line, "a", action);
    line += ",\"r\":";
    append_double(line, result.reward);
    line += ",\"term\":false,\"trunc\":";
    line += result.truncated ? "true" : "false";
    append_state(line, env, request.physics);
    out.write(line);
    if (result.truncated) {
      ++summary.episodes_completed;
      if (t + 1 < request.steps) {
        env.reset();
        ++episode;
        line = "{\"reset\":" + std::to_string(episode) + ",\"t\":" + std::to_string(t + 1);
        append_state(line, env, request.physics);
        out.write(line);
      }
    }
  }
  summary.steps = request.steps;
  return summary;
}

}  // namespace arq::dmc
