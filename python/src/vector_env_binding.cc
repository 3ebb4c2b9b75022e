// arq._arq.VectorEnv: N environments stepped in C++ (optionally on threads) into numpy arrays,
// with Gymnasium 1.x's default autoreset mode ("next step"): the step after one that ended an
// episode resets that environment instead, ignores its action and returns the first observation
// of the new episode with reward 0 and terminated = truncated = False.
// Seeds: reset(seed=s) seeds environment i with s + i (Gymnasium's vector convention); later
// resets, autoresets included, continue each environment's own stream.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arq/agents/local/worker_pool.h"
#include "arq/core/error.h"
#include "arq/env/registry.h"
#include "bindings.h"
#include "env_view.h"

namespace py = pybind11;

namespace arq::python {
namespace {

class PythonVectorEnv {
 public:
  PythonVectorEnv(const std::string& id, int num_envs, const py::object& seed,
                  double sticky_action_prob, bool difficulty_ramping, int num_threads, bool copy)
      : copy_(copy) {
    if (num_envs < 1) throw Error("num_envs must be >= 1, got " + std::to_string(num_envs));
    if (num_threads < 1 || num_threads > num_envs) {
      throw Error("num_threads must be in [1, num_envs = " + std::to_string(num_envs) + "], got " +
                  std::to_string(num_threads));
    }
    EnvOptions options;
    options.sticky_action_prob = sticky_action_prob;
    options.difficulty_ramping = difficulty_ramping;
    for (int i = 0; i < num_envs; ++i) {
      envs_.push_back(make_env(id, options));
      views_.emplace_back(*envs_.back());
    }
    first_seed_ = seed_from_python(seed, "seed");
    autoreset_.assign(static_cast<size_t>(num_envs), 0);
    if (num_threads > 1) pool_ = std::make_unique<local::WorkerPool>(num_threads);
    allocate(observations_, rewards_, terminated_, truncated_);
  }

  int num_envs() const { return static_cast<int>(envs_.size()); }
  const EnvSpec& spec() const { return envs_.front()->spec(); }

  py::tuple reset(const py::object& seed, const py::object& /*options*/) {
    const std::vector<std::optional<uint32_t>> seeds = seeds_from_python(seed);
    Buffers out = buffers();
    {
      py::gil_scoped_release release;
      for_each_env([&](int i) {
        envs_[i]->reset(seeds[i]);
        autoreset_[i] = 0;
        views_[i].write_observation(out.observation(i));
      });
    }
    started_ = true;
    return py::make_tuple(out.observations, py::dict());
  }

  py::tuple step(const py::handle& actions) {
    if (!started_) throw Error(spec().id + ": step() called before reset()");
    read_actions(actions);
    Buffers out = buffers();
    {
      py::gil_scoped_release release;
      for_each_env([&](int i) {
        StepResult result;
        if (autoreset_[i] != 0) {
          envs_[i]->reset();
        } else if (spec().discrete()) {
          result = envs_[i]->step(discrete_[i]);
        } else {
          const auto dim = static_cast<size_t>(spec().action_dim);
          result =
              envs_[i]->step_continuous(std::span<const double>(continuous_).subspan(i * dim, dim));
        }
        autoreset_[i] = result.done() ? 1 : 0;
        out.rewards[i] = result.reward;
        out.terminated[i] = result.terminated;
        out.truncated[i] = result.truncated;
        views_[i].write_observation(out.observation(i));
      });
    }
    return py::make_tuple(out.observations, out.reward_array, out.terminated_array,
                          out.truncated_array, py::dict());
  }

 private:
  // Where one call writes: the preallocated arrays, or (copy=True) fresh ones the caller keeps.
  struct Buffers {
    py::array observations;
    py::array_t<double> reward_array;
    py::array_t<bool> terminated_array, truncated_array;
    uint8_t* observation_data = nullptr;
    size_t observation_bytes = 0;
    double* rewards = nullptr;
    bool* terminated = nullptr;
    bool* truncated = nullptr;
    void* observation(int i) const { return observation_data + i * observation_bytes; }
  };

  void allocate(py::array& observations, py::array_t<double>& rewards,
                py::array_t<bool>& terminated, py::array_t<bool>& truncated) const {
    std::vector<py::ssize_t> shape = {num_envs()};
    const auto& single = views_.front().observation_shape();
    shape.insert(shape.end(), single.begin(), single.end());
    observations = py::array(views_.front().observation_dtype(), shape);
    rewards = py::array_t<double>(num_envs());
    terminated = py::array_t<bool>(num_envs());
    truncated = py::array_t<bool>(num_envs());
  }

  Buffers buffers() {
    Buffers out;
    if (copy_) {
      allocate(out.observations, out.reward_array, out.terminated_array, out.truncated_array);
    } else {
      out.observations = observations_;
      out.reward_array = rewards_;
      out.terminated_array = terminated_;
      out.truncated_array = truncated_;
    }
    out.observation_data = static_cast<uint8_t*>(out.observations.mutable_data());
    out.observation_bytes = views_.front().observation_bytes();
    out.rewards = out.reward_array.mutable_data();
    out.terminated = out.terminated_array.mutable_data();
    out.truncated = out.truncated_array.mutable_data();
    return out;
  }

