#include "arq/agents/agent_state.h"

#include "arq/core/error.h"

namespace arq {

void save_parameters(const nn::ParameterList& parameters, AgentState& state) {
  for (const auto& p : parameters) state.tensors.push_back({p.name, *p.value});
}

void save_optimizer(const nn::Optimizer& optimizer, const std::string& prefix, AgentState& state) {
  const nn::OptimizerState exported = optimizer.export_state();
  for (const auto& t : exported.tensors) state.tensors.push_back({prefix + t.name, t.value});
  state.counters[prefix + "step"] = exported.step;
}

void load_parameters(const AgentState& state, const nn::ParameterList& parameters) {
  for (const auto& p : parameters) {
    const nn::NamedTensor* found = nullptr;
    for (const auto& t : state.tensors) {
      if (t.name == p.name) {
        found = &t;
        break;
      }
    }
    if (found == nullptr) throw Error("checkpoint lacks tensor '" + p.name + "'");
    if (found->value.rows() != p.value->rows() || found->value.cols() != p.value->cols()) {
      throw Error("checkpoint tensor '" + p.name + "' is " + std::to_string(found->value.rows()) +
                  "x" + std::to_string(found->value.cols()) + ", expected " +
                  std::to_string(p.value->rows()) + "x" + std::to_string(p.value->cols()));
    }
    *p.value = found->value;
  }
}

void load_optimizer(const AgentState& state, const std::string& prefix, nn::Optimizer& optimizer) {
  nn::OptimizerState imported;
  const auto step = state.counters.find(prefix + "step");
  if (step == state.counters.end()) throw Error("checkpoint lacks counter '" + prefix + "step'");
  imported.step = step->second;
  for (const auto& t : state.tensors) {
    if (t.name.rfind(prefix, 0) == 0)
      imported.tensors.push_back({t.name.substr(prefix.size()), t.value});
  }
  optimizer.import_state(imported);
}

}  // namespace arq
