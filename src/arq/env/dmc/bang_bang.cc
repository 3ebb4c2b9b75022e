#include "arq/env/dmc/bang_bang.h"

#include <string>

#include "arq/core/error.h"

namespace arq::dmc {

void bang_bang_corner(int index, std::span<double> out) {
  const int dim = static_cast<int>(out.size());
  if (dim < 1 || dim > BangBangEnv::kMaxActionDim) {
    throw Error("bang-bang: action dimension " + std::to_string(dim) + " outside [1, " +
                std::to_string(BangBangEnv::kMaxActionDim) + "]");
  }
  if (index < 0 || index >= (1 << dim)) {
    throw Error("bang-bang: action " + std::to_string(index) + " out of range [0, " +
                std::to_string(1 << dim) + ")");
  }
  for (int j = 0; j < dim; ++j) out[j] = ((index >> (dim - 1 - j)) & 1) ? 1.0 : -1.0;
}

BangBangEnv::BangBangEnv(std::unique_ptr<Env> inner) : inner_(std::move(inner)) {
  if (!inner_) throw Error("BangBangEnv: no environment to wrap");
  const EnvSpec& inner_spec = inner_->spec();
  if (inner_spec.discrete() || inner_spec.action_dim < 1 || inner_spec.action_dim > kMaxActionDim) {
    throw Error("bang-bang needs a continuous environment with 1.." +
                std::to_string(kMaxActionDim) + " action dimensions; " + inner_spec.id + " has " +
                (inner_spec.discrete()
                     ? std::to_string(inner_spec.num_actions) + " discrete actions"
                     : std::to_string(inner_spec.action_dim) + " dimensions"));
  }
  spec_ = inner_spec;
  spec_.id += ":bangbang";
  spec_.num_actions = 1 << inner_spec.action_dim;
  spec_.action_dim = 0;
}

StepResult BangBangEnv::step(int action) {
  const auto corner = std::span<double>(corner_).first(inner_->spec().action_dim);
  if (action < 0 || action >= spec_.num_actions) {
    throw Error(spec_.id + ": action " + std::to_string(action) + " out of range [0, " +
                std::to_string(spec_.num_actions) + ")");
  }
  bang_bang_corner(action, corner);
  return inner_->step_continuous(corner);
}

}  // namespace arq::dmc
