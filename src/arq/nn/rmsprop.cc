#include "arq/nn/rmsprop.h"

#include <string>
#include <utility>

#include "arq/core/error.h"

namespace arq::nn {

CenteredRmsprop::CenteredRmsprop(ParameterList parameters, const RmspropOptions& options)
    : parameters_(std::move(parameters)), options_(options) {
  check_parameters(parameters_, "CenteredRmsprop");
  if (!(options.learning_rate >= 0.0f && options.alpha >= 0.0f && options.alpha < 1.0f &&
        options.eps >= 0.0f)) {
    throw Error("CenteredRmsprop: options out of range (lr=" +
                std::to_string(options.learning_rate) + " alpha=" + std::to_string(options.alpha) +
                " eps=" + std::to_string(options.eps) + "); expected lr, eps >= 0, 0 <= alpha < 1");
  }
  for (const Parameter& p : parameters_) {
    square_avg_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
    grad_avg_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
  }
}

void CenteredRmsprop::step() {
  ++step_;
  const float alpha = options_.alpha, lr = options_.learning_rate, eps = options_.eps;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto value = parameters_[i].value->array();
    const auto grad = parameters_[i].grad->array();
    auto square_avg = square_avg_[i].array();
    auto grad_avg = grad_avg_[i].array();
    square_avg = alpha * square_avg + (1.0f - alpha) * grad.square();
    grad_avg += (1.0f - alpha) * (grad - grad_avg);  // PyTorch's lerp_
    value -= lr * (grad / ((square_avg - grad_avg.square()).max(0.0f).sqrt() + eps));
  }
}

OptimizerState CenteredRmsprop::export_state() const {
  return export_buffers(step_, parameters_, {"square_avg", "grad_avg"}, {&square_avg_, &grad_avg_});
}

void CenteredRmsprop::import_state(const OptimizerState& state) {
  import_buffers(state, parameters_, {"square_avg", "grad_avg"}, {&square_avg_, &grad_avg_},
                 "CenteredRmsprop");
  step_ = state.step;
}

}  // namespace arq::nn