  void for_each_env(const std::function<void(int)>& visit) {
    if (!pool_) {
      for (int i = 0; i < num_envs(); ++i) visit(i);
      return;
    }
    pool_->run([&](int part) {
      const auto [begin, end] = local::WorkerPool::split(num_envs(), part, pool_->size());
      for (int i = begin; i < end; ++i) visit(i);
    });
  }

  std::vector<std::optional<uint32_t>> seeds_from_python(const py::object& seed) const {
    std::vector<std::optional<uint32_t>> seeds(envs_.size());
    if (py::isinstance<py::list>(seed) || py::isinstance<py::tuple>(seed)) {
      const auto values = py::reinterpret_borrow<py::sequence>(seed);
      if (static_cast<int>(values.size()) != num_envs()) {
        throw Error("reset(seed=[...]) needs one seed per environment (" +
                    std::to_string(num_envs()) + "), got " + std::to_string(values.size()));
      }
      for (int i = 0; i < num_envs(); ++i) {
        seeds[i] = seed_from_python(values[i], "reset(seed=[...])[" + std::to_string(i) + "]");
      }
      return seeds;
    }
    std::optional<uint32_t> base = seed_from_python(seed, "reset(seed=...)");
    if (!base && !started_) base = first_seed_;
    if (!base) return seeds;
    if (static_cast<uint64_t>(*base) + envs_.size() - 1 > UINT32_MAX) {
      throw Error("seed " + std::to_string(*base) + " + " + std::to_string(num_envs() - 1) +
                  " (the last environment's seed) must be below 2**32");
    }
    for (int i = 0; i < num_envs(); ++i) seeds[i] = *base + static_cast<uint32_t>(i);
    return seeds;
  }

  void read_actions(const py::handle& actions) {
    const py::array array = py::array::ensure(actions);
    if (!array) throw py::type_error(spec().id + ": actions must be a numpy array");
    const char kind = array.dtype().kind();
    // Built only for an error message: formatting it costs more than stepping a game.
    const auto shape = [&array] { return std::string(py::str(array.attr("shape"))); };
    if (spec().discrete()) {
      if (kind != 'i' && kind != 'u') {
        throw py::type_error(spec().id + ": actions must be integers, got dtype " +
                             std::string(py::str(array.dtype())));
      }
      if (array.ndim() != 1 || array.shape(0) != num_envs()) {
        throw Error(spec().id + ": actions must have shape (" + std::to_string(num_envs()) +
                    ",), got " + shape());
      }
      const auto values = py::array_t<int64_t, py::array::c_style | py::array::forcecast>(array);
      discrete_.resize(envs_.size());
      for (int i = 0; i < num_envs(); ++i) {
        const int64_t action = values.data()[i];
        if (action < 0 || action >= spec().num_actions) {
          throw Error(spec().id + ": actions[" + std::to_string(i) +
                      "] = " + std::to_string(action) + " out of range [0, " +
                      std::to_string(spec().num_actions) + ")");
        }
        discrete_[i] = static_cast<int>(action);
      }
      return;
    }
    if (kind != 'f') {
      throw py::type_error(spec().id + ": actions must be floats, got dtype " +
                           std::string(py::str(array.dtype())));
    }
    if (array.ndim() != 2 || array.shape(0) != num_envs() || array.shape(1) != spec().action_dim) {
      throw Error(spec().id + ": actions must have shape (" + std::to_string(num_envs()) + ", " +
                  std::to_string(spec().action_dim) + "), got " + shape());
    }
    const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>(array);
    continuous_.assign(values.data(), values.data() + values.size());
  }

  std::vector<std::unique_ptr<Env>> envs_;
  std::vector<EnvView> views_;
  std::optional<uint32_t> first_seed_;
  bool started_ = false;
  bool copy_;
  std::vector<char> autoreset_;  // 1: the last step ended this environment's episode
  std::vector<int> discrete_;
  std::vector<double> continuous_;
  std::unique_ptr<local::WorkerPool> pool_;
  py::array observations_;
  py::array_t<double> rewards_;
  py::array_t<bool> terminated_, truncated_;
};

}  // namespace

void register_vector_env(py::module_& module) {
  py::class_<PythonVectorEnv>(module, "VectorEnv")
      .def(py::init<const std::string&, int, const py::object&, double, bool, int, bool>(),
           py::arg("id"), py::arg("num_envs"), py::arg("seed") = py::none(),
           py::arg("sticky_action_prob") = 0.1, py::arg("difficulty_ramping") = true,
           py::arg("num_threads") = 1, py::arg("copy") = true)
      .def("reset", &PythonVectorEnv::reset, py::arg("seed") = py::none(),
           py::arg("options") = py::none())
      .def("step", &PythonVectorEnv::step, py::arg("actions"))
      .def_property_readonly("num_envs", &PythonVectorEnv::num_envs)
      .def_property_readonly("id", [](const PythonVectorEnv& env) { return env.spec().id; })
      .def_property_readonly("_obs_shape",
                             [](const PythonVectorEnv& env) { return env.spec().obs_shape; })
      .def_property_readonly("_num_actions",
                             [](const PythonVectorEnv& env) { return env.spec().num_actions; })
      .def_property_readonly("_action_dim",
                             [](const PythonVectorEnv& env) { return env.spec().action_dim; });
}

}  // namespace arq::python
