#pragma once
// Moving parameters and optimiser state in and out of an AgentState, shared by every agent.
#include <string>

#include "arq/agents/agent.h"
#include "arq/nn/optimizer.h"

namespace arq {

// Appends copies of the parameter values (under their own names).
void save_parameters(const nn::ParameterList& parameters, AgentState& state);
// Appends the optimiser's tensors as "<prefix><name>" and its step count as "<prefix>step".
void save_optimizer(const nn::Optimizer& optimizer, const std::string& prefix, AgentState& state);

// Overwrites each parameter with the tensor of the same name; throws arq::Error naming a
// missing tensor or a wrong shape.
void load_parameters(const AgentState& state, const nn::ParameterList& parameters);
// The inverse of save_optimizer.
void load_optimizer(const AgentState& state, const std::string& prefix, nn::Optimizer& optimizer);

}  // namespace arq
