#pragma once
// A named trainable tensor and its gradient. Layers and cells list their parameters this way so
// optimisers, checkpoints and gradient checks can treat every model generically.
#include <string>
#include <vector>

#include "arq/nn/matrix.h"

namespace arq::nn {

struct Parameter {
  std::string name;  // e.g. "layer0.w_state"; stable: it is the checkpoint tensor name
  Matrix* value;     // a bias is a 1 x n matrix
  Matrix* grad;      // same shape as value
};

using ParameterList = std::vector<Parameter>;

}  // namespace arq::nn
