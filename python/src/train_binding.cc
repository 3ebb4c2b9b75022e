// arq._arq.train: a training run in-process, into a normal run folder. The trainer runs without
// the GIL; every `interval` seconds it takes the GIL to check for Ctrl-C and to call the progress
// callback. Ctrl-C (or an exception from the callback, or the callback returning False) stops the
// run at the next episode boundary with a checkpoint, so `resume=True` continues it exactly.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "arq/agents/factory.h"
#include "arq/core/error.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "bindings.h"

namespace py = pybind11;

namespace arq::python {
namespace {

// A Python override value as the text `--set key=value` would carry.
std::string override_text(const std::string& key, const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) {
    return py::str(value);
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    std::string text = "[";
    for (const auto& item : py::reinterpret_borrow<py::sequence>(value)) {
      if (text.size() > 1) text += ",";
      text += py::str(item).cast<std::string>();
    }
    return text + "]";
  }
  throw Error("overrides['" + key + "']: expected a bool, int, float, str or list, got " +
              py::str(py::type::of(value).attr("__name__")).cast<std::string>());
}

Config config_from(const py::object& config_path, const py::dict& overrides) {
  Config config = make_train_config();
  if (!config_path.is_none()) {
    const std::string path = py::str(config_path);
    if (!std::filesystem::exists(path)) throw Error("config '" + path + "': no such file");
    config.load_toml_file(path);
  }
  for (const auto& [key, value] : overrides) {
    const std::string name = py::str(key);
    config.apply_override(name + "=" + override_text(name, value));
  }
  return config;
}

py::dict train(const py::object& config_path, const py::dict& overrides, const py::object& run_dir,
               bool resume, const py::object& progress, double interval, bool quiet) {
  namespace fs = std::filesystem;
  TrainRequest request;
  const std::optional<std::string> folder =
      run_dir.is_none() ? std::nullopt : std::optional<std::string>(py::str(run_dir));
  if (resume && !folder) throw Error("train(resume=True) needs run_dir (the run to continue)");
  if (resume && fs::exists(fs::path(*folder) / "config.toml")) {
    if (!config_path.is_none() || !overrides.empty()) {
      throw Error("train(resume=True): the run in '" + *folder +
                  "' keeps the config it was started with; pass no config or overrides");
    }
    request.config = make_train_config();
    request.config.load_toml_file((fs::path(*folder) / "config.toml").string());
  } else {
    request.config = config_from(config_path, overrides);
  }
  request.run_dir =
      folder ? *folder : (fs::path("runs") / default_run_name(request.config)).string();
  request.resume = resume;
  request.quiet = quiet;
  request.command_line = "python: arq.train(...)";
  if (!(interval > 0.0))
    throw Error("progress_interval must be > 0, got " + std::to_string(interval));

  // Set while the GIL is held, raised after the trainer has stopped and checkpointed.
  std::optional<py::error_already_set> pending;
  bool stopped_by_callback = false;
  using Clock = std::chrono::steady_clock;
  auto next_poll = Clock::now();
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::min(interval, 0.1)));
  auto next_report = Clock::now();
  const auto report_period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval));
  request.on_step = [&](const TrainProgress& state) {
    if (pending || stopped_by_callback) return false;
    const bool last = state.step == state.total_steps;
    if ((state.step & 255) != 0 && !last) return true;  // the clock is read every 256 steps
    const auto now = Clock::now();
    if (now < next_poll && !last) return true;
    next_poll = now + period;
    py::gil_scoped_acquire acquire;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!progress.is_none() && (now >= next_report || last)) {
        next_report = now + report_period;
        py::dict info;
        info["step"] = state.step;
        info["total_steps"] = state.total_steps;
        info["episodes"] = state.episodes;
        info["recent_return"] = state.recent_return;
        info["epsilon"] = state.epsilon;
        const py::object answer = progress(info);
        if (py::isinstance<py::bool_>(answer) && !answer.cast<bool>()) {
          stopped_by_callback = true;
          return false;
        }
      }
    } catch (py::error_already_set& error) {
      pending.emplace(std::move(error));
      return false;
    }
    return true;
  };

  TrainSummary summary;
  {
    py::gil_scoped_release release;
    summary = arq::train(request, make_agent);
  }
  if (pending) throw py::error_already_set(std::move(*pending));
  py::dict out;
  out["run_dir"] = summary.run_dir;
  out["steps"] = summary.steps;
  out["episodes"] = summary.episodes;
  out["final_eval_mean"] = summary.final_eval_mean;
  out["finished"] = summary.finished;
  return out;
}

}  // namespace

void register_training(py::module_& module) {
  module.def("train", &train, py::arg("config") = py::none(), py::arg("overrides") = py::dict(),
             py::arg("run_dir") = py::none(), py::arg("resume") = false,
             py::arg("progress") = py::none(), py::arg("progress_interval") = 1.0,
             py::arg("quiet") = true);
}

}  // namespace arq::python
