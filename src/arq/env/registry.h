#pragma once
// Environment ids -> constructors. Ids: "minatar/<game>-v0|v1" and "dmc/<task>" with optional
// ":bangbang" / ":repeat<N>" suffixes (see dmc/dmc_ids.h).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arq/env/env.h"

namespace arq {

// Options an id does not carry. Unknown or ill-typed keys are rejected by make_env.
struct EnvOptions {
  double sticky_action_prob = 0.1;  // MinAtar
  bool difficulty_ramping = true;   // MinAtar
};

// Builds an environment; throws arq::Error naming the id and the known ids when it is unknown.
std::unique_ptr<Env> make_env(const std::string& id, const EnvOptions& options = {});

// Every registered id, sorted.
std::vector<std::string> env_ids();

}  // namespace arq
