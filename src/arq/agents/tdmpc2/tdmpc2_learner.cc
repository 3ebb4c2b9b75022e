#include "arq/agents/tdmpc2/tdmpc2_learner.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "arq/agents/sac/normal_noise.h"
#include "arq/core/error.h"

namespace arq::tdmpc2 {
namespace {

void resize_if_needed(nn::Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

nn::AdamOptions adam(float lr, float eps) {
  nn::AdamOptions o;
  o.learning_rate = lr;
  o.b1 = 0.9f;
  o.b2 = 0.999f;
  o.eps = eps;
  o.max_grad_norm = 0.0f;  // clipped by clip_gradients over the joint parameter list
  return o;
}

nn::ParameterList joined(nn::ParameterList a, const nn::ParameterList& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

void SequenceBatch::resize(int horizon, int batch, int obs_size, int action_dim) {
  batch_size = batch;
  resize_if_needed(observations, static_cast<Eigen::Index>(horizon + 1) * batch, obs_size);
  resize_if_needed(actions, static_cast<Eigen::Index>(horizon) * batch, action_dim);
  resize_if_needed(rewards, static_cast<Eigen::Index>(horizon) * batch, 1);
}

double clip_gradients(const nn::ParameterList& parameters, double max_norm) {
  const double norm = nn::global_gradient_norm(parameters);
  if (max_norm > 0.0) {
    const double coefficient = max_norm / (norm + 1e-6);
    if (coefficient < 1.0) {
      for (const auto& p : parameters) *p.grad *= static_cast<float>(coefficient);
    }
  }
  return norm;
}

std::pair<int, int> Learner::random_pair(int num_q, std::mt19937_64& rng) {
  const auto n = static_cast<uint64_t>(num_q);
  const int first = static_cast<int>(rng() % n);
  const int second = static_cast<int>((static_cast<uint64_t>(first) + 1 + rng() % (n - 1)) % n);
  return {first, second};
}

Learner::Learner(const ModelShape& shape, const LearnerHyper& hyper, uint64_t init_seed)
    : shape_(shape),
      hyper_(hyper),
      model_(shape, init_seed),
      bins_(shape.num_bins, hyper.vmin, hyper.vmax),
      scale_(hyper.tau),
      target_encoder_(model_.encoder()),
      target_pi_(model_.pi()) {
  for (int k = 0; k < shape.num_q; ++k) {
    target_qs_.push_back(std::make_unique<InferenceMlp>(model_.target_q(k)));
  }
  if (hyper.horizon < 1) {
    throw Error("config tdmpc2.horizon must be >= 1, got " + std::to_string(hyper.horizon));
  }
  if (!(hyper.lr > 0.0f) || !(hyper.enc_lr_scale > 0.0f)) {
    throw Error("config tdmpc2.lr and tdmpc2.enc_lr_scale must be > 0");
  }
  if (!(hyper.tau > 0.0f && hyper.tau <= 1.0f)) {
    throw Error("config tdmpc2.tau must be in (0, 1], got " + std::to_string(hyper.tau));
  }
  if (!(hyper.rho > 0.0f && hyper.rho <= 1.0f)) {
    throw Error("config tdmpc2.rho must be in (0, 1], got " + std::to_string(hyper.rho));
  }
  if (!(hyper.log_std.min < hyper.log_std.max)) {
    throw Error("config tdmpc2.log_std_min must be < tdmpc2.log_std_max");
  }
  encoder_optimizer_ = std::make_unique<nn::Adam>(model_.encoder_parameters(),
                                                  adam(hyper.lr * hyper.enc_lr_scale, 1e-8f));
  model_optimizer_ =
      std::make_unique<nn::Adam>(model_.dynamics_reward_q_parameters(), adam(hyper.lr, 1e-8f));
  pi_optimizer_ = std::make_unique<nn::Adam>(model_.pi_parameters(), adam(hyper.lr, 1e-5f));
  for (const auto& p : model_.dynamics().parameters()) {
    dynamics_grad_acc_.push_back(nn::Matrix::Zero(p.value->rows(), p.value->cols()));
  }
}

void Learner::concatenate(const nn::ConstMatrixRef& z, const nn::ConstMatrixRef& a,
                          nn::MatrixRef out) {
  out.leftCols(z.cols()) = z;
  out.rightCols(a.cols()) = a;
}

double Learner::model_gradients(const SequenceBatch& batch, std::mt19937_64& rng,
                                LearnerMetrics* metrics, bool freeze_targets) {
  const int h = hyper_.horizon;
  const Eigen::Index b = batch.batch_size;
  const Eigen::Index hb = h * b;
  const int latent = shape_.latent_dim;
  const int dims = shape_.action_dim;
  const int num_q = shape_.num_q;
  if (batch.observations.rows() != (h + 1) * b || batch.actions.rows() != hb) {
    throw Error("TD-MPC2 learner: the batch does not hold " + std::to_string(b) +
                " sequences of horizon " + std::to_string(h));
  }
  WorldModel& m = model_;

  // Targets, without gradients: latents of o_1..o_H and the TD targets from them.
  resize_if_needed(target_noise_, hb, dims);
  sac::fill_standard_normal(rng, target_noise_);
  const auto [qa, qb] = random_pair(num_q, rng);
  if (!freeze_targets || next_z_.rows() != hb) {
    resize_if_needed(next_z_, hb, latent);
    next_z_ = target_encoder_.forward(batch.observations.bottomRows(hb));
    resize_if_needed(target_action_, hb, dims);
    resize_if_needed(log_prob_a_, hb, 1);
    resize_if_needed(log_prob_b_, hb, 1);
    policy_sample(target_pi_.forward(next_z_), target_noise_, hyper_.log_std, target_action_,
                  log_prob_a_, log_prob_b_);
    resize_if_needed(target_input_, hb, latent + dims);
    concatenate(next_z_, target_action_, target_input_);
    resize_if_needed(td_targets_, hb, 1);
    resize_if_needed(q_values_, hb, 1);
    bins_.decode(target_qs_[static_cast<size_t>(qa)]->forward(target_input_), td_targets_);
    bins_.decode(target_qs_[static_cast<size_t>(qb)]->forward(target_input_), q_values_);
    td_targets_ =
        batch.rewards.array() + hyper_.discount * td_targets_.array().min(q_values_.array());
  }

  // The latent rollout z_0..z_H with gradients.
  m.set_q_dropout(&rng);
  resize_if_needed(zs_, (h + 1) * b, latent);
  resize_if_needed(latent_action_, hb, latent + dims);
  zs_.topRows(b) = m.encoder().forward(batch.observations.topRows(b));
  double consistency = 0.0;
  for (int t = 0; t < h; ++t) {
    auto input = latent_action_.middleRows(t * b, b);
    concatenate(zs_.middleRows(t * b, b), batch.actions.middleRows(t * b, b), input);
    zs_.middleRows((t + 1) * b, b) = m.dynamics().forward(input);
    const double mse = (zs_.middleRows((t + 1) * b, b) - next_z_.middleRows(t * b, b))
                           .cast<double>()
                           .squaredNorm() /
                       static_cast<double>(b * latent);
    consistency += std::pow(hyper_.rho, t) * mse;
  }
  consistency /= h;

  // Reward and value cross-entropies on z_0..z_{H-1}; their input gradients gather in grad_zs_.
  resize_if_needed(grad_zs_, (h + 1) * b, latent);
  grad_zs_.setZero();
  resize_if_needed(grad_logits_, hb, shape_.num_bins);
  auto add_input_gradient = [&](const nn::ConstMatrixRef& grad_input) {
    grad_zs_.topRows(hb) += grad_input.leftCols(latent);
  };
  double reward_loss = 0.0;
  const auto reward_logits = m.reward().forward(latent_action_);
  for (int t = 0; t < h; ++t) {
    const float weight = static_cast<float>(std::pow(hyper_.rho, t)) / static_cast<float>(h * b);
    reward_loss +=
        bins_.cross_entropy(reward_logits.middleRows(t * b, b), batch.rewards.middleRows(t * b, b),
                            weight, grad_logits_.middleRows(t * b, b));
  }
  grad_logits_ *= hyper_.reward_coef;
  add_input_gradient(m.reward().backward(latent_action_, grad_logits_));
  double value_loss = 0.0;
  for (int k = 0; k < num_q; ++k) {
    const auto logits = m.q(k).forward(latent_action_);
    for (int t = 0; t < h; ++t) {
      const float weight =
          static_cast<float>(std::pow(hyper_.rho, t)) / static_cast<float>(h * num_q * b);
      value_loss +=
          bins_.cross_entropy(logits.middleRows(t * b, b), td_targets_.middleRows(t * b, b), weight,
                              grad_logits_.middleRows(t * b, b));
    }
    grad_logits_ *= hyper_.value_coef;
    add_input_gradient(m.q(k).backward(latent_action_, grad_logits_));
  }
  m.set_q_dropout(nullptr);

  // Consistency gradient on z_1..z_H.
  for (int t = 0; t < h; ++t) {
    const float weight = hyper_.consistency_coef * static_cast<float>(std::pow(hyper_.rho, t)) /
                         static_cast<float>(h) * 2.0f / static_cast<float>(b * latent);
    grad_zs_.middleRows((t + 1) * b, b) +=
        weight * (zs_.middleRows((t + 1) * b, b) - next_z_.middleRows(t * b, b));
  }

  // Back through the dynamics, last step first. Its layers hold the activations of the last
  // forward only, so every earlier step is run forward again before its backward, and the
  // parameter gradients are summed over the steps here.
  const nn::ParameterList dynamics_parameters = m.dynamics().parameters();
  for (auto& acc : dynamics_grad_acc_) acc.setZero();
  for (int t = h - 1; t >= 0; --t) {
    const auto input = latent_action_.middleRows(t * b, b);
    if (t != h - 1) m.dynamics().forward(input);
    const auto grad_input = m.dynamics().backward(input, grad_zs_.middleRows((t + 1) * b, b));
    grad_zs_.middleRows(t * b, b) += grad_input.leftCols(latent);
    for (size_t p = 0; p < dynamics_parameters.size(); ++p) {
      dynamics_grad_acc_[p] += *dynamics_parameters[p].grad;
    }
  }
  for (size_t p = 0; p < dynamics_parameters.size(); ++p) {
    *dynamics_parameters[p].grad = dynamics_grad_acc_[p];
  }
  // The encoder's forward on o_0 was its last, so its activations are still those.
  m.encoder().backward_parameters(batch.observations.topRows(b), grad_zs_.topRows(b));

  const double total = hyper_.consistency_coef * consistency + hyper_.reward_coef * reward_loss +
                       hyper_.value_coef * value_loss;
  if (metrics != nullptr) {
    metrics->consistency_loss = consistency;
    metrics->reward_loss = reward_loss;
    metrics->value_loss = value_loss;
    metrics->total_loss = total;
    metrics->td_target = td_targets_.cast<double>().mean();
  }
  return total;
}

double Learner::pi_gradients(std::mt19937_64& rng, bool update_scale, LearnerMetrics* metrics) {
  const int h = hyper_.horizon;
  const Eigen::Index rows = zs_.rows();
  const Eigen::Index b = rows / (h + 1);
  const int latent = shape_.latent_dim;
  const int dims = shape_.action_dim;
  WorldModel& m = model_;

  resize_if_needed(pi_noise_, rows, dims);
  resize_if_needed(pi_action_, rows, dims);
  resize_if_needed(pi_gaussian_, rows, 1);
  resize_if_needed(pi_squashed_, rows, 1);
  sac::fill_standard_normal(rng, pi_noise_);
  const auto head = m.pi().forward(zs_);
  policy_sample(head, pi_noise_, hyper_.log_std, pi_action_, pi_gaussian_, pi_squashed_);
  resize_if_needed(pi_input_, rows, latent + dims);
  concatenate(zs_, pi_action_, pi_input_);
  const auto [qa, qb] = random_pair(shape_.num_q, rng);
  m.set_q_dropout(&rng);
  resize_if_needed(q_values_, rows, 1);
  resize_if_needed(q_values_2_, rows, 1);
  bins_.decode(m.q(qa).forward(pi_input_), q_values_);
  bins_.decode(m.q(qb).forward(pi_input_), q_values_2_);
  q_values_ = 0.5f * (q_values_ + q_values_2_);
  if (update_scale) {
    scale_.update(std::span<const float>(q_values_.data(), static_cast<size_t>(b)));
  }
  const float scale = scale_.value();

  // L = (1/(H+1)) Σ_t ρ^t (1/B) Σ_b [c_ent·A·gaussian - q/S].
  const float entropy_weight = hyper_.entropy_coef * static_cast<float>(dims);
  resize_if_needed(grad_q_, rows, 1);
  resize_if_needed(grad_gaussian_, rows, 1);
  resize_if_needed(grad_squashed_, rows, 1);
  grad_squashed_.setZero();
  double loss = 0.0;
  for (int t = 0; t <= h; ++t) {
    const float w = static_cast<float>(std::pow(hyper_.rho, t)) / static_cast<float>((h + 1) * b);
    for (Eigen::Index i = t * b; i < (t + 1) * b; ++i) {
      loss +=
          static_cast<double>(w) * (entropy_weight * pi_gaussian_(i, 0) - q_values_(i, 0) / scale);
      grad_q_(i, 0) = -0.5f * w / scale;  // each head carries half of the average
      grad_gaussian_(i, 0) = w * entropy_weight;
    }
  }
  resize_if_needed(grad_logits_, rows, shape_.num_bins);
  resize_if_needed(grad_action_, rows, dims);
  // Both heads: decode_backward needs each head's own logits, still held by its layers. Only the
  // gradient with respect to the action is needed (the Q-heads are not trained here).
  bins_.decode_backward(m.q(qa).output(), grad_q_, grad_logits_);
  grad_action_ = m.q(qa).backward_input(pi_input_, grad_logits_).rightCols(dims);
  bins_.decode_backward(m.q(qb).output(), grad_q_, grad_logits_);
  grad_action_ += m.q(qb).backward_input(pi_input_, grad_logits_).rightCols(dims);
  m.set_q_dropout(nullptr);
  resize_if_needed(grad_head_, rows, 2 * dims);
  policy_backward(head, pi_noise_, pi_action_, hyper_.log_std, grad_action_, grad_gaussian_,
                  grad_squashed_, grad_head_);
  m.pi().backward_parameters(zs_, grad_head_);
  if (metrics != nullptr) {
    metrics->pi_loss = loss;
    metrics->pi_entropy = -pi_squashed_.cast<double>().mean();
    metrics->pi_scale = scale;
  }
  return loss;
}

LearnerMetrics Learner::update(const SequenceBatch& batch, std::mt19937_64& rng) {
  LearnerMetrics metrics;
  model_gradients(batch, rng, &metrics);
  const nn::ParameterList model_parameters =
      joined(model_.encoder_parameters(), model_.dynamics_reward_q_parameters());
  metrics.grad_norm = clip_gradients(model_parameters, hyper_.grad_clip_norm);
  encoder_optimizer_->step();
  model_optimizer_->step();
  pi_gradients(rng, true, &metrics);
  metrics.pi_grad_norm = clip_gradients(model_.pi_parameters(), hyper_.grad_clip_norm);
  pi_optimizer_->step();
  return metrics;
}

}  // namespace arq::tdmpc2
