#include "arq/agents/factory.h"

#include "arq/agents/dqn/dqn_agent.h"
#include "arq/agents/local/local_agent.h"
#include "arq/agents/sac/sac_agent.h"
#include "arq/agents/tdmpc2/tdmpc2_agent.h"
#include "arq/core/error.h"

namespace arq {

std::unique_ptr<Agent> make_agent(const Config& config, const EnvSpec& spec) {
  const std::string& kind = config.get_string("run.agent");
  if (kind == "sac")
    return std::make_unique<sac::SacAgent>(sac::sac_options_from_config(config, spec));
  if (kind == "tdmpc2") {
    return std::make_unique<tdmpc2::Tdmpc2Agent>(tdmpc2::tdmpc2_options_from_config(config, spec));
  }
  if ((kind == "arq" || kind == "ad" || kind == "dqn") && !spec.discrete()) {
    throw Error("run.agent '" + kind + "' needs discrete actions, but run.env '" + spec.id +
                "' has continuous ones: use its bang-bang version ('" + spec.id +
                ":bangbang') or run.agent = \"sac\" / \"tdmpc2\"");
  }
  if (kind == "arq" || kind == "ad") {
    return std::make_unique<local::LocalAgent>(
        local::local_agent_options_from_config(config, spec));
  }
  if (kind == "dqn")
    return std::make_unique<dqn::DqnAgent>(dqn::dqn_options_from_config(config, spec));
  throw Error("config run.agent: unknown agent '" + kind +
              "' (expected arq, ad, dqn, sac or tdmpc2)");
}

}  // namespace arq
