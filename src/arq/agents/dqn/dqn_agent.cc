#include "arq/agents/dqn/dqn_agent.h"

#include <algorithm>

#include "arq/agents/agent_state.h"
#include "arq/agents/finite_check.h"
#include "arq/agents/greedy_actions.h"
#include "arq/core/error.h"
#include "arq/core/seeding.h"
#include "arq/nn/adam.h"
#include "arq/nn/loss.h"
#include "arq/nn/rmsprop.h"

namespace arq::dqn {
namespace {

class GreedyPolicy final : public Policy {
 public:
  GreedyPolicy(DqnAgent& agent, int obs_size) : agent_(agent), row_(1, obs_size) {}
  void begin_episode() override {}
  int act_greedy(std::span<const float> observation) override {
    std::copy(observation.begin(), observation.end(), row_.data());
    int best = 0;
    greedy_actions(agent_.q_values(row_), {&best, 1});
    return best;
  }

 private:
  DqnAgent& agent_;
  nn::Matrix row_;
};

}  // namespace

DqnOptions dqn_options_from_config(const Config& c, const EnvSpec& spec) {
  DqnOptions o;
  o.network.obs_shape = spec.obs_shape;
  o.network.num_actions = spec.num_actions;
  o.network.conv_channels = static_cast<int>(c.get_int("dqn.conv_channels"));
  o.network.hidden = static_cast<int>(c.get_int("dqn.hidden"));
  o.batch_size = static_cast<int>(c.get_int("replay.batch_size"));
  o.gamma = static_cast<float>(c.get_double("agent.gamma"));
  o.double_q = c.get_bool("agent.double_q");
  const std::string& loss = c.get_string("agent.loss");
  if (loss != "huber" && loss != "mse") {
    throw Error("config agent.loss: expected huber or mse, got '" + loss + "'");
  }
  o.huber = loss == "huber";
  o.optimizer = c.get_string("optim.kind");
  if (o.optimizer != "rmsprop" && o.optimizer != "adam") {
    throw Error("config optim.kind: expected rmsprop or adam, got '" + o.optimizer + "'");
  }
  o.learning_rate = static_cast<float>(c.get_double("optim.lr"));
  o.max_grad_norm = static_cast<float>(c.get_double("optim.max_grad_norm"));
  o.adam_b1 = static_cast<float>(c.get_double("optim.adam_b1"));
  o.adam_b2 = static_cast<float>(c.get_double("optim.adam_b2"));
  o.adam_eps = static_cast<float>(c.get_double("optim.adam_eps"));
  o.rmsprop_alpha = static_cast<float>(c.get_double("optim.rmsprop_alpha"));
  o.rmsprop_eps = static_cast<float>(c.get_double("optim.rmsprop_eps"));
  o.seed = derive_seed(static_cast<uint64_t>(c.get_int("run.seed")), "init");
  return o;
}

DqnAgent::DqnAgent(const DqnOptions& options)
    : options_(options), online_(options.network, "q"), target_(options.network, "q_target") {
  nn::Rng rng(options.seed);
  online_.initialize(rng);
  target_.copy_from(online_);
  if (options.optimizer == "adam") {
    nn::AdamOptions adam;
    adam.learning_rate = options.learning_rate;
    adam.b1 = options.adam_b1;
    adam.b2 = options.adam_b2;
    adam.eps = options.adam_eps;
    adam.max_grad_norm = options.max_grad_norm;
    optimizer_ = std::make_unique<nn::Adam>(online_.parameters(), adam);
  } else {
    if (options.max_grad_norm > 0) {
      throw Error("optim.max_grad_norm is only supported with optim.kind = \"adam\"");
    }
    nn::RmspropOptions rmsprop;
    rmsprop.learning_rate = options.learning_rate;
    rmsprop.alpha = options.rmsprop_alpha;
    rmsprop.eps = options.rmsprop_eps;
    optimizer_ = std::make_unique<nn::CenteredRmsprop>(online_.parameters(), rmsprop);
  }
  online_parameters_ = online_.parameters();
  const int b = options.batch_size;
  int obs_size = 1;
  for (int d : options.network.obs_shape) obs_size *= d;
  indices_.resize(b);
  observations_.resize(b, obs_size);
  next_observations_.resize(b, obs_size);
  targets_.resize(b, 1);
  predictions_.resize(b, 1);
  grad_predictions_.resize(b, 1);
  grad_q_.resize(b, options.network.num_actions);
  next_actions_.resize(b);
}

std::unique_ptr<Policy> DqnAgent::make_policy() {
  int size = 1;
  for (int d : options_.network.obs_shape) size *= d;
  return std::make_unique<GreedyPolicy>(*this, size);
}

const Metrics& DqnAgent::update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) {
  const int b = options_.batch_size;
  replay.sample_indices(rng, indices_);
  replay.observations(indices_, {observations_.data(), static_cast<size_t>(observations_.size())});
  replay.next_observations(
      indices_, {next_observations_.data(), static_cast<size_t>(next_observations_.size())});

  // Target: r + gamma (1 - terminated) Q_target(s', a*), a* by the target (DQN) or online
  // network (double DQN).
  {
    const auto next_q_target = target_.forward(next_observations_);
    if (options_.double_q) {
      const nn::Matrix target_values = next_q_target;  // the online pass reuses no buffers of it
      greedy_actions(online_.forward(next_observations_), next_actions_);
      for (int i = 0; i < b; ++i) targets_(i, 0) = target_values(i, next_actions_[i]);
    } else {
      for (int i = 0; i < b; ++i) targets_(i, 0) = next_q_target.row(i).maxCoeff();
    }
  }
  for (int i = 0; i < b; ++i) {
    const float not_done = replay.terminated(indices_[i]) ? 0.0f : 1.0f;
    targets_(i, 0) = replay.reward(indices_[i]) + options_.gamma * not_done * targets_(i, 0);
  }

  // Prediction for the taken actions, loss, and the gradient through the network.
  const auto q = online_.forward(observations_);
  for (int i = 0; i < b; ++i) predictions_(i, 0) = q(i, replay.action(indices_[i]));
  const double q_mean = q.mean();
  const float loss = options_.huber ? nn::huber_loss(predictions_, targets_, grad_predictions_)
                                    : nn::mse_loss(predictions_, targets_, grad_predictions_);
  grad_q_.setZero();
  for (int i = 0; i < b; ++i) grad_q_(i, replay.action(indices_[i])) = grad_predictions_(i, 0);
  online_.backward(observations_, grad_q_);
  // The divergence guard, before the step can write a non-finite value into the weights.
  check_finite_update(q_mean, "q network", "q_mean", online_parameters_);
  check_finite_update(loss, "q network", "td_loss", online_parameters_);
  check_finite_update(nn::global_gradient_norm(online_parameters_), "q network", "gradient norm",
                      online_parameters_);
  optimizer_->step();
  metrics_["td_loss"] = loss;
  metrics_["q_mean"] = q_mean;
  return metrics_;
}

AgentState DqnAgent::save_state() const {
  AgentState state;
  auto& self = const_cast<DqnAgent&>(*this);  // parameters() hands out pointers; we only read
  save_parameters(self.online_.parameters(), state);
  save_parameters(self.target_.parameters(), state);
  save_optimizer(*optimizer_, "optim.", state);
  return state;
}

void DqnAgent::load_state(const AgentState& state) {
  load_parameters(state, online_.parameters());
  load_parameters(state, target_.parameters());
  load_optimizer(state, "optim.", *optimizer_);
}

}  // namespace arq::dqn
