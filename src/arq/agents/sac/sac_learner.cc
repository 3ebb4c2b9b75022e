#include "arq/agents/sac/sac_learner.h"

#include <algorithm>
#include <cmath>

#include "arq/agents/finite_check.h"
#include "arq/agents/sac/mlp.h"
#include "arq/core/error.h"
#include "arq/nn/rng.h"

namespace arq::sac {
namespace {

void resize_if_needed(nn::Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

void copy_parameters(const nn::ParameterList& from, const nn::ParameterList& to) {
  for (size_t i = 0; i < from.size(); ++i) *to[i].value = *from[i].value;
}

}  // namespace

void SacBatch::resize(int batch, int obs_size, int action_dim) {
  resize_if_needed(observations, batch, obs_size);
  resize_if_needed(actions, batch, action_dim);
  resize_if_needed(rewards, batch, 1);
  resize_if_needed(not_done, batch, 1);
  resize_if_needed(next_observations, batch, obs_size);
  resize_if_needed(next_noise, batch, action_dim);
  resize_if_needed(noise, batch, action_dim);
}

SacLearner::SacLearner(const SacShape& shape, const SacHyper& hyper, uint64_t init_seed)
    : shape_(shape),
      hyper_(hyper),
      log_alpha_(nn::Matrix::Constant(1, 1, std::log(hyper.init_temperature))),
      log_alpha_grad_(nn::Matrix::Zero(1, 1)) {
  if (shape.obs_size <= 0 || shape.action_dim <= 0) {
    throw Error("SAC needs observations and continuous actions, got obs size " +
                std::to_string(shape.obs_size) + " and action dimension " +
                std::to_string(shape.action_dim));
  }
  if (!(hyper.init_temperature > 0.0f) || !(hyper.tau > 0.0f && hyper.tau <= 1.0f) ||
      !(hyper.log_std.min < hyper.log_std.max)) {
    throw Error(
        "SAC: need sac.init_temperature > 0, 0 < sac.tau <= 1 and sac.log_std_min < "
        "sac.log_std_max");
  }
  const int critic_inputs = shape.obs_size + shape.action_dim;
  build_mlp(actor_, "actor", shape.obs_size, shape.hidden, shape.depth, 2 * shape.action_dim);
  build_mlp(q1_, "critic.q1", critic_inputs, shape.hidden, shape.depth, 1);
  build_mlp(q2_, "critic.q2", critic_inputs, shape.hidden, shape.depth, 1);
  build_mlp(q1_target_, "critic_target.q1", critic_inputs, shape.hidden, shape.depth, 1);
  build_mlp(q2_target_, "critic_target.q2", critic_inputs, shape.hidden, shape.depth, 1);
  nn::Rng rng(init_seed);
  initialize_mlp(q1_, rng);  // pytorch_sac builds the critic first, then the actor
  initialize_mlp(q2_, rng);
  initialize_mlp(actor_, rng);
  copy_parameters(q1_.parameters(), q1_target_.parameters());
  copy_parameters(q2_.parameters(), q2_target_.parameters());
  actor_optimizer_ = std::make_unique<nn::Adam>(actor_.parameters(), hyper.actor_adam);
  critic_optimizer_ = std::make_unique<nn::Adam>(critic_parameters(), hyper.critic_adam);
  alpha_optimizer_ = std::make_unique<nn::Adam>(alpha_parameters(), hyper.alpha_adam);
  actor_list_ = actor_parameters();
  critic_list_ = critic_parameters();
  alpha_list_ = alpha_parameters();
}

nn::ParameterList SacLearner::critic_parameters() {
  nn::ParameterList all = q1_.parameters();
  for (auto& p : q2_.parameters()) all.push_back(p);
  return all;
}

nn::ParameterList SacLearner::target_parameters() {
  nn::ParameterList all = q1_target_.parameters();
  for (auto& p : q2_target_.parameters()) all.push_back(p);
  return all;
}

nn::ParameterList SacLearner::alpha_parameters() {
  return {{"log_alpha", &log_alpha_, &log_alpha_grad_}};
}

float SacLearner::alpha() const {
  return std::exp(log_alpha_(0, 0));
}

void SacLearner::concatenate(const nn::ConstMatrixRef& observations,
                             const nn::ConstMatrixRef& actions, nn::Matrix& out) const {
  resize_if_needed(out, observations.rows(), shape_.obs_size + shape_.action_dim);
  out.leftCols(shape_.obs_size) = observations;
  out.rightCols(shape_.action_dim) = actions;
}

float SacLearner::critic_gradients(const SacBatch& batch) {
  const Eigen::Index b = batch.observations.rows();
  const float alpha = this->alpha();
  // Target: a' ~ π(·|s'), soft value of the smaller target critic.
  resize_if_needed(next_action_, b, shape_.action_dim);
  resize_if_needed(next_log_prob_, b, 1);
  squashed_gaussian_sample(actor_.forward(batch.next_observations), batch.next_noise,
                           hyper_.log_std, next_action_, next_log_prob_);
  concatenate(batch.next_observations, next_action_, target_input_);
  resize_if_needed(targets_, b, 1);
  targets_ = q1_target_.forward(target_input_);
  const auto q2_next = q2_target_.forward(target_input_);
  for (Eigen::Index i = 0; i < b; ++i) {
    const float soft_value = std::min(targets_(i, 0), q2_next(i, 0)) - alpha * next_log_prob_(i, 0);
    targets_(i, 0) = batch.rewards(i, 0) + batch.not_done(i, 0) * hyper_.gamma * soft_value;
  }
  // Both critics regress onto the same target (mean squared error each, summed).
  concatenate(batch.observations, batch.actions, critic_input_);
  resize_if_needed(grad_q_, b, 1);
  double loss = 0.0;
  for (nn::Sequential* critic : {&q1_, &q2_}) {
    const auto q = critic->forward(critic_input_);
    grad_q_ = (q - targets_) * (2.0f / static_cast<float>(b));
    loss += (q - targets_).cast<double>().squaredNorm() / static_cast<double>(b);
    critic->backward_parameters(critic_input_, grad_q_);
  }
  return static_cast<float>(loss);
}

float SacLearner::actor_gradients(const SacBatch& batch, double* mean_log_prob) {
  const Eigen::Index b = batch.observations.rows();
  const int dims = shape_.action_dim;
  const float alpha = this->alpha();
  const float inv_b = 1.0f / static_cast<float>(b);
  resize_if_needed(action_, b, dims);
  resize_if_needed(log_prob_, b, 1);
  const auto head = actor_.forward(batch.observations);
  squashed_gaussian_sample(head, batch.noise, hyper_.log_std, action_, log_prob_);
  concatenate(batch.observations, action_, actor_input_);
  const auto q1 = q1_.forward(actor_input_);
  const auto q2 = q2_.forward(actor_input_);
  // dL/dQ_k: -1/B for the smaller critic (split evenly on a tie, as torch.min does).
  resize_if_needed(grad_q1_, b, 1);
  resize_if_needed(grad_q2_, b, 1);
  double loss = 0.0;
  for (Eigen::Index i = 0; i < b; ++i) {
    const float q_min = std::min(q1(i, 0), q2(i, 0));
    loss += static_cast<double>(alpha * log_prob_(i, 0) - q_min);
    const float share = q1(i, 0) == q2(i, 0) ? 0.5f : 1.0f;
    grad_q1_(i, 0) = q1(i, 0) <= q2(i, 0) ? -share * inv_b : 0.0f;
    grad_q2_(i, 0) = q2(i, 0) <= q1(i, 0) ? -share * inv_b : 0.0f;
  }
  if (mean_log_prob != nullptr) {
    *mean_log_prob = log_prob_.cast<double>().mean();
  }
  // dL/dã through both critics (their parameter gradients are computed too, and unused: the
  // critic optimiser has already stepped and the next critic update overwrites them).
  resize_if_needed(grad_action_, b, dims);
  grad_action_ = q1_.backward(actor_input_, grad_q1_).rightCols(dims);
  grad_action_ += q2_.backward(actor_input_, grad_q2_).rightCols(dims);
  resize_if_needed(grad_log_prob_, b, 1);
  grad_log_prob_.setConstant(alpha * inv_b);
  resize_if_needed(grad_head_, b, 2 * dims);
  // The critics' forward passes reuse no actor buffers, so `head` is still the actor's output.
  squashed_gaussian_backward(head, batch.noise, action_, hyper_.log_std, grad_action_,
                             grad_log_prob_, grad_head_);
  actor_.backward_parameters(batch.observations, grad_head_);
  return static_cast<float>(loss / static_cast<double>(b));
}

float SacLearner::alpha_gradients(double mean_log_prob) {
  // L_α = α·mean(-log π - H̄) with the log-probabilities held fixed; dL/dlog α = L_α.
  const double target_entropy = -static_cast<double>(shape_.action_dim);
  const double loss = static_cast<double>(alpha()) * (-mean_log_prob - target_entropy);
  log_alpha_grad_(0, 0) = static_cast<float>(loss);
  return static_cast<float>(loss);
}

SacUpdateMetrics SacLearner::update(const SacBatch& batch) {
  SacUpdateMetrics metrics;
  // The divergence guard checks each loss and gradient norm before its optimiser steps.
  auto check = [](double loss, const char* network, const char* loss_name,
                  const nn::ParameterList& parameters) {
    check_finite_update(loss, network, loss_name, parameters);
    check_finite_update(nn::global_gradient_norm(parameters), network, "gradient norm", parameters);
  };
  metrics.critic_loss = critic_gradients(batch);
  metrics.q_mean = q1_.output().cast<double>().mean();
  check(metrics.critic_loss, "critic", "critic_loss", critic_list_);
  critic_optimizer_->step();
  double mean_log_prob = 0.0;
  metrics.actor_loss = actor_gradients(batch, &mean_log_prob);
  check(metrics.actor_loss, "actor", "actor_loss", actor_list_);
  actor_optimizer_->step();
  metrics.alpha_loss = alpha_gradients(mean_log_prob);
  check(metrics.alpha_loss, "temperature", "alpha_loss", alpha_list_);
  alpha_optimizer_->step();
  metrics.alpha = alpha();
  metrics.entropy = -mean_log_prob;
  return metrics;
}

void SacLearner::soft_update_targets() {
  const nn::ParameterList online = critic_parameters();
  const nn::ParameterList target = target_parameters();
  const float tau = hyper_.tau;
  for (size_t i = 0; i < online.size(); ++i) {
    target[i].value->array() =
        tau * online[i].value->array() + (1.0f - tau) * target[i].value->array();
  }
}

}  // namespace arq::sac
