#include "arq/nn/optimizer.h"

#include <cmath>
#include <map>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

std::string shape_of(const Matrix& m) {
  return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

}  // namespace

double global_gradient_norm(const ParameterList& parameters) {
  // Squares of floats are exact in double; eight running sums (one per lane) instead of one
  // chain, so the pass runs at memory speed rather than at the latency of a dependent add.
  constexpr int kLanes = 8;
  double lanes[kLanes] = {};
  for (const Parameter& p : parameters) {
    const float* g = p.grad->data();
    const Eigen::Index size = p.grad->size();
    Eigen::Index i = 0;
    for (; i + kLanes <= size; i += kLanes) {
      for (int lane = 0; lane < kLanes; ++lane) {
        const double x = g[i + lane];
        lanes[lane] += x * x;
      }
    }
    for (; i < size; ++i) lanes[i % kLanes] += static_cast<double>(g[i]) * g[i];
  }
  double sum = 0.0;
  for (const double lane : lanes) sum += lane;
  return std::sqrt(sum);
}

void check_parameters(const ParameterList& parameters, const char* owner) {
  std::map<std::string, int> seen;
  for (const Parameter& p : parameters) {
    if (++seen[p.name] > 1) {
      throw Error(std::string(owner) + ": parameter name '" + p.name + "' appears twice");
    }
    if (p.value == nullptr || p.grad == nullptr) {
      throw Error(std::string(owner) + ": parameter '" + p.name + "' has no value or gradient");
    }
    if (p.value->size() == 0 || p.value->rows() != p.grad->rows() ||
        p.value->cols() != p.grad->cols()) {
      throw Error(std::string(owner) + ": parameter '" + p.name + "' has value " +
                  shape_of(*p.value) + " and gradient " + shape_of(*p.grad) +
                  "; expected equal, non-empty shapes");
    }
  }
}

void import_buffers(const OptimizerState& state, const ParameterList& parameters,
                    const std::vector<const char*>& suffixes,
                    const std::vector<std::vector<Matrix>*>& buffers, const char* owner) {
  if (state.step < 0) {
    throw Error(std::string(owner) + ": step count must be >= 0, got " +
                std::to_string(state.step));
  }
  std::map<std::string, const Matrix*> by_name;
  for (const NamedTensor& tensor : state.tensors) {
    if (!by_name.emplace(tensor.name, &tensor.value).second) {
      throw Error(std::string(owner) + ": state holds tensor '" + tensor.name + "' twice");
    }
  }
  if (by_name.size() != parameters.size() * suffixes.size()) {
    throw Error(std::string(owner) + ": state has " + std::to_string(by_name.size()) +
                " tensors, expected " + std::to_string(parameters.size() * suffixes.size()) + " (" +
                std::to_string(suffixes.size()) + " per parameter)");
  }
  // Validate everything before writing anything, so a bad state leaves the optimiser intact.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < parameters.size(); ++i) {
      for (size_t s = 0; s < suffixes.size(); ++s) {
        const std::string name = parameters[i].name + "." + suffixes[s];
        const auto found = by_name.find(name);
        if (found == by_name.end()) {
          throw Error(std::string(owner) + ": state has no tensor '" + name + "'");
        }
        Matrix& target = (*buffers[s])[i];
        if (found->second->rows() != target.rows() || found->second->cols() != target.cols()) {
          throw Error(std::string(owner) + ": state tensor '" + name + "' is " +
                      shape_of(*found->second) + ", expected " + shape_of(target));
        }
        if (pass == 1) target = *found->second;
      }
    }
  }
}

OptimizerState export_buffers(int64_t step, const ParameterList& parameters,
                              const std::vector<const char*>& suffixes,
                              const std::vector<const std::vector<Matrix>*>& buffers) {
  OptimizerState state;
  state.step = step;
  for (size_t i = 0; i < parameters.size(); ++i) {
    for (size_t s = 0; s < suffixes.size(); ++s) {
      state.tensors.push_back({parameters[i].name + "." + suffixes[s], (*buffers[s])[i]});
    }
  }
  return state;
}

}  // namespace arq::nn
