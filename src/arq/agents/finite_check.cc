#include "arq/agents/finite_check.h"

#include <cmath>

namespace arq {
namespace {

bool all_finite(const nn::Matrix& m) {
  return m.array().isFinite().all();
}

}  // namespace

std::string first_non_finite_tensor(const nn::ParameterList& parameters) {
  for (const nn::Parameter& p : parameters) {
    if (p.grad != nullptr && !all_finite(*p.grad)) return p.name + " (gradient)";
  }
  for (const nn::Parameter& p : parameters) {
    if (p.value != nullptr && !all_finite(*p.value)) return p.name;
  }
  return "";
}

void check_finite_update(double value, const std::string& network, const std::string& quantity,
                         const nn::ParameterList& parameters) {
  if (std::isfinite(value)) return;
  std::string message = network + ": " + quantity + " is " +
                        (std::isnan(value) ? "nan"
                         : value > 0       ? "inf"
                                           : "-inf");
  const std::string tensor = first_non_finite_tensor(parameters);
  message += tensor.empty() ? " (every weight and gradient is still finite)"
                            : "; first non-finite tensor: " + tensor;
  throw DivergenceError(message);
}

}  // namespace arq
