#pragma once
// The action codes appended to the z-projection input of action-conditioned cells.
#include "arq/agents/local/cell_options.h"
#include "arq/nn/matrix.h"

namespace arq::local {

// [A, E]: row a is e_a. One-hot: the identity. Binary: e_a[k] = +1 if bit k of a is set
// (bit 0 = least significant), else -1, as the released ARQ code (so column k corresponds to
// torque component d-1-k of the bang-bang action, whose index is most-significant-bit first).
// Empty (A x 0) without action conditioning.
nn::Matrix action_code_table(const CellOptions& options);

}  // namespace arq::local
