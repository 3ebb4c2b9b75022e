// arq._arq.Env: one environment with Gymnasium's reset/step/render. The Python class arq.Env
// derives from it and adds the spaces; stepping never leaves C++ except to build the result.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "arq/core/error.h"
#include "arq/env/registry.h"
#include "arq/render/env_frames.h"
#include "bindings.h"
#include "env_view.h"
#include "fast_step.h"

namespace py = pybind11;

namespace arq::python {
namespace {

EnvOptions env_options(double sticky_action_prob, bool difficulty_ramping) {
  EnvOptions options;
  options.sticky_action_prob = sticky_action_prob;
  options.difficulty_ramping = difficulty_ramping;
  return options;
}

std::string type_name(const py::handle& object) {
  return py::str(py::type::of(object).attr("__name__"));
}

class PythonEnv {
 public:
  PythonEnv(const std::string& id, const py::object& seed, double sticky_action_prob,
            bool difficulty_ramping)
      : env_(make_env(id, env_options(sticky_action_prob, difficulty_ramping))),
        view_(*env_),
        first_seed_(seed_from_python(seed, "seed")) {}

  const EnvSpec& spec() const { return env_->spec(); }

  py::tuple reset(const py::object& seed, const py::object& /*options*/) {
    std::optional<uint32_t> value = seed_from_python(seed, "reset(seed=...)");
    // make(..., seed=s) seeds the first reset that names no seed of its own.
    if (!value && !started_) value = first_seed_;
    env_->reset(value);
    started_ = true;
    return py::make_tuple(observation(), py::dict());
  }

  py::tuple step(const py::handle& action) {
    if (!started_) throw Error(spec().id + ": step() called before reset()");
    const StepResult result =
        spec().discrete() ? env_->step(discrete_action(action)) : step_continuous(action);
    return py::make_tuple(observation(), result.reward, result.terminated, result.truncated,
                          py::dict());
  }

  // The current state as an RGB image (H, W, 3) uint8: MinAtar cells 16 pixels wide in
  // MinAtar's colours, DMC through MuJoCo's renderer (160 x 160, quantised to 252 colours).
  py::array render() {
    if (!started_) throw Error(spec().id + ": render() called before reset()");
    if (!frames_) {
      frames_ = render::make_env_frames(*env_, render::FrameOptions{});
      indices_.resize(static_cast<size_t>(frames_->width()) * frames_->height());
    }
    frames_->draw(indices_);
    const auto& palette = frames_->palette();
    py::array_t<uint8_t> image({frames_->height(), frames_->width(), 3});
    uint8_t* out = image.mutable_data();
    for (const uint8_t index : indices_) {
      const render::Rgb colour = palette[index];
      *out++ = colour.r;
      *out++ = colour.g;
      *out++ = colour.b;
    }
    return image;
  }

  FastStepTarget fast_step_target() { return {env_.get(), &view_, &started_}; }

  py::array observation() const {
    py::array out(view_.observation_dtype(), view_.observation_shape());
    view_.write_observation(out.mutable_data());
    return out;
  }

 private:
  int discrete_action(const py::handle& action) const {
    // Python ints and numpy integer scalars (and 0-d integer arrays) have __index__; floats,
    // bools and arrays of several values are refused rather than rounded or guessed.
    if (PyLong_CheckExact(action.ptr())) {
      const long value = PyLong_AsLong(action.ptr());
      if (value == -1 && PyErr_Occurred()) throw py::error_already_set();
      return checked_action(value);
    }
    PyObject* index = nullptr;
    if (!PyBool_Check(action.ptr()) && PyIndex_Check(action.ptr()) != 0) {
      index = PyNumber_Index(action.ptr());  // fails for arrays of several values
      if (index == nullptr) PyErr_Clear();
    }
    if (index == nullptr) {
      throw py::type_error(spec().id + ": the action must be an int in [0, " +
                           std::to_string(spec().num_actions) + "), got " + type_name(action) +
                           " " + std::string(py::repr(action)));
    }
    const auto value = py::reinterpret_steal<py::int_>(index);
    return checked_action(value.cast<long long>());
  }

  int checked_action(long long value) const {
    if (value < 0 || value >= spec().num_actions) {
      throw Error(spec().id + ": action " + std::to_string(value) + " out of range [0, " +
                  std::to_string(spec().num_actions) + ")");
    }
    return static_cast<int>(value);
  }

  StepResult step_continuous(const py::handle& action) {
    const py::array array = py::array::ensure(action);
    if (!array) throw py::type_error(spec().id + ": the action must be an array of floats");
    if (array.dtype().kind() != 'f') {
      throw py::type_error(spec().id + ": the action must hold floats, got dtype " +
                           std::string(py::str(array.dtype())));
    }
    if (array.ndim() != 1 || array.shape(0) != spec().action_dim) {
      throw Error(spec().id + ": the action must have shape (" + std::to_string(spec().action_dim) +
                  ",), got " + std::string(py::str(array.attr("shape"))));
    }
    const auto values = py::array_t<double, py::array::c_style | py::array::forcecast>(array);
    continuous_.assign(values.data(), values.data() + spec().action_dim);
    return env_->step_continuous(continuous_);
  }

  std::unique_ptr<Env> env_;
  EnvView view_;
  std::optional<uint32_t> first_seed_;
  bool started_ = false;
  std::vector<double> continuous_;
  std::unique_ptr<render::EnvFrames> frames_;
  std::vector<uint8_t> indices_;
};

}  // namespace

void register_env(py::module_& module) {
  module.def("env_ids", &env_ids, "Every registered environment id (DMC ids also take :repeatN)");
  py::class_<PythonEnv>(module, "Env")
      .def(py::init<const std::string&, const py::object&, double, bool>(), py::arg("id"),
           py::arg("seed") = py::none(), py::arg("sticky_action_prob") = 0.1,
           py::arg("difficulty_ramping") = true)
      .def("reset", &PythonEnv::reset, py::arg("seed") = py::none(),
           py::arg("options") = py::none(),
           "Starts an episode: (observation, info). With a seed the random stream is reseeded; "
           "without one it continues.")
      .def("step", &PythonEnv::step, py::arg("action"),
           "(observation, reward, terminated, truncated, info)")
      .def(
          "_fast_step",
          [](const py::object& self) {
            return make_fast_step(self, py::type::handle_of<PythonEnv>().attr("step"),
                                  self.cast<PythonEnv&>().fast_step_target());
          },
          "step() for int actions without pybind11's dispatch (fast_step.h); arq.Env installs it")
      .def("render", &PythonEnv::render, "The current state as an (H, W, 3) uint8 image")
      .def_property_readonly("id", [](const PythonEnv& env) { return env.spec().id; })
      .def_property_readonly("_obs_shape",
                             [](const PythonEnv& env) { return env.spec().obs_shape; })
      .def_property_readonly("_num_actions",
                             [](const PythonEnv& env) { return env.spec().num_actions; })
      .def_property_readonly("_action_dim",
                             [](const PythonEnv& env) { return env.spec().action_dim; });
}

}  // namespace arq::python
