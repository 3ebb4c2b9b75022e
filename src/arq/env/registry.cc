#include "arq/env/registry.h"

#include <algorithm>

#include "arq/core/error.h"
#include "arq/env/dmc/dmc_ids.h"
#include "arq/env/minatar/games.h"
#include "arq/env/minatar/minatar_env.h"

namespace arq {

std::vector<std::string> env_ids() {
  std::vector<std::string> ids;
  for (const auto& game : minatar::game_names()) {
    ids.push_back("minatar/" + game + "-v0");
    ids.push_back("minatar/" + game + "-v1");
  }
  for (auto& id : dmc::dmc_env_ids()) ids.push_back(std::move(id));
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::unique_ptr<Env> make_env(const std::string& id, const EnvOptions& options) {
  if (auto config = minatar::parse_minatar_id(id)) {
    config->sticky_action_prob = options.sticky_action_prob;
    config->difficulty_ramping = options.difficulty_ramping;
    return std::make_unique<minatar::MinAtarEnv>(*config);
  }
  if (dmc::is_dmc_id(id)) return dmc::make_dmc_env(id);
  std::string known;
  for (const auto& known_id : env_ids()) known += (known.empty() ? "" : ", ") + known_id;
  throw Error("unknown environment id '" + id + "' (expected one of: " + known + ")");
}

}  // namespace arq
