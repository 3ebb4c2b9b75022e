#pragma once
// ARQ's goodness read-out Q = G(y) over the H entries of one action's vector y, and its
// derivative. Statistics are population ones and are accumulated in double: O(H) per
// state-action pair, negligible next to the O(H²) bilinear block that produced y.
#include "arq/agents/local/cell_options.h"

namespace arq::local {

float goodness(Goodness kind, const float* y, int n);

// grad_y = grad_value · ∂G/∂y, where `value` is what goodness() returned for y. Where G is not
// differentiable (std or rms of an all-equal / all-zero y) the gradient is taken as zero.
void goodness_backward(Goodness kind, const float* y, int n, float value, float grad_value,
                       float* grad_y);

}  // namespace arq::local
