#include "arq/agents/tdmpc2/tdmpc2_agent.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "arq/agents/agent_state.h"
#include "arq/agents/sac/normal_noise.h"
#include "arq/agents/tdmpc2/inference_mlp.h"
#include "arq/core/error.h"
#include "arq/core/seeding.h"

namespace arq::tdmpc2 {
namespace {

// Acting: plans (or samples the prior) from the shared learner's networks. Its own buffers hold
// the planning batch, so acting never disturbs an update's scratch space.
class Tdmpc2Policy final : public Policy {
 public:
  Tdmpc2Policy(Learner& learner, const MppiSettings& settings, bool mpc)
      : learner_(learner),
        mppi_(settings, learner.model().shape().action_dim),
        mpc_(mpc),
        encoder_(learner.model().encoder()),
        dynamics_(learner.model().dynamics()),
        reward_(learner.model().reward()),
        pi_(learner.model().pi()) {
    const ModelShape& s = learner.model().shape();
    for (int k = 0; k < s.num_q; ++k) {
      qs_.push_back(std::make_unique<InferenceMlp>(learner.model().q(k)));
    }
    const int n = settings.num_samples;
    const int p = settings.num_pi_trajs;
    observation_.resize(1, s.obs_size);
    z_.resize(1, s.latent_dim);
    prior_noise_.resize(1, s.action_dim);
    prior_action_.resize(1, s.action_dim);
    log_prob_.resize(std::max(n, 1), 1);
    log_prob_2_.resize(std::max(n, 1), 1);
    pi_z_.resize(p, s.latent_dim);
    pi_input_.resize(p, s.latent_dim + s.action_dim);
    pi_noise_.resize(p, s.action_dim);
    pi_action_.resize(p, s.action_dim);
    samples_z_.resize(n, s.latent_dim);
    samples_input_.resize(n, s.latent_dim + s.action_dim);
    samples_noise_.resize(n, s.action_dim);
    samples_action_.resize(n, s.action_dim);
    returns_.resize(n, 1);
    step_values_.resize(n, 1);
    step_values_2_.resize(n, 1);
  }

  void begin_episode() override { first_step_ = true; }
  int act_greedy(std::span<const float> /*observation*/) override {
    throw Error("TD-MPC2 acts with continuous actions; it has no greedy discrete action");
  }

  void act_continuous(std::span<const float> observation, bool sample, std::mt19937_64& rng,
                      std::span<float> action) override {
    WorldModel& m = learner_.model();
    if (static_cast<Eigen::Index>(observation.size()) != observation_.cols() ||
        static_cast<int>(action.size()) != m.shape().action_dim) {
      throw Error("TD-MPC2 policy: got an observation of " + std::to_string(observation.size()) +
                  " values and room for " + std::to_string(action.size()) + " actions, expected " +
                  std::to_string(observation_.cols()) + " and " +
                  std::to_string(m.shape().action_dim));
    }
    std::copy(observation.begin(), observation.end(), observation_.data());
    z_ = encoder_.forward(observation_);
    if (!mpc_) {
      const auto head = pi_.forward(z_);
      if (sample) {
        sac::fill_standard_normal(rng, prior_noise_);
        policy_sample(head, prior_noise_, learner_.hyper().log_std, prior_action_,
                      log_prob_.topRows(1), log_prob_2_.topRows(1));
      } else {
        policy_mode(head, prior_action_);
      }
      for (size_t j = 0; j < action.size(); ++j) {
        action[j] = std::clamp(prior_action_(0, static_cast<Eigen::Index>(j)), -1.0f, 1.0f);
      }
      return;
    }
    roll_out_policy(rng);
    pi_rows_ready_ = false;
    mppi_.plan(
        first_step_, !sample,
        [&](const nn::Matrix& actions, nn::MatrixRef values) { evaluate(actions, values, rng); },
        rng, action);
    first_step_ = false;
  }

