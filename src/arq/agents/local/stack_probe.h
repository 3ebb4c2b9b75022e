#pragma once
// Looking inside a local stack for analysis (`arq q`, `arq analyze pca`): one acting step that
// also returns every layer's input X_l, raw activation h_l and Q_l for all actions, and the
// per-(state, action) vectors y_a = M̂_a·h that ARQ reads its goodness from.
//
// probe_step() runs exactly the computation of LayerStack::forward_step (same input
// composition, same fast cell code, same context mixing), so its Q and context are
// bit-identical to acting. action_vectors() recomputes y in double straight from the cell's
// parameters, materialising each M row: slow, independent of the fast kernels, and meant for
// a few thousand states at most.
#include <vector>

#include <Eigen/Core>

#include "arq/agents/local/layer_stack.h"

namespace arq::local {

struct StackProbe {
  std::vector<nn::Matrix> inputs;  // X_l [B, D_l]
  std::vector<nn::Matrix> hidden;  // h_l [B, H_l], before context mixing (what goes upward)
  std::vector<nn::Matrix> q;       // Q_l [B, A]
};

// One greedy time step of every layer: fills `probe` and the next context (as forward_step
// does with all layers' Q). next must not alias previous.
void probe_step(LayerStack& stack, const nn::ConstMatrixRef& observation, const Context& previous,
                Context& next, StackProbe& probe);

// y_a for every row b of x [B, D] and action a, as rows b·A + a of a [B·A, R] matrix (R = H for
// ARQ, 1 for AD), in double.
Eigen::MatrixXd action_vectors(LocalCell& cell, const nn::ConstMatrixRef& x);

// Q from one y (the goodness for ARQ, y itself for AD), in double.
double read_out_q(const CellOptions& options, const Eigen::Ref<const Eigen::VectorXd>& y);

}  // namespace arq::local
