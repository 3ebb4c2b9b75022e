#include "env_view.h"

#include <cstring>

#include "arq/core/error.h"
#include "arq/env/dmc/action_repeat.h"
#include "arq/env/dmc/bang_bang.h"

namespace py = pybind11;

namespace arq::python {
namespace {

// The DMC task under any stack of bang-bang and action-repeat wrappers, or nullptr.
const dmc::DmcEnv* find_dmc_env(const Env& env) {
  if (const auto* task = dynamic_cast<const dmc::DmcEnv*>(&env)) return task;
  if (const auto* bang_bang = dynamic_cast<const dmc::BangBangEnv*>(&env)) {
    return find_dmc_env(bang_bang->inner());
  }
  if (const auto* repeat = dynamic_cast<const dmc::ActionRepeatEnv*>(&env)) {
    return find_dmc_env(repeat->inner());
  }
  return nullptr;
}

}  // namespace

EnvView::EnvView(Env& env)
    : env_(&env),
      minatar_(dynamic_cast<const minatar::MinAtarEnv*>(&env)),
      dmc_(find_dmc_env(env)) {
  for (int d : env.spec().obs_shape) shape_.push_back(d);
  const auto size = static_cast<size_t>(env.spec().obs_size());
  if (minatar_ != nullptr) {
    bytes_ = size;
  } else if (dmc_ != nullptr) {
    bytes_ = size * sizeof(double);
  } else {
    bytes_ = size * sizeof(float);
    scratch_.resize(size);
  }
}

py::dtype EnvView::observation_dtype() const {
  if (minatar_ != nullptr) return py::dtype::of<bool>();
  if (dmc_ != nullptr) return py::dtype::of<double>();
  return py::dtype::of<float>();
}

void EnvView::write_observation(void* out) const {
  if (minatar_ != nullptr) {
    // 0/1 bytes are numpy bools.
    const auto grid = minatar_->grid();
    std::memcpy(out, grid.data(), grid.size());
  } else if (dmc_ != nullptr) {
    const auto values = dmc_->observation_f64();
    std::memcpy(out, values.data(), values.size() * sizeof(double));
  } else {
    env_->observation(scratch_);
    std::memcpy(out, scratch_.data(), bytes_);
  }
}

std::optional<uint32_t> seed_from_python(const py::handle& seed, const std::string& what) {
  if (seed.is_none()) return std::nullopt;
  if (PyBool_Check(seed.ptr()) || PyIndex_Check(seed.ptr()) == 0) {
    throw py::type_error(what + " must be None or an int, got " +
                         std::string(py::str(py::type::of(seed).attr("__name__"))));
  }
  const py::int_ value = py::reinterpret_steal<py::int_>(PyNumber_Index(seed.ptr()));
  if (value < py::int_(0) || value >= py::int_(uint64_t{1} << 32)) {
    throw Error(what + " must be in [0, 2**32), got " + std::string(py::repr(seed)));
  }
  return value.cast<uint32_t>();
}

}  // namespace arq::python