 private:
  // The policy prior's trajectories from z, written into the planner's first rows.
  void roll_out_policy(std::mt19937_64& rng) {
    WorldModel& m = learner_.model();
    const MppiSettings& s = mppi_.settings();
    const int p = s.num_pi_trajs;
    if (p == 0) return;
    const int latent = m.shape().latent_dim;
    nn::Matrix& actions = mppi_.actions();
    pi_z_.rowwise() = z_.row(0);
    for (int t = 0; t < s.horizon; ++t) {
      sac::fill_standard_normal(rng, pi_noise_);
      policy_sample(pi_.forward(pi_z_), pi_noise_, learner_.hyper().log_std, pi_action_,
                    log_prob_.topRows(p), log_prob_2_.topRows(p));
      actions.middleRows(static_cast<Eigen::Index>(t) * s.num_samples, p) = pi_action_;
      if (t + 1 < s.horizon) {
        pi_input_.leftCols(latent) = pi_z_;
        pi_input_.rightCols(pi_action_.cols()) = pi_action_;
        pi_z_ = dynamics_.forward(pi_input_);
      }
    }
  }

  // Discounted predicted rewards over the horizon plus the discounted value of the last latent
  // (mean of two random Q-heads at an action of the prior): one batched forward per network.
  // The policy trajectories (the first P rows of each step) are the same in every iteration of a
  // decision, so their returns and last latents are computed in its first iteration and kept in
  // the first P rows of returns_ and samples_z_; the first step's shared latent z enters the
  // first layers once instead of once per row.
  void evaluate(const nn::Matrix& actions, nn::MatrixRef values, std::mt19937_64& rng) {
    WorldModel& m = learner_.model();
    const MppiSettings& s = mppi_.settings();
    const int n = s.num_samples;
    const int first = pi_rows_ready_ ? s.num_pi_trajs : 0;
    const Eigen::Index rows = n - first;
    const int latent = m.shape().latent_dim;
    const float gamma = learner_.hyper().discount;
    returns_.bottomRows(rows).setZero();
    float discount = 1.0f;
    for (int t = 0; t < s.horizon; ++t) {
      const auto step_actions = actions.middleRows(static_cast<Eigen::Index>(t) * n + first, rows);
      auto step_values = step_values_.bottomRows(rows);
      auto z = samples_z_.bottomRows(rows);
      if (t == 0) {
        learner_.bins().decode(reward_.forward_shared_prefix(z_, step_actions), step_values);
        z = dynamics_.forward_shared_prefix(z_, step_actions);
      } else {
        auto input = samples_input_.bottomRows(rows);
        input.leftCols(latent) = z;
        input.rightCols(step_actions.cols()) = step_actions;
        learner_.bins().decode(reward_.forward(input), step_values);
        z = dynamics_.forward(input);
      }
      returns_.bottomRows(rows) += discount * step_values;
      discount *= gamma;
    }
    pi_rows_ready_ = true;
    sac::fill_standard_normal(rng, samples_noise_);
    policy_sample(pi_.forward(samples_z_), samples_noise_, learner_.hyper().log_std,
                  samples_action_, log_prob_, log_prob_2_);
    samples_input_.leftCols(latent) = samples_z_;
    samples_input_.rightCols(samples_action_.cols()) = samples_action_;
    const auto [qa, qb] = Learner::random_pair(m.shape().num_q, rng);
    learner_.bins().decode(qs_[static_cast<size_t>(qa)]->forward(samples_input_), step_values_);
    learner_.bins().decode(qs_[static_cast<size_t>(qb)]->forward(samples_input_), step_values_2_);
    values = returns_ + (0.5f * discount) * (step_values_ + step_values_2_);
  }

