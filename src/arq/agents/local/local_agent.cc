#include "arq/agents/local/local_agent.h"

#include <cmath>

#include "arq/agents/agent_state.h"
#include "arq/agents/finite_check.h"
#include "arq/agents/local/worker_pool.h"
#include "arq/core/error.h"
#include "arq/core/seeding.h"
#include "arq/replay/replay_buffer.h"

namespace arq::local {

LocalAgentOptions local_agent_options_from_config(const Config& c, const EnvSpec& spec) {
  LocalAgentOptions o;
  const std::string& agent = c.get_string("run.agent");
  const CellKind kind = parse_cell_kind(agent);
  for (int64_t width : c.get_ints("local.widths")) {
    if (width <= 0) throw Error("config local.widths: every width must be > 0");
    o.stack.widths.push_back(static_cast<int>(width));
  }
  o.stack.observation_size = spec.obs_size();
  CellOptions& cell = o.stack.cell;
  cell.kind = kind;
  cell.actions = spec.num_actions;
  cell.heads = static_cast<int>(c.get_int("local.heads"));
  cell.goodness = parse_goodness(c.get_string("local.goodness"));
  cell.action_code = parse_action_code(c.get_string("local.action_code"));
  cell.action_conditioning = c.get_bool("local.action_conditioning");
  cell.norm_order = parse_norm_order(c.get_string("local.norm_order"));
  cell.precision =
      nn::parse_precision_or_throw(c.get_string("nn.precision"), "config nn.precision");
  o.stack.validate();

  const std::string& loss = c.get_string("agent.loss");
  if (loss != "mse" && loss != "huber") {
    throw Error("config agent.loss: expected mse or huber, got '" + loss + "'");
  }
  if (c.get_string("optim.kind") != "adam") {
    throw Error("config optim.kind: the local agents use adam (per layer), got '" +
                c.get_string("optim.kind") + "'");
  }
  o.learner.gamma = static_cast<float>(c.get_double("agent.gamma"));
  o.learner.double_q = c.get_bool("agent.double_q");
  o.learner.loss = loss == "mse" ? TdLoss::kMse : TdLoss::kHuber;
  o.learner.adam.learning_rate = static_cast<float>(c.get_double("optim.lr"));
  o.learner.adam.b1 = static_cast<float>(c.get_double("optim.adam_b1"));
  o.learner.adam.b2 = static_cast<float>(c.get_double("optim.adam_b2"));
  o.learner.adam.eps = static_cast<float>(c.get_double("optim.adam_eps"));
  o.learner.adam.max_grad_norm = static_cast<float>(c.get_double("optim.max_grad_norm"));
  const int64_t threads = c.get_int("local.threads");
  if (threads < 0 || threads > WorkerPool::kMaxThreads) {
    throw Error("config local.threads: expected 0 (one per available core) or 1.." +
                std::to_string(WorkerPool::kMaxThreads) + ", got " + std::to_string(threads));
  }
  o.learner.threads = WorkerPool::resolve_thread_count(static_cast<long>(threads));

  o.policy.q_layers = static_cast<int>(c.get_int("local.acting_layers"));
  o.policy.stale_context_on_random_steps = c.get_bool("local.stale_context_on_random");
  o.batch_size = static_cast<int>(c.get_int("replay.batch_size"));
  o.context_window = static_cast<int>(c.get_int("local.context_window"));
  if (o.context_window < 0) throw Error("config local.context_window must be >= 0");
  o.seed = derive_seed(static_cast<uint64_t>(c.get_int("run.seed")), "init");
  return o;
}

LocalAgent::LocalAgent(const LocalAgentOptions& options)
    : options_(options),
      name_(to_string(options.stack.cell.kind)),
      learner_(options.stack, options.learner, options.seed) {
  const size_t b = static_cast<size_t>(options.batch_size);
  const size_t s = static_cast<size_t>(options.stack.observation_size);
  indices_.resize(b);
  windows_.resize(b * static_cast<size_t>(options.context_window + 1) * s);
  next_observations_.resize(b * s);
  rewards_.resize(b);
  terminated_.resize(b);
  actions_.resize(b);
  for (const std::string& name : metric_names()) metric_slots_.push_back(&metrics_[name]);
}

std::unique_ptr<Policy> LocalAgent::make_policy() {
  return std::make_unique<LocalPolicy>(learner_.online(), options_.policy);
}

std::vector<std::string> LocalAgent::metric_names() const {
  std::vector<std::string> names;
  for (int l = 0; l < options_.stack.layers(); ++l) {
    const std::string layer = std::to_string(l);
    names.push_back("td_loss_layer" + layer);
    names.push_back("q_mean_layer" + layer);
    names.push_back("grad_norm_layer" + layer);
  }
  return names;
}

LocalBatch LocalAgent::sample_batch(const replay::ReplayBuffer& replay, std::mt19937_64& rng) {
  replay.sample_indices(rng, indices_);
  replay.windows(indices_, options_.context_window, windows_);
  replay.next_observations(indices_, next_observations_);
  for (size_t i = 0; i < indices_.size(); ++i) {
    actions_[i] = replay.action(indices_[i]);
    rewards_[i] = replay.reward(indices_[i]);
    terminated_[i] = replay.terminated(indices_[i]) ? 1.0f : 0.0f;
  }
  LocalBatch batch;
  batch.batch_size = options_.batch_size;
  batch.window = options_.context_window + 1;
  batch.observation_size = options_.stack.observation_size;
  batch.windows = windows_;
  batch.next_observations = next_observations_;
  batch.actions = actions_;
  batch.rewards = rewards_;
  batch.terminated = terminated_;
  return batch;
}

const Metrics& LocalAgent::update(const replay::ReplayBuffer& replay, std::mt19937_64& rng) {
  const LocalBatch batch = sample_batch(replay, rng);
  const auto& per_layer = learner_.update(batch);
  for (size_t l = 0; l < per_layer.size(); ++l) {
    // The divergence guard on values the learner computed anyway (the layer's loss and gradient
    // norm). The learner steps inside update(), so the online weights may already hold the
    // value; training stops here and no checkpoint is written from them.
    if (!std::isfinite(per_layer[l].td_loss) || !std::isfinite(per_layer[l].gradient_norm)) {
      const std::string layer = std::to_string(l);
      const nn::ParameterList parameters = learner_.online().parameters();
      check_finite_update(per_layer[l].td_loss, "layer " + layer, "td_loss", parameters);
      check_finite_update(per_layer[l].gradient_norm, "layer " + layer, "gradient norm",
                          parameters);
    }
    *metric_slots_[3 * l] = per_layer[l].td_loss;
    *metric_slots_[3 * l + 1] = per_layer[l].q_mean;
    *metric_slots_[3 * l + 2] = per_layer[l].gradient_norm;
  }
  return metrics_;
}

AgentState LocalAgent::save_state() const {
  AgentState state;
  auto& learner = const_cast<LocalLearner&>(learner_);  // parameters() hands out pointers
  save_parameters(learner.online().parameters(), state);
  save_parameters(learner.target().parameters(), state);
  for (int l = 0; l < options_.stack.layers(); ++l) {
    save_optimizer(learner.optimizer(l), "optim.layer" + std::to_string(l) + ".", state);
  }
  return state;
}

void LocalAgent::load_state(const AgentState& state) {
  load_parameters(state, learner_.online().parameters());
  load_parameters(state, learner_.target().parameters());
  for (int l = 0; l < options_.stack.layers(); ++l) {
    load_optimizer(state, "optim.layer" + std::to_string(l) + ".", learner_.optimizer(l));
  }
}

}  // namespace arq::local
