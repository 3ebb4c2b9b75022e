#include "arq/agents/sac/sac_agent.h"

#include <algorithm>

#include "arq/agents/agent_state.h"
#include "arq/agents/sac/normal_noise.h"
#include "arq/core/error.h"
#include "arq/core/seeding.h"

namespace arq::sac {
namespace {

class SacPolicy final : public Policy {
 public:
  explicit SacPolicy(SacLearner& learner)
      : learner_(learner),
        observation_(1, learner.shape().obs_size),
        noise_(1, learner.shape().action_dim),
        action_(1, learner.shape().action_dim),
        log_prob_(1, 1) {}

  void begin_episode() override {}
  int act_greedy(std::span<const float> /*observation*/) override {
    throw Error("SAC acts with continuous actions; it has no greedy discrete action");
  }
  void act_continuous(std::span<const float> observation, bool sample, std::mt19937_64& rng,
                      std::span<float> action) override {
    if (static_cast<Eigen::Index>(observation.size()) != observation_.cols() ||
        static_cast<Eigen::Index>(action.size()) != action_.cols()) {
      throw Error("SAC policy: got an observation of " + std::to_string(observation.size()) +
                  " values and room for " + std::to_string(action.size()) + " actions, expected " +
                  std::to_string(observation_.cols()) + " and " + std::to_string(action_.cols()));
    }
    std::copy(observation.begin(), observation.end(), observation_.data());
    const auto head = learner_.actor_head(observation_);
    if (sample) {
      fill_standard_normal(rng, noise_);
      squashed_gaussian_sample(head, noise_, learner_.hyper().log_std, action_, log_prob_);
    } else {
      squashed_gaussian_mode(head, action_);
    }
    for (size_t j = 0; j < action.size(); ++j) {
      action[j] = std::clamp(action_(0, static_cast<Eigen::Index>(j)), -1.0f, 1.0f);
    }
  }

 private:
  SacLearner& learner_;
  nn::Matrix observation_, noise_, action_, log_prob_;
};

nn::AdamOptions adam_from_config(const Config& c, const char* lr_key) {
  nn::AdamOptions adam;
  adam.learning_rate = static_cast<float>(c.get_double(lr_key));
  adam.b1 = static_cast<float>(c.get_double("optim.adam_b1"));
  adam.b2 = static_cast<float>(c.get_double("optim.adam_b2"));
  adam.eps = static_cast<float>(c.get_double("optim.adam_eps"));
  return adam;
}

}  // namespace

SacOptions sac_options_from_config(const Config& c, const EnvSpec& spec) {
  if (spec.discrete() || spec.action_dim <= 0) {
    throw Error("run.agent 'sac' needs continuous actions, but run.env '" + spec.id +
                "' has discrete actions (use the plain dmc/<task> id, without :bangbang)");
  }
  SacOptions o;
  o.shape.obs_size = spec.obs_size();
  o.shape.action_dim = spec.action_dim;
  o.shape.hidden = static_cast<int>(c.get_int("sac.hidden"));
  o.shape.depth = static_cast<int>(c.get_int("sac.depth"));
  o.hyper.gamma = static_cast<float>(c.get_double("agent.gamma"));
  o.hyper.tau = static_cast<float>(c.get_double("sac.tau"));
  o.hyper.init_temperature = static_cast<float>(c.get_double("sac.init_temperature"));
  o.hyper.log_std.min = static_cast<float>(c.get_double("sac.log_std_min"));
  o.hyper.log_std.max = static_cast<float>(c.get_double("sac.log_std_max"));
  o.hyper.actor_adam = adam_from_config(c, "sac.actor_lr");
  o.hyper.critic_adam = adam_from_config(c, "sac.critic_lr");
  o.hyper.alpha_adam = adam_from_config(c, "sac.alpha_lr");
  o.batch_size = static_cast<int>(c.get_int("replay.batch_size"));
  o.seed = derive_seed(static_cast<uint64_t>(c.get_int("run.seed")), "init");
  return o;
}

SacAgent::SacAgent(const SacOptions& options)
    : options_(options), learner_(options.shape, options.hyper, options.seed) {
  if (options.batch_size <= 0) {
    throw Error("replay.batch_size must be > 0, got " + std::to_string(options.batch_size));
  }
  indices_.resize(static_cast<size_t>(options.batch_size));
  batch_.resize(options.batch_size, options.shape.obs_size, options.shape.action_dim);
}

std::unique_ptr<Policy> SacAgent::make_policy() {
  return std::make_unique<SacPolicy>(learner_);
}

const Metrics& SacAgent::update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) {
  auto span_of = [](nn::Matrix& m) {
    return std::span<float>(m.data(), static_cast<size_t>(m.size()));
  };
  replay.sample_indices(rng, indices_);
  replay.observations(indices_, span_of(batch_.observations));
  replay.continuous_actions(indices_, span_of(batch_.actions));
  replay.next_observations(indices_, span_of(batch_.next_observations));
  for (size_t i = 0; i < indices_.size(); ++i) {
    const auto row = static_cast<Eigen::Index>(i);
    batch_.rewards(row, 0) = replay.reward(indices_[i]);
    batch_.not_done(row, 0) = replay.terminated(indices_[i]) ? 0.0f : 1.0f;
  }
  fill_standard_normal(rng, batch_.next_noise);
  fill_standard_normal(rng, batch_.noise);
  const SacUpdateMetrics m = learner_.update(batch_);
  metrics_["critic_loss"] = m.critic_loss;
  metrics_["actor_loss"] = m.actor_loss;
  metrics_["alpha_loss"] = m.alpha_loss;
  metrics_["alpha"] = m.alpha;
  metrics_["entropy"] = m.entropy;
  metrics_["q_mean"] = m.q_mean;
  return metrics_;
}

AgentState SacAgent::save_state() const {
  AgentState state;
  auto& learner = const_cast<SacLearner&>(learner_);  // parameters() hands out pointers; we read
  save_parameters(learner.actor_parameters(), state);
  save_parameters(learner.critic_parameters(), state);
  save_parameters(learner.target_parameters(), state);
  save_parameters(learner.alpha_parameters(), state);
  save_optimizer(learner.actor_optimizer(), "actor_optim.", state);
  save_optimizer(learner.critic_optimizer(), "critic_optim.", state);
  save_optimizer(learner.alpha_optimizer(), "alpha_optim.", state);
  return state;
}

void SacAgent::load_state(const AgentState& state) {
  load_parameters(state, learner_.actor_parameters());
  load_parameters(state, learner_.critic_parameters());
  load_parameters(state, learner_.target_parameters());
  load_parameters(state, learner_.alpha_parameters());
  load_optimizer(state, "actor_optim.", learner_.actor_optimizer());
  load_optimizer(state, "critic_optim.", learner_.critic_optimizer());
  load_optimizer(state, "alpha_optim.", learner_.alpha_optimizer());
}

}  // namespace arq::sac
