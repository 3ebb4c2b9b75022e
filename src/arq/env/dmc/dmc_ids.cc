#include "arq/env/dmc/dmc_ids.h"

#include <charconv>
#include <optional>

#include "arq/core/error.h"
#include "arq/env/dmc/action_repeat.h"
#include "arq/env/dmc/bang_bang.h"
#include "arq/env/dmc/dmc_env.h"

namespace arq::dmc {

std::unique_ptr<Env> make_dmc_env(std::string_view id) {
  if (!is_dmc_id(id)) throw Error("'" + std::string(id) + "' is not a DMC id (dmc/<task>)");
  const std::string_view rest = id.substr(4);
  const size_t colon = rest.find(':');
  const std::string_view task = rest.substr(0, colon);
  if (find_task(task) == nullptr) {
    std::string known;
    for (const auto& name : task_names()) known += (known.empty() ? "" : ", ") + name;
    throw Error("environment id '" + std::string(id) + "': unknown DMC task '" + std::string(task) +
                "' (expected one of: " + known + ")");
  }
  std::unique_ptr<Env> env = std::make_unique<DmcEnv>(task);
  // Suffixes: every ':' starts one, so "dmc/x:" has an empty (invalid) suffix.
  std::optional<std::string_view> rest_of_suffixes;
  if (colon != std::string_view::npos) rest_of_suffixes = rest.substr(colon + 1);
  while (rest_of_suffixes) {
    const std::string_view remaining = *rest_of_suffixes;
    const size_t next = remaining.find(':');
    const std::string_view suffix = remaining.substr(0, next);
    rest_of_suffixes.reset();
    if (next != std::string_view::npos) rest_of_suffixes = remaining.substr(next + 1);
    if (suffix == "bangbang") {
      env = std::make_unique<BangBangEnv>(std::move(env));
      continue;
    }
    int repeat = 0;
    if (suffix.starts_with("repeat")) {
      const std::string_view digits = suffix.substr(6);
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), repeat);
      if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
          repeat >= 1) {
        env = std::make_unique<ActionRepeatEnv>(std::move(env), repeat);
        continue;
      }
    }
    throw Error("environment id '" + std::string(id) + "': unknown suffix ':" +
                std::string(suffix) + "' (expected ':bangbang' or ':repeat<N>' with N >= 1)");
  }
  return env;
}

std::vector<std::string> dmc_env_ids() {
  std::vector<std::string> ids;
  for (const auto& name : task_names()) {
    ids.push_back("dmc/" + name);
    ids.push_back("dmc/" + name + ":bangbang");
  }
  return ids;
}

}  // namespace arq::dmc
