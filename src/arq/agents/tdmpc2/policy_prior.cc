#include "arq/agents/tdmpc2/policy_prior.h"

#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::tdmpc2 {
namespace {

constexpr float kHalfLogTwoPi = 0.91893853320467274f;
constexpr float kSquashEpsilon = 1e-6f;

void check_head(const nn::ConstMatrixRef& head, Eigen::Index rows, Eigen::Index dims) {
  if (head.cols() != 2 * dims || head.rows() != rows) {
    throw Error("TD-MPC2 policy: head is " + std::to_string(head.rows()) + "x" +
                std::to_string(head.cols()) + ", expected " + std::to_string(rows) + "x" +
                std::to_string(2 * dims));
  }
}

float bounded_log_std(float raw, LogStdRange range) {
  return range.min + 0.5f * (range.max - range.min) * (std::tanh(raw) + 1.0f);
}

}  // namespace

void policy_sample(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                   LogStdRange range, nn::MatrixRef action, nn::MatrixRef gaussian_log_prob,
                   nn::MatrixRef squashed_log_prob) {
  const Eigen::Index dims = noise.cols();
  check_head(head, noise.rows(), dims);
  for (Eigen::Index i = 0; i < head.rows(); ++i) {
    float gaussian = 0.0f;
    float squash = 0.0f;
    for (Eigen::Index j = 0; j < dims; ++j) {
      const float log_std = bounded_log_std(head(i, dims + j), range);
      const float eps = noise(i, j);
      const float a = std::tanh(head(i, j) + eps * std::exp(log_std));
      action(i, j) = a;
      gaussian += -0.5f * eps * eps - log_std - kHalfLogTwoPi;
      squash += std::log(std::max(1.0f - a * a, 0.0f) + kSquashEpsilon);
    }
    gaussian_log_prob(i, 0) = gaussian;
    squashed_log_prob(i, 0) = gaussian - squash;
  }
}

void policy_backward(const nn::ConstMatrixRef& head, const nn::ConstMatrixRef& noise,
                     const nn::ConstMatrixRef& action, LogStdRange range,
                     const nn::ConstMatrixRef& grad_action,
                     const nn::ConstMatrixRef& grad_gaussian_log_prob,
                     const nn::ConstMatrixRef& grad_squashed_log_prob, nn::MatrixRef grad_head) {
  const Eigen::Index dims = noise.cols();
  check_head(head, noise.rows(), dims);
  const float half_range = 0.5f * (range.max - range.min);
  for (Eigen::Index i = 0; i < head.rows(); ++i) {
    const float g_squashed = grad_squashed_log_prob(i, 0);
    const float g_log_prob = grad_gaussian_log_prob(i, 0) + g_squashed;  // both hold gaussian
    for (Eigen::Index j = 0; j < dims; ++j) {
      const float squashed_raw = std::tanh(head(i, dims + j));
      const float std_dev = std::exp(range.min + half_range * (squashed_raw + 1.0f));
      const float a = action(i, j);
      const float one_minus = 1.0f - a * a;
      // -log(relu(1 - a²) + e) differentiated through a = tanh(u): 2a(1 - a²)/(1 - a² + e).
      const float squash_term =
          one_minus > 0.0f ? 2.0f * a * one_minus / (one_minus + kSquashEpsilon) : 0.0f;
      const float grad_u = grad_action(i, j) * one_minus + g_squashed * squash_term;
      const float grad_log_std = grad_u * std_dev * noise(i, j) - g_log_prob;
      grad_head(i, j) = grad_u;
      grad_head(i, dims + j) = grad_log_std * half_range * (1.0f - squashed_raw * squashed_raw);
    }
  }
}

void policy_mode(const nn::ConstMatrixRef& head, nn::MatrixRef action) {
  const Eigen::Index dims = action.cols();
  check_head(head, action.rows(), dims);
  action = head.leftCols(dims).array().tanh().matrix();
}

}  // namespace arq::tdmpc2
