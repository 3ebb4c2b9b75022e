#pragma once
// The greedy action of each row of Q-values: the first maximum on ties, as numpy's argmax (a NaN
// is never preferred). Acting and the double-DQN target, a* = argmax_a Q_online(s', a), use it.
#include <span>

#include "arq/nn/matrix.h"

namespace arq {

inline void greedy_actions(const nn::ConstMatrixRef& q, std::span<int> actions) {
  for (Eigen::Index row = 0; row < q.rows(); ++row) {
    int best = 0;
    for (int a = 1; a < q.cols(); ++a) {
      if (q(row, a) > q(row, best)) best = a;
    }
    actions[row] = best;
  }
}

}  // namespace arq
