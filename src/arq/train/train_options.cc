#include "arq/train/train_options.h"

#include <algorithm>

namespace arq {

double EpsilonSchedule::at(int64_t step) const {
  if (decay_steps <= 0) return end;
  const int64_t since = std::max<int64_t>(step - learning_starts, 0);
  const double progress =
      std::min(1.0, static_cast<double>(since) / static_cast<double>(decay_steps));
  return start + (end - start) * progress;
}

TrainOptions TrainOptions::from_config(const Config& c) {
  TrainOptions o;
  o.agent = c.get_string("run.agent");
  o.env_id = c.get_string("run.env");
  o.seed = static_cast<uint64_t>(c.get_int("run.seed"));
  o.total_steps = c.get_int("run.total_steps");
  o.learning_starts = c.get_int("run.learning_starts");
  o.train_frequency = c.get_int("run.train_frequency");
  o.target_update_frequency = c.get_int("run.target_update_frequency");
  o.log_frequency = c.get_int("run.log_frequency");
  o.checkpoint_frequency = c.get_int("run.checkpoint_frequency");
  o.eval_frequency = c.get_int("run.eval_frequency");
  o.eval = {c.get_int("run.eval_episodes"), c.get_double("run.eval_epsilon"),
            c.get_int("run.eval_max_steps")};
  o.max_td_loss = c.get_double("run.max_td_loss");
  o.env.sticky_action_prob = c.get_double("env.sticky_action_prob");
  o.env.difficulty_ramping = c.get_bool("env.difficulty_ramping");
  o.start_epsilon = c.get_double("explore.start_epsilon");
  o.end_epsilon = c.get_double("explore.end_epsilon");
  o.decay_fraction = c.get_double("explore.decay_fraction");
  o.decay_steps = c.get_int("explore.decay_steps");
  o.replay_capacity = c.get_int("replay.capacity");
  o.isa = c.get_string("nn.isa");
  o.local_threads = c.get_int("local.threads");
  o.precision = nn::parse_precision_or_throw(c.get_string("nn.precision"), "config nn.precision");
  if (o.precision != nn::Precision::kFp32 && !o.local_agent()) {
    throw Error("config nn.precision: " + std::string(nn::precision_name(o.precision)) +
                " applies to the local agents (arq, ad) only; run.agent '" + o.agent +
                "' computes in fp32");
  }
  return o;
}

int64_t TrainOptions::epsilon_decay_steps() const {
  if (decay_steps > 0) return decay_steps;
  return static_cast<int64_t>(decay_fraction * static_cast<double>(total_steps));
}

}  // namespace arq
