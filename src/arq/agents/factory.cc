#include "arq/agents/factory.h"

#include "arq/agents/dqn/dqn_agent.h"
#include "arq/agents/local_agent.h"
#include "arq/core/error.h"

namespace arq {

std::unique_ptr<Agent> make_agent(const Config& config, const EnvSpec& spec) {
  const std::string& kind = config.get_string("run.agent");
  if (kind == "arq" || kind == "ad") {
    return std::make_unique<local::LocalAgent>(
        local::local_agent_options_from_config(config, spec));
  }
  if (kind == "dqn")
    return std::make_unique<dqn::DqnAgent>(dqn::dqn_options_from_config(config, spec));
  throw Error("config run.agent: unknown agent '" + kind + "' (expected arq, ad or dqn)");
}

}  // namespace arq
