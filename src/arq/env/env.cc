#include "arq/env/env.h"

#include "arq/core/error.h"

namespace arq {

StepResult Env::step_continuous(std::span<const double> /*action*/) {
  throw Error(spec().id + " has discrete actions: give an action index, not a vector");
}

}  // namespace arq
