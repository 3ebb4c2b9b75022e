#include "arq/env/minatar/rollout.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "arq/core/build_info.h"
#include "arq/core/error.h"

namespace arq::minatar {
namespace {

std::string gym_id(const std::string& game, bool minimal) {
  std::string title;
  bool upper = true;
  for (char c : game) {
    if (c == '_') {
      upper = true;
      continue;
    }
    title.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return "MinAtar/" + title + (minimal ? "-v1" : "-v0");
}

}  // namespace

std::vector<int> read_action_file(const std::string& path) {
  std::vector<int> actions;
  const std::vector<std::string> lines = read_lines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') continue;
    int value = 0;
    const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), value);
    if (error != std::errc() || end != line.data() + line.size()) {
      throw Error("actions file '" + path + "' line " + std::to_string(i + 1) +
                  ": expected one integer action index, got '" + std::string(line) + "'");
    }
    actions.push_back(value);
  }
  return actions;
}

RolloutSummary write_rollout(const RolloutRequest& request, TextWriter& out) {
  if (request.steps < 0) {
    throw Error("--steps must be >= 0, got " + std::to_string(request.steps));
  }
  MinAtarEnv env(request.config);
  const Game& game = env.game();
  if (request.actions) {
    if (static_cast<int64_t>(request.actions->size()) < request.steps) {
      throw Error("the actions file has " + std::to_string(request.actions->size()) +
                  " actions but " + std::to_string(request.steps) + " steps were asked for");
    }
    for (size_t t = 0; t < static_cast<size_t>(request.steps); ++t) {
      const int a = (*request.actions)[t];
      if (a < 0 || a >= env.spec().num_actions) {
        throw Error("action " + std::to_string(a) + " at step " + std::to_string(t) + " of the " +
                    "actions file is out of range for " + env.spec().id + " (expected 0.." +
                    std::to_string(env.spec().num_actions - 1) + ")");
      }
    }
  }

  nlohmann::json header = {
      {"type", "header"},
      {"format", 1},
      {"game", request.config.game},
      {"gym_id", gym_id(request.config.game, request.config.minimal_action_set)},
      {"env_id", env.spec().id},
      {"version", request.config.minimal_action_set ? "v1" : "v0"},
      {"seed", request.seed},
      {"sticky_action_prob", request.config.sticky_action_prob},
      {"difficulty_ramping", request.config.difficulty_ramping},
      {"steps", request.steps},
      {"policy", request.actions ? "fixed" : "uniform"},
      {"policy_seed", request.actions ? nlohmann::json(nullptr) : nlohmann::json(request.policy_seed)},
      {"action_set", std::vector<int>(env.action_set().begin(), env.action_set().end())},
      {"minimal_action_set",
       std::vector<int>(game.minimal_action_set().begin(), game.minimal_action_set().end())},
      {"num_actions", kNumGameActions},
      {"channels", std::vector<std::string>(game.channel_names().begin(),
                                            game.channel_names().end())},
      {"obs_shape", env.spec().obs_shape},
      {"obs_encoding",
       "hex(packbits_msb_first(obs[10][10][C] bool flattened row-major: bit k=(y*10+x)*C+c))"},
      {"reset_rule",
       "seed(seed) then reset() once; after a terminal step reset() again (no reseed)"},
      {"producer", "arq " + std::string(build_info().version) + " (" +
                       std::string(build_info().git_commit) + ")"},
  };
  out.write(header.dump() + "\n");

  NumpyRandomState policy(request.policy_seed);
  std::vector<uint8_t> packed(env.packed_size());
  auto obs_hex = [&] {
    env.packed_observation(packed);
    return packed_hex(packed);
  };

  RolloutSummary summary;
  int episode = 0;
  env.reset(request.seed);
  out.write("{\"reset\":0,\"t\":0,\"obs\":\"" + obs_hex() +
            "\",\"rng\":" + std::to_string(env.rng_words_drawn()) + "}\n");
  std::string line;
  for (int64_t t = 0; t < request.steps; ++t) {
    const int a = request.actions ? (*request.actions)[t]
                                  : static_cast<int>(policy.randint(env.spec().num_actions));
    const StepResult result = env.step(a);
    summary.total_reward += result.reward;
    line = "{\"t\":" + std::to_string(t) + ",\"a\":" + std::to_string(a) +
           ",\"ga\":" + std::to_string(env.action_set()[a]) +
           ",\"ea\":" + std::to_string(env.last_applied_action()) +
           ",\"r\":" + std::to_string(static_cast<int>(result.reward)) +
           ",\"term\":" + (result.terminated ? "true" : "false") + ",\"obs\":\"" + obs_hex() +
           "\",\"rng\":" + std::to_string(env.rng_words_drawn());
    if (const auto ramp = env.difficulty_ramp()) line += ",\"ramp\":" + std::to_string(*ramp);
    line += "}\n";
    out.write(line);
    if (result.terminated) {
      ++summary.episodes_completed;
      if (t + 1 < request.steps) {
        env.reset();
        ++episode;
        out.write("{\"reset\":" + std::to_string(episode) + ",\"t\":" + std::to_string(t + 1) +
                  ",\"obs\":\"" + obs_hex() +
                  "\",\"rng\":" + std::to_string(env.rng_words_drawn()) + "}\n");
      }
    }
  }
  summary.steps = request.steps;
  return summary;
}

}  // namespace arq::minatar
