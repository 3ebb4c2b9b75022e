// arq._arq.Agent: a trained agent loaded from a run folder's last checkpoint. It acts, exposes
// its per-layer Q and h (local agents, as `arq q`), its checkpoint tensors, and applies single
// local updates to batches given as numpy arrays (the layout of docs/checkpoints.md).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "arq/agents/local/local_agent.h"
#include "arq/agents/local/stack_probe.h"
#include "arq/core/error.h"
#include "arq/replay/replay_buffer.h"
#include "arq/train/checkpoint.h"
#include "arq/train/trained_run.h"
#include "bindings.h"

namespace py = pybind11;

namespace arq::python {
namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

py::array_t<float> matrix_to_numpy(const nn::Matrix& matrix, bool as_vector) {
  std::vector<py::ssize_t> shape;
  if (as_vector) {
    shape = {static_cast<py::ssize_t>(matrix.size())};
  } else {
    shape = {matrix.rows(), matrix.cols()};
  }
  py::array_t<float> out(shape);
  std::copy(matrix.data(), matrix.data() + matrix.size(), out.mutable_data());
  return out;
}

class PythonAgent {
 public:
  PythonAgent(const std::string& run_dir, uint64_t seed)
      : run_(open_trained_run(run_dir)), explore_rng_(seed) {
    load_last_checkpoint(run_);
    local_ = dynamic_cast<local::LocalAgent*>(run_.agent.get());
    policy_ = run_.agent->make_policy();
    observation_.resize(static_cast<size_t>(spec().obs_size()));
    reset_context();
  }

  const EnvSpec& spec() const { return run_.env->spec(); }
  std::string name() const { return run_.agent->name(); }
  std::string run_dir() const { return run_.run_dir; }
  std::string env_id() const { return run_.config.get_string("run.env"); }
  int64_t step() const { return run_.meta.steps_done; }
  std::string config_toml() const { return run_.config.to_toml(); }
  bool is_local() const { return local_ != nullptr; }

  void reset_context() {
    policy_->begin_episode();
    if (local_ != nullptr) probe_context_.reset(stack().options(), 1);
  }

  // The greedy action (discrete) or the deterministic action (continuous); with probability
  // epsilon a uniform random action instead, drawn from the agent's own stream (seed of load()),
  // which leaves a local agent's context as the trainer does for ε-random steps.
  py::object act(const py::handle& observation, double epsilon, bool sample) {
    read_observation(observation);
    if (run_.agent->continuous_actions()) {
      std::vector<float> action(static_cast<size_t>(spec().action_dim));
      policy_->act_continuous(observation_, sample, explore_rng_, action);
      py::array_t<double> out(spec().action_dim);
      std::copy(action.begin(), action.end(), out.mutable_data());
      return out;
    }
    if (epsilon < 0.0 || epsilon > 1.0) {
      throw Error("epsilon must be in [0, 1], got " + std::to_string(epsilon));
    }
    if (epsilon > 0.0 && coin_(explore_rng_) < epsilon) {
      policy_->skip_step(observation_);
      return py::int_(explore_rng_() % static_cast<uint64_t>(spec().num_actions));
    }
    return py::int_(policy_->act_greedy(observation_));
  }

  // One acting step of the probe context (reset by reset_context()): every layer's Q [L, A],
  // their mean, its first argmax and every layer's h, exactly as `arq q` writes them.
  py::dict q(const py::handle& observation) {
    require_local("q()");
    read_observation(observation);
    const nn::ConstMatrixMap row(observation_.data(), 1, spec().obs_size());
    local::probe_step(stack(), row, probe_context_, probe_next_, probe_);
    std::swap(probe_context_, probe_next_);
    const int layers = stack().layers();
    const int actions = stack().options().cell.actions;
    py::array_t<float> q({layers, actions});
    Eigen::RowVectorXf mean_q = Eigen::RowVectorXf::Zero(actions);
    for (int l = 0; l < layers; ++l) {
      std::copy(probe_.q[l].data(), probe_.q[l].data() + actions, q.mutable_data() + l * actions);
      mean_q += probe_.q[l].row(0);
    }
    mean_q /= static_cast<float>(layers);
    int greedy = 0;
    for (int a = 1; a < actions; ++a) {
      if (mean_q(a) > mean_q(greedy)) greedy = a;
    }
    py::array_t<float> q_mean(actions);
    std::copy(mean_q.data(), mean_q.data() + actions, q_mean.mutable_data());
    py::list hidden;
    for (int l = 0; l < layers; ++l) hidden.append(matrix_to_numpy(probe_.hidden[l], true));
    py::dict out;
    out["q"] = q;
    out["q_mean"] = q_mean;
    out["greedy"] = greedy;
    out["h"] = hidden;
    return out;
  }

