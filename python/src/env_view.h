#pragma once
// What the Python side needs to know about an arq::Env beyond the Env interface: how its
// observations look as numpy arrays (MinAtar: (10, 10, C) bool, as MinAtar's state(); DMC: the
// flat float64 vector dm_control returns, seen through the bang-bang and repeat wrappers) and
// how to write them straight into numpy memory.
#include <pybind11/numpy.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arq/env/dmc/dmc_env.h"
#include "arq/env/env.h"
#include "arq/env/minatar/minatar_env.h"

namespace arq::python {

class EnvView {
 public:
  explicit EnvView(Env& env);

  Env& env() const { return *env_; }
  // numpy shape and dtype of one observation.
  const std::vector<pybind11::ssize_t>& observation_shape() const { return shape_; }
  pybind11::dtype observation_dtype() const;
  size_t observation_bytes() const { return bytes_; }
  // Writes the current observation (observation_bytes() bytes) to `out`.
  void write_observation(void* out) const;

 private:
  Env* env_;
  const minatar::MinAtarEnv* minatar_ = nullptr;
  const dmc::DmcEnv* dmc_ = nullptr;
  std::vector<pybind11::ssize_t> shape_;
  size_t bytes_ = 0;
  mutable std::vector<float> scratch_;  // other environments: float32 observations
};

// A Python seed (None or an int in [0, 2^32)) as the Env interface takes it; `what` names the
// argument in the error.
std::optional<uint32_t> seed_from_python(const pybind11::handle& seed, const std::string& what);

}  // namespace arq::python
