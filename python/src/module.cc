// arq._arq: the compiled half of the `arq` Python package (python/arq/ is the other half).
#include <pybind11/pybind11.h>

#include "arq/core/build_info.h"
#include "arq/core/error.h"
#include "bindings.h"
#include "fast_step.h"

PYBIND11_MODULE(_arq, module) {
  module.doc() = "arq's environments, vector environments, agents and trainer (C++ core)";
  // arq::Error is bad input (an unknown id, an action out of range, a missing run folder): a
  // ValueError carrying the C++ message.
  pybind11::register_exception<arq::Error>(module, "Error", PyExc_ValueError);
  module.attr("__version__") = std::string(arq::build_info().version);
  module.attr("git_commit") = std::string(arq::build_info().git_commit);
  arq::python::register_fast_step(module);
  arq::python::register_env(module);
  arq::python::register_vector_env(module);
  arq::python::register_agent(module);
  arq::python::register_training(module);
}
