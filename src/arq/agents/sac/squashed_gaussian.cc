#include "arq/agents/sac/squashed_gaussian.h"

#include <cmath>
#include <numbers>
#include <string>

#include "arq/core/error.h"

namespace arq::sac {
namespace {

float softplus(float x) {
  return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

void check_head(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise) {
  if (head.cols() != 2 * noise.cols() || head.rows() != noise.rows()) {
    throw Error("squashed Gaussian: head is " + std::to_string(head.rows()) + "x" +
                std::to_string(head.cols()) + " but noise is " + std::to_string(noise.rows()) +
                "x" + std::to_string(noise.cols()) + " (expected head B x 2A for noise B x A)");
  }
}

}  // namespace

void squashed_gaussian_sample(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                              LogStdBounds bounds, nn::MatrixRef action, nn::MatrixRef log_prob) {
  check_head(head, noise);
  const Eigen::Index dims = noise.cols();
  const float half_range = 0.5f * (bounds.max - bounds.min);
  const float half_log_two_pi = static_cast<float>(0.5 * std::log(2.0 * std::numbers::pi));
  const float log_two = std::numbers::ln2_v<float>;
  for (Eigen::Index i = 0; i < head.rows(); ++i) {
    float sum = 0.0f;
    for (Eigen::Index j = 0; j < dims; ++j) {
      const float log_std = bounds.min + half_range * (std::tanh(head(i, dims + j)) + 1.0f);
      const float eps = noise(i, j);
      const float u = head(i, j) + std::exp(log_std) * eps;
      action(i, j) = std::tanh(u);
      sum += -0.5f * eps * eps - log_std - half_log_two_pi -
             2.0f * (log_two - u - softplus(-2.0f * u));
    }
    log_prob(i, 0) = sum;
  }
}

void squashed_gaussian_backward(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                                const nn::ConstMatrixRef& action, LogStdBounds bounds,
                                const nn::ConstMatrixRef& grad_action,
                                const nn::ConstMatrixRef& grad_log_prob, nn::MatrixRef grad_head) {
  check_head(head, noise);
  const Eigen::Index dims = noise.cols();
  const float half_range = 0.5f * (bounds.max - bounds.min);
  for (Eigen::Index i = 0; i < head.rows(); ++i) {
    const float g_log_prob = grad_log_prob(i, 0);
    for (Eigen::Index j = 0; j < dims; ++j) {
      const float squashed_raw = std::tanh(head(i, dims + j));
      const float std_dev = std::exp(bounds.min + half_range * (squashed_raw + 1.0f));
      const float a = action(i, j);
      // d a/du = 1 - a²; d log π/du = 2a (the Jacobian term); d log π/d log σ = -1 + 2a·σε.
      const float grad_u = grad_action(i, j) * (1.0f - a * a) + g_log_prob * 2.0f * a;
      const float grad_log_std = grad_u * std_dev * noise(i, j) - g_log_prob;
      grad_head(i, j) = grad_u;
      grad_head(i, dims + j) = grad_log_std * half_range * (1.0f - squashed_raw * squashed_raw);
    }
  }
}

void squashed_gaussian_mode(const nn::ConstMatrixRef& head, nn::MatrixRef action) {
  const Eigen::Index dims = action.cols();
  if (head.cols() != 2 * dims || head.rows() != action.rows()) {
    throw Error("squashed Gaussian: head is " + std::to_string(head.rows()) + "x" +
                std::to_string(head.cols()) + ", expected " + std::to_string(action.rows()) + "x" +
                std::to_string(2 * dims));
  }
  action = head.leftCols(dims).array().tanh().matrix();
}

}  // namespace arq::sac
