#include "arq/train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "arq/agents/epsilon_greedy.h"

namespace arq {

double EvalResult::mean() const {
  if (returns.empty()) return 0.0;
  return std::accumulate(returns.begin(), returns.end(), 0.0) / static_cast<double>(returns.size());
}

double EvalResult::stddev() const {
  if (returns.empty()) return 0.0;
  const double m = mean();
  double sum = 0.0;
  for (double r : returns) sum += (r - m) * (r - m);
  return std::sqrt(sum / static_cast<double>(returns.size()));
}

EvalResult evaluate(Env& env, Policy& policy, const EvalSettings& settings, std::mt19937_64& rng) {
  EvalResult result;
  std::vector<float> obs(env.spec().obs_size());
  const bool continuous = !env.spec().discrete();
  std::vector<float> continuous_action(continuous ? env.spec().action_dim : 0);
  std::vector<double> env_action(continuous_action.size());
  for (int64_t e = 0; e < settings.episodes; ++e) {
    env.reset();
    policy.begin_episode();
    env.observation(obs);
    double episode_return = 0.0;
    int64_t length = 0;
    while (length < settings.max_steps) {
      StepResult step;
      if (continuous) {
        // The deterministic action (tanh of the mean); epsilon does not apply.
        policy.act_continuous(obs, false, rng, continuous_action);
        std::copy(continuous_action.begin(), continuous_action.end(), env_action.begin());
        step = env.step_continuous(env_action);
      } else {
        step = env.step(
            epsilon_greedy_action(policy, obs, settings.epsilon, env.spec().num_actions, rng));
      }
      ++length;
      episode_return += step.reward;
      env.observation(obs);
      if (step.done()) break;
    }
    result.returns.push_back(episode_return);
    result.lengths.push_back(length);
  }
  return result;
}

}  // namespace arq
