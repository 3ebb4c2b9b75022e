#include "arq/nn/loss.h"

#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::nn {
namespace {

void check_same_shape(const ConstMatrixRef& prediction, const ConstMatrixRef& target,
                      const ConstMatrixRef& grad, const char* loss) {
  const auto shape = [](const ConstMatrixRef& m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
  };
  if (prediction.size() == 0 || target.rows() != prediction.rows() ||
      target.cols() != prediction.cols() || grad.rows() != prediction.rows() ||
      grad.cols() != prediction.cols()) {
    throw Error(std::string(loss) + ": prediction " + shape(prediction) + ", target " +
                shape(target) + " and gradient " + shape(grad) +
                " must have the same, non-empty shape");
  }
}

}  // namespace

float mse_loss(const ConstMatrixRef& prediction, const ConstMatrixRef& target,
               MatrixRef grad_prediction) {
  check_same_shape(prediction, target, grad_prediction, "mse_loss");
  const double count = static_cast<double>(prediction.size());
  const float grad_scale = static_cast<float>(2.0 / count);
  double sum = 0.0;
  for (Eigen::Index r = 0; r < prediction.rows(); ++r) {
    for (Eigen::Index c = 0; c < prediction.cols(); ++c) {
      const float error = prediction(r, c) - target(r, c);
      sum += static_cast<double>(error) * error;
      grad_prediction(r, c) = grad_scale * error;
    }
  }
  return static_cast<float>(sum / count);
}

float huber_loss(const ConstMatrixRef& prediction, const ConstMatrixRef& target,
                 MatrixRef grad_prediction) {
  check_same_shape(prediction, target, grad_prediction, "huber_loss");
  const double count = static_cast<double>(prediction.size());
  const float grad_scale = static_cast<float>(1.0 / count);
  double sum = 0.0;
  for (Eigen::Index r = 0; r < prediction.rows(); ++r) {
    for (Eigen::Index c = 0; c < prediction.cols(); ++c) {
      const float error = prediction(r, c) - target(r, c);
      const float magnitude = std::abs(error);
      if (magnitude < 1.0f) {
        sum += 0.5 * static_cast<double>(error) * error;
        grad_prediction(r, c) = grad_scale * error;
      } else {
        sum += static_cast<double>(magnitude) - 0.5;
        grad_prediction(r, c) = grad_scale * (error > 0.0f ? 1.0f : -1.0f);
      }
    }
  }
  return static_cast<float>(sum / count);
}

}  // namespace arq::nn
