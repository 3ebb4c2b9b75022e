#include "arq/agents/local/local_policy.h"

#include <string>
#include <utility>

#include "arq/core/error.h"

namespace arq::local {

LocalPolicy::LocalPolicy(LayerStack& stack, const PolicyOptions& options)
    : stack_(stack), options_(options), mean_q_(stack.options().cell.actions) {
  if (options_.q_layers < 0 || options_.q_layers > stack.layers()) {
    throw Error("local policy: q_layers must be in [0, " + std::to_string(stack.layers()) +
                "], got " + std::to_string(options_.q_layers));
  }
  if (options_.q_layers == 0) options_.q_layers = stack.layers();
  context_.reset(stack.options(), 1);
  next_.reset(stack.options(), 1);
}

nn::ConstMatrixMap LocalPolicy::as_row(std::span<const float> observation) const {
  const int size = stack_.options().observation_size;
  if (static_cast<int>(observation.size()) != size) {
    throw Error("local policy: observation has " + std::to_string(observation.size()) +
                " values, expected " + std::to_string(size));
  }
  return nn::ConstMatrixMap(observation.data(), 1, size);
}

void LocalPolicy::begin_episode() {
  context_.reset(stack_.options(), 1);
}

int LocalPolicy::act_greedy(std::span<const float> observation) {
  const nn::ConstMatrixMap row = as_row(observation);
  stack_.gather_observation(row, columns_);
  stack_.forward_step(row, context_, next_, q_, options_.q_layers, &columns_);
  std::swap(context_, next_);
  const int actions = stack_.options().cell.actions;
  int best = 0;
  for (int a = 0; a < actions; ++a) {
    float sum = 0.0f;
    for (const nn::Matrix& q : q_) sum += q(0, a);
    mean_q_[a] = sum / static_cast<float>(q_.size());
    if (mean_q_[a] > mean_q_[best]) best = a;  // first maximum, as argmax
  }
  return best;
}

void LocalPolicy::skip_step(std::span<const float> observation) {
  if (options_.stale_context_on_random_steps) return;
  const nn::ConstMatrixMap row = as_row(observation);
  stack_.gather_observation(row, columns_);
  stack_.hidden_step(row, context_, next_, &columns_);
  std::swap(context_, next_);
}

std::vector<std::vector<float>> LocalPolicy::last_q_values() const {
  std::vector<std::vector<float>> values;
  for (const nn::Matrix& q : q_) values.emplace_back(q.data(), q.data() + q.size());
  return values;
}

}  // namespace arq::local
