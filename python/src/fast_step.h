#pragma once
// Env.step for the common case, a Python int action on a discrete environment, as a plain
// CPython callable. pybind11's method dispatch and its numpy array construction cost about
// three quarters of a Python-level step (docs/performance.md, "MinAtar from Python"); this
// callable builds the same (obs, reward, terminated, truncated, info) tuple with the CPython and
// numpy C APIs directly. Everything else (floats, numpy scalars, out-of-range actions, a step
// before reset, continuous environments, keyword arguments) is handed to the checked pybind11
// method, which accepts or refuses it with its usual message, so both paths behave alike.
#include <pybind11/pybind11.h>

#include "arq/env/env.h"
#include "env_view.h"

namespace arq::python {

// What the fast path reads of one arq._arq.Env; the pointers live as long as its Python object.
struct FastStepTarget {
  Env* env = nullptr;
  const EnvView* view = nullptr;
  const bool* started = nullptr;  // false until the first reset()
};

// Readies the callable's type and numpy's C API; once, at module import.
void register_fast_step(pybind11::module_& module);

// A callable `f(action)` equal to `checked_step(owner, action)`; it keeps `owner` alive.
pybind11::object make_fast_step(const pybind11::handle& owner, const pybind11::handle& checked_step,
                                const FastStepTarget& target);

}  // namespace arq::python
