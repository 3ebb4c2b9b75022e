#include "arq/agents/local/local_learner.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

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

std::vector<LayerUpdateMetrics> LocalLearner::update(const LocalBatch& batch) {
  check_batch(batch);
  build_contexts(batch);
  online_.gather_observation(
      nn::ConstMatrixMap(batch.next_observations.data(), batch.batch_size, batch.observation_size),
      next_columns_);
  std::vector<LayerUpdateMetrics> metrics;
  metrics.reserve(online_.layers());
  for (int l = 0; l < online_.layers(); ++l) metrics.push_back(update_layer(l, batch));
  return metrics;
}

LayerUpdateMetrics LocalLearner::update_layer(int layer, const LocalBatch& batch) {
  const StackOptions& stack = online_.options();
  const int rows = batch.batch_size, actions = stack.cell.actions;
  const int last = online_.layers() - 1, upper = std::min(layer + 1, last);
  const nn::ConstMatrixMap next_obs(batch.next_observations.data(), rows, batch.observation_size);
  const StridedRows obs = window_position(batch, batch.window - 1);
  const int input_width = stack.input_width(layer), hidden = stack.widths[layer];
  ensure_shape(x_[layer], rows, input_width);
  ensure_shape(x_next_[layer], rows, input_width);
  ensure_shape(x_target_[layer], rows, input_width);
  ensure_shape(h_[layer], rows, hidden);
  ensure_shape(h_next_[layer], rows, hidden);
  ensure_shape(h_target_[layer], rows, hidden);
  ensure_shape(q_next_, rows, actions);
  best_actions_.resize(rows);
  q_bar_.resize(rows);
  targets_.resize(rows);
  predictions_.resize(rows);
  row_losses_.resize(rows);

  // Inputs: the layer below's pre-update activations (or the observation) and the contexts.
  // The observation parts come from the shared gathers (s_t: the window's last position).
  const SparseColumns* obs_columns = online_.columns_for(layer, &window_columns_.back());
  const SparseColumns* next_columns = online_.columns_for(layer, &next_columns_);
  const bool skip_obs = LocalCell::skips_columns(obs_columns);
  const bool skip_next = LocalCell::skips_columns(next_columns);
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

  // Double-DQN target from this layer's own Q-values.
  LocalCell& cell = online_.cell(layer);
  cell.forward_all(x_next_[layer], q_next_, h_next_[layer], next_columns);
  if (options_.double_q) {
    for (int b = 0; b < rows; ++b) {
      int best = 0;  // first maximum, as argmax
      for (int a = 1; a < actions; ++a) {
        if (q_next_(b, a) > q_next_(b, best)) best = a;
      }
      best_actions_[b] = best;
    }
    target_.cell(layer).forward_selected(x_target_[layer], best_actions_, q_bar_, h_target_[layer],
                                         next_columns);
  } else {
    ensure_shape(q_target_all_, rows, actions);
    target_.cell(layer).forward_all(x_target_[layer], q_target_all_, h_target_[layer],
                                    next_columns);
    for (int b = 0; b < rows; ++b) q_bar_[b] = q_target_all_.row(b).maxCoeff();
  }
  double target_sum = 0.0;
  for (int b = 0; b < rows; ++b) {
    targets_[b] = batch.rewards[b] + options_.gamma * (1.0f - batch.terminated[b]) * q_bar_[b];
  }
  if (target_hook_) target_hook_(layer, targets_);
  for (int b = 0; b < rows; ++b) target_sum += targets_[b];

  // The TD loss of the taken actions and its gradient per row (dL/dQ_b). Rows may be handled
  // by different workers, so each writes only its own loss term.
  const bool huber = options_.loss == TdLoss::kHuber;
  const float inv_rows = 1.0f / static_cast<float>(rows);
  auto grad = [&](int b, float q) {
    const float error = q - targets_[b];
    if (huber && std::abs(error) > 1.0f) {
      row_losses_[b] = std::abs(error) - 0.5;
      return (error > 0.0f ? 1.0f : -1.0f) * inv_rows;
    }
    row_losses_[b] = huber ? 0.5 * error * error : static_cast<double>(error) * error;
    return (huber ? 1.0f : 2.0f) * error * inv_rows;
  };
  cell.forward_backward_selected(x_[layer], batch.actions, grad, predictions_, h_[layer],
                                 obs_columns);
  optimizers_[layer]->step();

  LayerUpdateMetrics m;
  double loss_sum = 0.0;
  for (const double loss : row_losses_) loss_sum += loss;
  m.td_loss = loss_sum / rows;
  double q_sum = 0.0;
  for (const float q : predictions_) q_sum += q;
  m.q_mean = q_sum / rows;
  m.target_mean = target_sum / rows;
  m.gradient_norm = optimizers_[layer]->last_gradient_norm();
  return m;
}

}  // namespace arq::local