  Learner& learner_;
  Mppi mppi_;
  bool mpc_;
  bool first_step_ = true;
  bool pi_rows_ready_ = false;  // evaluate() holds this decision's policy trajectories' results
  // Gradient-free fused passes over the learner's networks (they read its current weights).
  InferenceMlp encoder_, dynamics_, reward_, pi_;
  std::vector<std::unique_ptr<InferenceMlp>> qs_;
  nn::Matrix observation_, z_, prior_noise_, prior_action_, log_prob_, log_prob_2_;
  nn::Matrix pi_z_, pi_input_, pi_noise_, pi_action_;
  nn::Matrix samples_z_, samples_input_, samples_noise_, samples_action_, returns_, step_values_,
      step_values_2_;
};

// The episode length in agent steps for the discount heuristic: tdmpc2.episode_length, or for
// DMC ids 1000 control steps divided by the id's action repeat.
double episode_length_for(const Config& c, const EnvSpec& spec) {
  const int64_t configured = c.get_int("tdmpc2.episode_length");
  if (configured > 0) return static_cast<double>(configured);
  if (configured < 0) {
    throw Error("config tdmpc2.episode_length must be >= 0 (0: derived from run.env), got " +
                std::to_string(configured));
  }
  if (spec.id.rfind("dmc/", 0) != 0) {
    throw Error("config tdmpc2.episode_length: cannot derive the episode length of run.env '" +
                spec.id + "' (only dmc/ ids); set it explicitly");
  }
  int repeat = 1;
  const auto at = spec.id.find(":repeat");
  if (at != std::string::npos) repeat = std::max(1, std::atoi(spec.id.c_str() + at + 7));
  return 1000.0 / repeat;
}

}  // namespace

double discount_for_episode_length(double episode_length, double denom, double min, double max) {
  const double fraction = episode_length / denom;
  return std::min(std::max((fraction - 1.0) / fraction, min), max);
}

Tdmpc2Options tdmpc2_options_from_config(const Config& c, const EnvSpec& spec) {
  if (spec.discrete() || spec.action_dim <= 0) {
    throw Error("run.agent 'tdmpc2' needs continuous actions, but run.env '" + spec.id +
                "' has discrete actions (use the plain dmc/<task> id, without :bangbang)");
  }
  auto get_float = [&](const char* key) { return static_cast<float>(c.get_double(key)); };
  auto get_int = [&](const char* key) { return static_cast<int>(c.get_int(key)); };
  Tdmpc2Options o;
  o.shape = model_shape_for_size(get_int("tdmpc2.model_size"));
  // Explicit sizes replace the model size's (0 keeps it), as the official config allows.
  for (auto [key, field] :
       {std::pair{"tdmpc2.latent_dim", &o.shape.latent_dim},
        std::pair{"tdmpc2.mlp_dim", &o.shape.mlp_dim},
        std::pair{"tdmpc2.enc_dim", &o.shape.enc_dim}, std::pair{"tdmpc2.num_q", &o.shape.num_q}}) {
    const int value = get_int(key);
    if (value < 0) {
      throw Error("config " + std::string(key) + " must be >= 0 (0: from tdmpc2.model_size), got " +
                  std::to_string(value));
    }
    if (value > 0) *field = value;
  }
  o.shape.obs_size = spec.obs_size();
  o.shape.action_dim = spec.action_dim;
  o.shape.num_bins = get_int("tdmpc2.num_bins");
  o.shape.simnorm_dim = get_int("tdmpc2.simnorm_dim");
  o.shape.dropout = get_float("tdmpc2.dropout");
  LearnerHyper& h = o.hyper;
  h.horizon = get_int("tdmpc2.horizon");
  h.rho = get_float("tdmpc2.rho");
  h.consistency_coef = get_float("tdmpc2.consistency_coef");
  h.reward_coef = get_float("tdmpc2.reward_coef");
  h.value_coef = get_float("tdmpc2.value_coef");
  h.entropy_coef = get_float("tdmpc2.entropy_coef");
  h.lr = get_float("tdmpc2.lr");
  h.enc_lr_scale = get_float("tdmpc2.enc_lr_scale");
  h.grad_clip_norm = get_float("tdmpc2.grad_clip_norm");
  h.tau = get_float("tdmpc2.tau");
  h.vmin = get_float("tdmpc2.vmin");
  h.vmax = get_float("tdmpc2.vmax");
  h.log_std = {get_float("tdmpc2.log_std_min"), get_float("tdmpc2.log_std_max")};
  const double denom = c.get_double("tdmpc2.discount_denom");
  if (!(denom > 0.0)) {
    throw Error("config tdmpc2.discount_denom must be > 0, got " + std::to_string(denom));
  }
  h.discount = static_cast<float>(discount_for_episode_length(episode_length_for(c, spec), denom,
                                                              c.get_double("tdmpc2.discount_min"),
                                                              c.get_double("tdmpc2.discount_max")));
  MppiSettings& m = o.mppi;
  m.horizon = h.horizon;
  m.iterations = get_int("tdmpc2.iterations");
  m.num_samples = get_int("tdmpc2.num_samples");
  m.num_elites = get_int("tdmpc2.num_elites");
  m.num_pi_trajs = get_int("tdmpc2.num_pi_trajs");
  m.temperature = get_float("tdmpc2.temperature");
  m.min_std = get_float("tdmpc2.min_std");
  m.max_std = get_float("tdmpc2.max_std");
  check_mppi_settings(m);
  o.mpc = c.get_bool("tdmpc2.mpc");
  o.batch_size = get_int("replay.batch_size");
  o.seed = derive_seed(static_cast<uint64_t>(c.get_int("run.seed")), "init");
  return o;
}

Tdmpc2Agent::Tdmpc2Agent(const Tdmpc2Options& options)
    : options_(options),
      learner_(options.shape, options.hyper, options.seed),
      sampler_(options.hyper.horizon, options.batch_size) {
  check_mppi_settings(options.mppi);
}

std::unique_ptr<Policy> Tdmpc2Agent::make_policy() {
  return std::make_unique<Tdmpc2Policy>(learner_, options_.mppi, options_.mpc);
}

std::vector<std::string> Tdmpc2Agent::metric_names() const {
  return {"consistency_loss", "reward_loss", "value_loss", "total_loss",   "grad_norm",
          "pi_loss",          "pi_entropy",  "pi_scale",   "pi_grad_norm", "td_target"};
}

const Metrics& Tdmpc2Agent::update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) {
  sampler_.sample(replay, rng, batch_);
  const LearnerMetrics m = learner_.update(batch_, rng);
  metrics_ = {{"consistency_loss", m.consistency_loss},
              {"reward_loss", m.reward_loss},
              {"value_loss", m.value_loss},
              {"total_loss", m.total_loss},
              {"grad_norm", m.grad_norm},
              {"pi_loss", m.pi_loss},
              {"pi_entropy", m.pi_entropy},
              {"pi_scale", m.pi_scale},
              {"pi_grad_norm", m.pi_grad_norm},
              {"td_target", m.td_target}};
  return metrics_;
}

