#pragma once
// Regression losses over all elements of prediction and target (same shape). Each returns the
// loss and writes dLoss/dPrediction into grad_prediction (same shape; may alias prediction).
#include "arq/nn/matrix.h"

namespace arq::nn {

// mean((p - t)²), without a 1/2 factor: optax.squared_error(...).mean() as the AD/ARQ code.
float mse_loss(const ConstMatrixRef& prediction, const ConstMatrixRef& target,
               MatrixRef grad_prediction);

// mean(huber(p - t)) with delta = 1: 0.5·d² where |d| < 1, |d| - 0.5 elsewhere.
// torch.nn.functional.smooth_l1_loss (beta = 1, reduction "mean"), as MinAtar's DQN.
float huber_loss(const ConstMatrixRef& prediction, const ConstMatrixRef& target,
                 MatrixRef grad_prediction);

}  // namespace arq::nn