  // Every checkpoint tensor (weights, target weights, optimiser moments) by its checkpoint name.
  py::dict parameters() const {
    py::dict out;
    for (const auto& tensor : run_.agent->save_state().tensors) {
      out[py::str(tensor.name)] = matrix_to_numpy(tensor.value, false);
    }
    return out;
  }

  py::dict counters() const {
    py::dict out;
    for (const auto& [name, value] : run_.agent->save_state().counters) out[py::str(name)] = value;
    return out;
  }

  // One local update of every layer from a batch of numpy arrays (see the Python docstring).
  py::list update(const py::dict& batch) {
    require_local("update()");
    const int s = spec().obs_size();
    const auto get = [&](const char* key) -> py::object {
      if (!batch.contains(key)) {
        throw Error(std::string("update(batch): the batch has no '") + key +
                    "' (expected windows, next_observations, actions, rewards, terminated)");
      }
      return batch[key];
    };
    const FloatArray windows(get("windows"));
    if (windows.ndim() != 3 || windows.shape(2) != s) {
      throw Error("update(batch): 'windows' must have shape (B, window, " + std::to_string(s) +
                  "), got " + std::string(py::str(windows.attr("shape"))));
    }
    const int b = static_cast<int>(windows.shape(0));
    const auto check_rows = [&](const py::array& array, const char* key, int columns) {
      const bool ok = columns == 0
                          ? array.ndim() == 1 && array.shape(0) == b
                          : array.ndim() == 2 && array.shape(0) == b && array.shape(1) == columns;
      if (!ok) {
        throw Error(std::string("update(batch): '") + key + "' must have shape (" +
                    std::to_string(b) + (columns == 0 ? "," : ", " + std::to_string(columns)) +
                    "), got " + std::string(py::str(array.attr("shape"))));
      }
    };
    const FloatArray next(get("next_observations"));
    check_rows(next, "next_observations", s);
    const py::array actions_in = py::array::ensure(get("actions"));
    if (!actions_in || (actions_in.dtype().kind() != 'i' && actions_in.dtype().kind() != 'u')) {
      throw py::type_error("update(batch): 'actions' must be an integer array");
    }
    check_rows(actions_in, "actions", 0);
    const FloatArray rewards(get("rewards"));
    check_rows(rewards, "rewards", 0);
    const FloatArray terminated(get("terminated"));
    check_rows(terminated, "terminated", 0);
    const py::array_t<int, py::array::c_style | py::array::forcecast> actions(actions_in);
    for (int i = 0; i < b; ++i) {
      if (actions.data()[i] < 0 || actions.data()[i] >= spec().num_actions) {
        throw Error("update(batch): actions[" + std::to_string(i) +
                    "] = " + std::to_string(actions.data()[i]) + " out of range [0, " +
                    std::to_string(spec().num_actions) + ")");
      }
    }
    local::LocalBatch local_batch;
    local_batch.batch_size = b;
    local_batch.window = static_cast<int>(windows.shape(1));
    local_batch.observation_size = s;
    local_batch.windows = {windows.data(), static_cast<size_t>(windows.size())};
    local_batch.next_observations = {next.data(), static_cast<size_t>(next.size())};
    local_batch.actions = {actions.data(), static_cast<size_t>(b)};
    local_batch.rewards = {rewards.data(), static_cast<size_t>(b)};
    local_batch.terminated = {terminated.data(), static_cast<size_t>(b)};
    std::vector<local::LayerUpdateMetrics> metrics;
    {
      py::gil_scoped_release release;
      metrics = local_->learner().update(local_batch);
    }
    py::list out;
    for (const auto& layer : metrics) {
      py::dict row;
      row["td_loss"] = layer.td_loss;
      row["q_mean"] = layer.q_mean;
      row["target_mean"] = layer.target_mean;
      row["gradient_norm"] = layer.gradient_norm;
      out.append(row);
    }
    return out;
  }

  void sync_target() { run_.agent->sync_target(); }

