#include "arq/nn/adam.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "arq/core/error.h"

namespace arq::nn {

Adam::Adam(ParameterList parameters, const AdamOptions& options)
    : parameters_(std::move(parameters)), options_(options) {
  check_parameters(parameters_, "Adam");
  const bool valid = options.learning_rate >= 0.0f && options.b1 >= 0.0f && options.b1 < 1.0f &&
                     options.b2 >= 0.0f && options.b2 < 1.0f && options.eps >= 0.0f &&
                     options.eps_root >= 0.0f && options.max_grad_norm >= 0.0f;
  if (!valid) {
    throw Error("Adam: options out of range (lr=" + std::to_string(options.learning_rate) +
                " b1=" + std::to_string(options.b1) + " b2=" + std::to_string(options.b2) +
                " eps=" + std::to_string(options.eps) +
                " max_grad_norm=" + std::to_string(options.max_grad_norm) +
                "); expected lr, eps, max_grad_norm >= 0 and 0 <= b1, b2 < 1");
  }
  for (const Parameter& p : parameters_) {
    mu_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
    nu_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
  }
}

void Adam::step() {
  last_gradient_norm_ = global_gradient_norm(parameters_);
  float clip_scale = 1.0f;
  if (options_.max_grad_norm > 0.0f && last_gradient_norm_ >= options_.max_grad_norm) {
    clip_scale = static_cast<float>(options_.max_grad_norm / last_gradient_norm_);
  }
  ++step_;
  const double t = static_cast<double>(step_);
  const float correction1 = static_cast<float>(1.0 - std::pow(double{options_.b1}, t));
  const float correction2 = static_cast<float>(1.0 - std::pow(double{options_.b2}, t));
  const float b1 = options_.b1, b2 = options_.b2, lr = options_.learning_rate;
  const float eps = options_.eps, eps_root = options_.eps_root;
  // One pass over memory: the three updates run chunk by chunk while the chunk's value, gradient
  // and moments sit in L1 (three whole-tensor passes would stream the moments from memory
  // twice). Chunks are whole vectors from an aligned start, so every element takes the same
  // instructions as in a whole-tensor pass: the result is bit-identical.
  constexpr Eigen::Index kChunk = 1024;
  // After a few thousand steps both bias corrections round to exactly 1 in float; dividing by 1
  // and adding eps_root = 0 change no value (sqrt(-0) + eps = sqrt(+0) + eps), so the two
  // divisions, the slowest part of the step, can be left out without changing a bit.
  const bool corrections_are_one = correction1 == 1.0f && correction2 == 1.0f && eps_root == 0.0f;
  using Chunk = Eigen::Map<Eigen::ArrayXf>;
  using ConstChunk = Eigen::Map<const Eigen::ArrayXf>;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    float* value_data = parameters_[i].value->data();
    const float* grad_data = parameters_[i].grad->data();
    float* mu_data = mu_[i].data();
    float* nu_data = nu_[i].data();
    const Eigen::Index size = parameters_[i].value->size();
    for (Eigen::Index first = 0; first < size; first += kChunk) {
      const Eigen::Index n = std::min(kChunk, size - first);
      Chunk value(value_data + first, n), mu(mu_data + first, n), nu(nu_data + first, n);
      const auto grad = ConstChunk(grad_data + first, n) * clip_scale;
      mu = (1.0f - b1) * grad + b1 * mu;
      nu = (1.0f - b2) * grad.square() + b2 * nu;
      if (corrections_are_one) {
        value -= lr * (mu / (nu.sqrt() + eps));
      } else {
        value -= lr * ((mu / correction1) / (((nu / correction2) + eps_root).sqrt() + eps));
      }
    }
  }
}

OptimizerState Adam::export_state() const {
  return export_buffers(step_, parameters_, {"mu", "nu"}, {&mu_, &nu_});
}

void Adam::import_state(const OptimizerState& state) {
  import_buffers(state, parameters_, {"mu", "nu"}, {&mu_, &nu_}, "Adam");
  step_ = state.step;
}

}  // namespace arq::nn
