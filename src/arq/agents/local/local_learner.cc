#include "arq/agents/local/local_learner.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "arq/agents/greedy_actions.h"
#include "arq/core/error.h"

namespace arq::local {
namespace {

using StridedRows = Eigen::Map<const nn::Matrix, 0, Eigen::OuterStride<>>;

// Row b of the result is windows[b][position]: a strided view, no copy.
StridedRows window_position(const LocalBatch& batch, int position) {
  return StridedRows(
      batch.windows.data() + static_cast<size_t>(position) * batch.observation_size,
      batch.batch_size, batch.observation_size,
      Eigen::OuterStride<>(static_cast<Eigen::Index>(batch.window) * batch.observation_size));
}

void ensure_shape(nn::Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace

LocalLearner::LocalLearner(const StackOptions& stack, const LearnerOptions& options, uint64_t seed)
    : options_(options), online_("online.", stack), target_("target.", stack) {
  if (options.threads < 1) {
    throw Error("local learner: threads must be >= 1, got " + std::to_string(options.threads));
  }
  if (options.threads > 1) {
    pool_ = std::make_unique<WorkerPool>(options.threads);
    online_.set_worker_pool(pool_.get());
    target_.set_worker_pool(pool_.get());
  }
  nn::Rng rng(seed);
  online_.initialize(rng);
  target_.copy_parameters_from(online_);
  for (int l = 0; l < online_.layers(); ++l) {
    optimizers_.push_back(std::make_unique<nn::Adam>(online_.cell(l).parameters(), options.adam));
  }
  const int layers = online_.layers();
  x_.resize(layers);
  x_next_.resize(layers);
  x_target_.resize(layers);
  h_.resize(layers);
  h_next_.resize(layers);
  h_target_.resize(layers);
}

void LocalLearner::check_batch(const LocalBatch& batch) const {
  const StackOptions& stack = online_.options();
  const size_t b = static_cast<size_t>(batch.batch_size);
  const size_t s = static_cast<size_t>(batch.observation_size);
  std::string problem;
  if (batch.batch_size <= 0)
    problem = "batch_size must be positive";
  else if (batch.window <= 0)
    problem = "window must be positive";
  else if (batch.observation_size != stack.observation_size) {
    problem = "observation_size " + std::to_string(batch.observation_size) + " differs from the " +
              "network's " + std::to_string(stack.observation_size);
  } else if (batch.windows.size() != b * batch.window * s)
    problem = "windows has the wrong size";
  else if (batch.next_observations.size() != b * s)
    problem = "next_observations has the wrong size";
  else if (batch.actions.size() != b || batch.rewards.size() != b || batch.terminated.size() != b) {
    problem = "actions, rewards and terminated need one entry per transition";
  }
  if (!problem.empty()) throw Error("local update: " + problem);
}

void LocalLearner::build_contexts(const LocalBatch& batch) {
  const StackOptions& stack = online_.options();
  const Eigen::Index rows = batch.batch_size;
  window_columns_.resize(batch.window);
  for (int i = 0; i < batch.window; ++i) {
    online_.gather_observation(window_position(batch, i), window_columns_[i]);
  }
  // Online: the context before s_t (for X) and after it (for X').
  scratch_a_.reset(stack, rows);
  Context* current = &scratch_a_;
  Context* other = &scratch_b_;
  for (int i = 0; i + 1 < batch.window; ++i) {
    online_.hidden_step(window_position(batch, i), *current, *other, &window_columns_[i]);
    std::swap(current, other);
  }
  std::swap(online_before_, *current);
  online_.hidden_step(window_position(batch, batch.window - 1), online_before_, online_after_,
                      &window_columns_[batch.window - 1]);
  // Target: only the context after s_t (for X̄').
  scratch_a_.reset(stack, rows);
  current = &scratch_a_;
  other = &scratch_b_;
  for (int i = 0; i < batch.window; ++i) {
    target_.hidden_step(window_position(batch, i), *current, *other, &window_columns_[i]);
    std::swap(current, other);
  }
  std::swap(target_after_, *current);
}

const std::vector<LayerUpdateMetrics>& LocalLearner::update(const LocalBatch& batch) {
  check_batch(batch);
  build_contexts(batch);
  online_.gather_observation(
      nn::ConstMatrixMap(batch.next_observations.data(), batch.batch_size, batch.observation_size),
      next_columns_);
  metrics_.resize(online_.layers());
  for (int l = 0; l < online_.layers(); ++l) metrics_[l] = update_layer(l, batch);
  return metrics_;
}

// One layer's local TD update, docs/algorithms.md §9 step 3: the layer learns from its own
// Q-values and its own target copy; nothing flows to or from the other layers' parameters.
LayerUpdateMetrics LocalLearner::update_layer(int layer, const LocalBatch& batch) {
  const int rows = batch.batch_size;
  size_layer_buffers(layer, rows);
  LocalCell& cell = online_.cell(layer);
  LocalCell& target_cell = target_.cell(layer);

  // 3.1 Inputs X (s_t), X' (s_{t+1}, online context) and X̄' (s_{t+1}, target context).
  const LayerColumns columns = build_layer_inputs(layer, batch);

  // 3.2 a* = argmax_a Q_online(X', a); the same pass gives h(X'), the next layer's input.
  cell.forward_all(x_next_[layer], q_next_, h_next_[layer], columns.next);
  // 3.3 q̄ = Q_target(X̄', a*) from this layer's own target cell (without double DQN:
  // max_a Q_target(X̄', a)), and y = r + γ·(1 - terminated)·q̄.
  if (options_.double_q) {
    greedy_actions(q_next_, best_actions_);
    target_cell.forward_selected(x_target_[layer], best_actions_, q_bar_, h_target_[layer],
                                 columns.next);
  } else {
    target_cell.forward_all(x_target_[layer], q_target_all_, h_target_[layer], columns.next);
    for (int b = 0; b < rows; ++b) q_bar_[b] = q_target_all_.row(b).maxCoeff();
  }
  for (int b = 0; b < rows; ++b) {
    targets_[b] = batch.rewards[b] + options_.gamma * (1.0f - batch.terminated[b]) * q_bar_[b];
  }
  if (target_hook_) target_hook_(layer, targets_);

  // 3.4 The squared TD error (or Huber) of the taken actions, mean over the batch, and its
  // gradient dL/dQ(X, a_t) per row. Rows may be handled by different workers, so each writes
  // only its own loss term. (Captures of 16 bytes at most fit in std::function's own storage:
  // no allocation.)
  const bool huber = options_.loss == TdLoss::kHuber;
  const float inv_rows = 1.0f / static_cast<float>(rows);
  auto td_gradient = [this, huber, inv_rows](int b, float q) {
    const float error = q - targets_[b];
    if (huber && std::abs(error) > 1.0f) {
      row_losses_[b] = std::abs(error) - 0.5;
      return (error > 0.0f ? 1.0f : -1.0f) * inv_rows;
    }
    row_losses_[b] = huber ? 0.5 * error * error : static_cast<double>(error) * error;
    return (huber ? 1.0f : 2.0f) * error * inv_rows;
  };
  // 3.5 Q(X, a_t) forward and the local backward into this layer's gradients (h(X) is kept
  // for the next layer), then clip to the global norm and one Adam step (nn::Adam does both).
  cell.forward_backward_selected(x_[layer], batch.actions, td_gradient, predictions_, h_[layer],
                                 columns.obs);
  optimizers_[layer]->step();
  cell.weights_changed();
  return layer_metrics(layer);
}

void LocalLearner::size_layer_buffers(int layer, int rows) {
  const StackOptions& stack = online_.options();
  const int input_width = stack.input_width(layer), hidden = stack.widths[layer];
  const int actions = stack.cell.actions;
  ensure_shape(x_[layer], rows, input_width);
  ensure_shape(x_next_[layer], rows, input_width);
  ensure_shape(x_target_[layer], rows, input_width);
  ensure_shape(h_[layer], rows, hidden);
  ensure_shape(h_next_[layer], rows, hidden);
  ensure_shape(h_target_[layer], rows, hidden);
  ensure_shape(q_next_, rows, actions);
  if (!options_.double_q) ensure_shape(q_target_all_, rows, actions);
  best_actions_.resize(rows);
  q_bar_.resize(rows);
  targets_.resize(rows);
  predictions_.resize(rows);
  row_losses_.resize(rows);
}

// X, X' and X̄' of `layer`: the layer below's pre-update activations (or the observation), the
// observation, and the contexts. The observation parts come from the shared gathers (s_t: the
// window's last position).
LocalLearner::LayerColumns LocalLearner::build_layer_inputs(int layer, const LocalBatch& batch) {
  const int rows = batch.batch_size;
  const int upper = std::min(layer + 1, online_.layers() - 1);
  const nn::ConstMatrixMap next_obs(batch.next_observations.data(), rows, batch.observation_size);
  const StridedRows obs = window_position(batch, batch.window - 1);
  const LayerColumns columns{online_.columns_for(layer, &window_columns_.back()),
                             online_.columns_for(layer, &next_columns_)};
  const bool skip_obs = LocalCell::skips_columns(columns.obs);
  const bool skip_next = LocalCell::skips_columns(columns.next);
  if (layer == 0) {
    online_.build_input(0, obs, obs, online_before_.layers[0], online_before_.layers[upper], x_[0],
                        skip_obs);
    online_.build_input(0, next_obs, next_obs, online_after_.layers[0], online_after_.layers[upper],
                        x_next_[0], skip_next);
    target_.build_input(0, next_obs, next_obs, target_after_.layers[0], target_after_.layers[upper],
                        x_target_[0], skip_next);
  } else {
    online_.build_input(layer, h_[layer - 1], obs, online_before_.layers[layer],
                        online_before_.layers[upper], x_[layer], skip_obs);
    online_.build_input(layer, h_next_[layer - 1], next_obs, online_after_.layers[layer],
                        online_after_.layers[upper], x_next_[layer], skip_next);
    target_.build_input(layer, h_target_[layer - 1], next_obs, target_after_.layers[layer],
                        target_after_.layers[upper], x_target_[layer], skip_next);
  }
  return columns;
}

// The metrics of the update just made, from the buffers it filled.
LayerUpdateMetrics LocalLearner::layer_metrics(int layer) const {
  const double rows = static_cast<double>(targets_.size());
  LayerUpdateMetrics m;
  double loss_sum = 0.0;
  for (const double loss : row_losses_) loss_sum += loss;
  m.td_loss = loss_sum / rows;
  double q_sum = 0.0;
  for (const float q : predictions_) q_sum += q;
  m.q_mean = q_sum / rows;
  double target_sum = 0.0;
  for (const float y : targets_) target_sum += y;
  m.target_mean = target_sum / rows;
  m.gradient_norm = optimizers_[layer]->last_gradient_norm();
  return m;
}

}  // namespace arq::local