  // The batch the trainer's update would sample from the checkpoint's replay buffer with a
  // std::mt19937_64 seeded with `seed`, as numpy arrays in update()'s layout.
  py::dict sample_batch(uint64_t seed) {
    require_local("sample_batch()");
    std::mt19937_64 rng(seed);
    const local::LocalBatch batch = local_->sample_batch(replay(), rng);
    const int b = batch.batch_size, s = batch.observation_size;
    py::array_t<float> windows({b, batch.window, s}), next({b, s}), rewards(b), terminated(b);
    py::array_t<int64_t> actions(b);
    std::copy(batch.windows.begin(), batch.windows.end(), windows.mutable_data());
    std::copy(batch.next_observations.begin(), batch.next_observations.end(), next.mutable_data());
    std::copy(batch.actions.begin(), batch.actions.end(), actions.mutable_data());
    std::copy(batch.rewards.begin(), batch.rewards.end(), rewards.mutable_data());
    std::copy(batch.terminated.begin(), batch.terminated.end(), terminated.mutable_data());
    py::dict out;
    out["windows"] = windows;
    out["next_observations"] = next;
    out["actions"] = actions;
    out["rewards"] = rewards;
    out["terminated"] = terminated;
    return out;
  }

  // Exactly the trainer's call: Agent::update(replay, rng) on the checkpoint's replay buffer.
  py::dict trainer_update(uint64_t seed) {
    std::mt19937_64 rng(seed);
    Metrics metrics;
    const replay::ReplayBuffer& buffer = replay();
    {
      py::gil_scoped_release release;
      metrics = run_.agent->update(buffer, rng);
    }
    py::dict out;
    for (const auto& [key, value] : metrics) out[py::str(key)] = value;
    return out;
  }

 private:
  local::LayerStack& stack() { return local_->learner().online(); }

  void require_local(const std::string& what) const {
    if (local_ == nullptr) {
      throw Error(what + " needs a local agent (arq or ad); the run in '" + run_.run_dir +
                  "' holds a '" + run_.agent->name() + "' agent");
    }
  }

  void read_observation(const py::handle& observation) {
    const FloatArray values(py::reinterpret_borrow<py::object>(observation));
    if (values.size() != spec().obs_size()) {
      throw Error(spec().id + ": the observation must have " + std::to_string(spec().obs_size()) +
                  " values, got shape " + std::string(py::str(values.attr("shape"))));
    }
    std::copy(values.data(), values.data() + values.size(), observation_.begin());
  }

  // The checkpoint's replay buffer, read on first use (a scratch agent takes the tensors).
  const replay::ReplayBuffer& replay() {
    if (!replay_) {
      replay::ReplayConfig config;
      config.capacity = run_.config.get_int("replay.capacity");
      config.obs_shape = spec().obs_shape;
      config.binary_observations = spec().binary_observations;
      config.action_dim = run_.agent->continuous_actions() ? spec().action_dim : 0;
      config.num_actions = run_.agent->continuous_actions() ? 0 : spec().num_actions;
      auto buffer = std::make_unique<replay::ReplayBuffer>(config);
      TrainedRun scratch = open_trained_run(run_.run_dir);
      load_last_checkpoint(scratch);
      read_checkpoint(run_.run_dir, *scratch.agent, buffer.get());
      replay_ = std::move(buffer);
    }
    return *replay_;
  }

  TrainedRun run_;
  local::LocalAgent* local_ = nullptr;
  std::unique_ptr<Policy> policy_;
  std::mt19937_64 explore_rng_;
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  std::vector<float> observation_;
  local::Context probe_context_, probe_next_;
  local::StackProbe probe_;
  std::unique_ptr<replay::ReplayBuffer> replay_;
};

}  // namespace

void register_agent(py::module_& module) {
  py::class_<PythonAgent>(module, "Agent")
      .def(py::init<const std::string&, uint64_t>(), py::arg("run_dir"), py::arg("seed") = 0)
      .def("act", &PythonAgent::act, py::arg("obs"), py::arg("epsilon") = 0.0,
           py::arg("sample") = false)
      .def("q", &PythonAgent::q, py::arg("obs"))
      .def("reset_context", &PythonAgent::reset_context)
      .def("parameters", &PythonAgent::parameters)
      .def("counters", &PythonAgent::counters)
      .def("update", &PythonAgent::update, py::arg("batch"))
      .def("sync_target", &PythonAgent::sync_target)
      .def("sample_batch", &PythonAgent::sample_batch, py::arg("seed"))
      .def("trainer_update", &PythonAgent::trainer_update, py::arg("seed"))
      .def_property_readonly("name", &PythonAgent::name)
      .def_property_readonly("run_dir", &PythonAgent::run_dir)
      .def_property_readonly("env_id", &PythonAgent::env_id)
      .def_property_readonly("step", &PythonAgent::step)
      .def_property_readonly("config_toml", &PythonAgent::config_toml)
      .def_property_readonly("is_local", &PythonAgent::is_local);
}

}  // namespace arq::python
