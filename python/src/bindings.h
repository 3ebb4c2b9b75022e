#pragma once
// The parts of the `arq._arq` extension module, each registered by its own file.
#include <pybind11/pybind11.h>

namespace arq::python {

void register_env(pybind11::module_& module);         // Env (env_binding.cc)
void register_vector_env(pybind11::module_& module);  // VectorEnv (vector_env_binding.cc)
void register_agent(pybind11::module_& module);       // load, Agent (agent_binding.cc)
void register_training(pybind11::module_& module);    // train (train_binding.cc)

}  // namespace arq::python
