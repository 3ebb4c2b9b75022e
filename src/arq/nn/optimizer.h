#pragma once
// The optimiser interface and its checkpointable state. An optimiser is built over a fixed
// ParameterList (the pointers must outlive it) and allocates its moment buffers once, so step()
// never allocates.
#include <cstdint>
#include <string>
#include <vector>

#include "arq/nn/matrix.h"
#include "arq/nn/parameter.h"

namespace arq::nn {

struct NamedTensor {
  std::string name;
  Matrix value;
};

// Everything an optimiser needs to continue bit-identically: the update count and its
// per-parameter buffers, named "<parameter name>.<buffer>" (e.g. "fc_h.kernel.mu").
struct OptimizerState {
  int64_t step = 0;
  std::vector<NamedTensor> tensors;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Applies one update from the gradients currently stored with the parameters.
  virtual void step() = 0;

  virtual float learning_rate() const = 0;
  virtual void set_learning_rate(float learning_rate) = 0;

  // Number of step() calls so far (optax's `count`, PyTorch's `step`).
  virtual int64_t step_count() const = 0;

  virtual OptimizerState export_state() const = 0;
  // Throws arq::Error unless `state` has exactly this optimiser's tensor names and shapes.
  virtual void import_state(const OptimizerState& state) = 0;
};

// sqrt(Σ g²) over every gradient of the list, accumulated in double.
double global_gradient_norm(const ParameterList& parameters);

// Throws arq::Error naming the parameter unless names are unique and every value and grad is
// non-null with equal, non-empty shapes. `owner` names the optimiser in the message.
void check_parameters(const ParameterList& parameters, const char* owner);

// Copies `buffers` (one per parameter, in the optimiser's order) from `state`, verifying names
// "<parameter>.<suffix>" and shapes; `owner` names the optimiser in errors.
void import_buffers(const OptimizerState& state, const ParameterList& parameters,
                    const std::vector<const char*>& suffixes,
                    const std::vector<std::vector<Matrix>*>& buffers, const char* owner);

// The inverse of import_buffers: tensors in the order parameter-major, suffix-minor.
OptimizerState export_buffers(int64_t step, const ParameterList& parameters,
                              const std::vector<const char*>& suffixes,
                              const std::vector<const std::vector<Matrix>*>& buffers);

}  // namespace arq::nn
