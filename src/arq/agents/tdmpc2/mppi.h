#pragma once
// Model predictive path integral control as TD-MPC2 plans (tdmpc2.py `_plan`), independent of any
// model: the caller scores whole action sequences. Per decision:
//   mean = previous plan shifted by one step (zero on an episode's first step), std = max_std
//   repeat `iterations` times:
//     sequences 0..P-1 are the caller's policy trajectories; the other N - P are
//     clamp(mean + std·ε, -1, 1)
//     score all N, keep the `num_elites` best, weights w = softmax(temperature·value)
//     mean, std ← the w-weighted mean and std of the elites (std clamped to [min_std, max_std])
//   pick one elite with probability w, take its first action (+ std·ε when not in eval mode),
//   clamp to [-1, 1]; the final mean is kept to warm-start the next decision.
// Actions are stored time-major: row t·N + n is step t of sequence n.
#include <functional>
#include <random>
#include <span>
#include <vector>

#include "arq/nn/matrix.h"

namespace arq::tdmpc2 {

struct MppiSettings {
  int horizon = 3;
  int iterations = 6;
  int num_samples = 512;
  int num_elites = 64;
  int num_pi_trajs = 24;
  float temperature = 0.5f;
  float min_std = 0.05f;
  float max_std = 2.0f;
};

// Throws arq::Error naming the tdmpc2.* key of the first invalid setting.
void check_mppi_settings(const MppiSettings& settings);

class Mppi {
 public:
  // actions [H·N, A] (time-major) -> values [N, 1]
  using Evaluate = std::function<void(const nn::Matrix& actions, nn::MatrixRef values)>;

  Mppi(const MppiSettings& settings, int action_dim);

  const MppiSettings& settings() const { return settings_; }
  // The policy trajectories' rows of the action matrix ([H·N, A]); the caller fills rows
  // t·N + p for p < num_pi_trajs before plan().
  nn::Matrix& actions() { return actions_; }

  // One decision. `first_step`: an episode starts (no warm start). Writes action_dim values.
  void plan(bool first_step, bool eval_mode, const Evaluate& evaluate, std::mt19937_64& rng,
            std::span<float> action);

  const nn::Matrix& mean() const { return mean_; }  // [H, A], the last plan's
  const nn::Matrix& std_dev() const { return std_; }

 private:
  MppiSettings settings_;
  int action_dim_;
  nn::Matrix mean_, previous_mean_, std_, actions_, values_, noise_;
  std::vector<int> order_;
  std::vector<float> weights_;
};

}  // namespace arq::tdmpc2
