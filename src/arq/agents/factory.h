#pragma once
// Builds the agent named by run.agent (arq | ad | dqn | sac) for an environment.
#include <memory>

#include "arq/agents/agent.h"
#include "arq/core/config.h"
#include "arq/env/env.h"

namespace arq {

std::unique_ptr<Agent> make_agent(const Config& config, const EnvSpec& spec);

}  // namespace arq