AgentState Tdmpc2Agent::save_state() const {
  AgentState state;
  auto& learner = const_cast<Learner&>(learner_);  // parameters() hands out pointers; we read
  WorldModel& m = learner.model();
  save_parameters(m.encoder_parameters(), state);
  save_parameters(m.dynamics_reward_q_parameters(), state);
  save_parameters(m.pi_parameters(), state);
  save_parameters(m.target_parameters(), state);
  save_optimizer(learner.encoder_optimizer(), "encoder_optim.", state);
  save_optimizer(learner.model_optimizer(), "model_optim.", state);
  save_optimizer(learner.pi_optimizer(), "pi_optim.", state);
  state.tensors.push_back({"value_scale", nn::Matrix::Constant(1, 1, learner.scale().value())});
  return state;
}

void Tdmpc2Agent::load_state(const AgentState& state) {
  WorldModel& m = learner_.model();
  load_parameters(state, m.encoder_parameters());
  load_parameters(state, m.dynamics_reward_q_parameters());
  load_parameters(state, m.pi_parameters());
  load_parameters(state, m.target_parameters());
  load_optimizer(state, "encoder_optim.", learner_.encoder_optimizer());
  load_optimizer(state, "model_optim.", learner_.model_optimizer());
  load_optimizer(state, "pi_optim.", learner_.pi_optimizer());
  nn::Matrix scale = nn::Matrix::Zero(1, 1);
  nn::Matrix unused = nn::Matrix::Zero(1, 1);
  load_parameters(state, {{"value_scale", &scale, &unused}});
  learner_.scale().set_value(scale(0, 0));
}

}  // namespace arq::tdmpc2
