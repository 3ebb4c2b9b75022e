#pragma once
// The divergence guard of every agent: each update's loss and global gradient norm (values the
// update computes anyway) are checked before the optimiser applies the gradient. The first
// non-finite one throws DivergenceError naming the network and the quantity; only then, on the
// failure path, are the network's tensors searched for the first one holding a non-finite number.
#include <string>

#include "arq/core/error.h"
#include "arq/nn/parameter.h"

namespace arq {

// The name of the first parameter whose gradient (", gradient") or value holds a NaN or an
// infinity, gradients searched first; "" if every number is finite.
std::string first_non_finite_tensor(const nn::ParameterList& parameters);

// Throws DivergenceError("<network>: <quantity> is <value>; first non-finite tensor: ...") unless
// `value` is finite.
void check_finite_update(double value, const std::string& network, const std::string& quantity,
                         const nn::ParameterList& parameters);

}  // namespace arq
