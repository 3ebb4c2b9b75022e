// TD-MPC2 beyond its gradients: MPPI on a known quadratic objective, sequences from the shared
// replay buffer, and a short learning run on a toy task that the trained agent must solve better
// than its untrained self.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "arq/agents/tdmpc2/mppi.h"
#include "arq/agents/tdmpc2/sequence_sampler.h"
#include "arq/agents/tdmpc2/tdmpc2_agent.h"
#include "arq/core/error.h"
#include "arq/replay/replay_buffer.h"

namespace arq::tdmpc2 {
namespace {

TEST(Mppi, ConvergesToTheOptimumOfAQuadratic) {
  MppiSettings settings;  // the official planning settings, with more iterations to converge
  settings.num_pi_trajs = 0;
  settings.iterations = 12;
  Mppi mppi(settings, 2);
  const float target[3][2] = {{0.3f, -0.6f}, {0.5f, 0.1f}, {-0.8f, 0.9f}};
  auto evaluate = [&](const nn::Matrix& actions, nn::MatrixRef values) {
    const int n = settings.num_samples;
    for (int s = 0; s < n; ++s) {
      float value = 0.0f;
      for (int t = 0; t < 3; ++t) {
        for (int j = 0; j < 2; ++j) {
          const float d = actions(t * n + s, j) - target[t][j];
          value -= 100.0f * d * d;
        }
      }
      values(s, 0) = value;
    }
  };
  std::mt19937_64 rng(1);
  std::vector<float> action(2);
  mppi.plan(true, true, evaluate, rng, action);
  for (int t = 0; t < 3; ++t) {
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(mppi.mean()(t, j), target[t][j], 0.05) << "t " << t << " j " << j;
      EXPECT_LT(mppi.std_dev()(t, j), 0.2f);
    }
  }
  // The action is one elite's first step: close to the optimum (tolerance 0.1).
  EXPECT_NEAR(action[0], target[0][0], 0.1);
  EXPECT_NEAR(action[1], target[0][1], 0.1);
  // Policy trajectories at the optimum are kept as elites and pull the plan onto it.
  settings.num_pi_trajs = 24;
  Mppi with_prior(settings, 2);
  for (int t = 0; t < 3; ++t) {
    for (int p = 0; p < 24; ++p) {
      with_prior.actions()(t * settings.num_samples + p, 0) = target[t][0];
      with_prior.actions()(t * settings.num_samples + p, 1) = target[t][1];
    }
  }
  with_prior.plan(true, true, evaluate, rng, action);
  EXPECT_NEAR(action[0], target[0][0], 0.05);
  EXPECT_NEAR(action[1], target[0][1], 0.05);
}

TEST(Mppi, RejectsBadSettingsNamingTheKey) {
  MppiSettings settings;
  settings.num_elites = 600;
  try {
    check_mppi_settings(settings);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tdmpc2.num_elites"), std::string::npos) << e.what();
  }
  settings = MppiSettings{};
  settings.horizon = 0;
  EXPECT_THROW(check_mppi_settings(settings), Error);
}

TEST(SequenceSampler, SequencesStayInsideOneEpisode) {
  replay::ReplayConfig config;
  config.capacity = 200;
  config.obs_shape = {2};
  config.action_dim = 1;
  replay::ReplayBuffer replay(config);
  // Episodes of 5 steps; observation (episode, step), action step/10, reward step.
  for (int episode = 0; episode < 8; ++episode) {
    for (int step = 0; step < 5; ++step) {
      const std::vector<float> obs = {float(episode), float(step)};
      const std::vector<float> next = {float(episode), float(step + 1)};
      const std::vector<float> action = {0.1f * float(step)};
      replay.add_continuous(obs, action, float(step), next, false, step == 4);
    }
  }
  SequenceSampler sampler(3, 40);
  SequenceBatch batch;
  std::mt19937_64 rng(3);
  sampler.sample(replay, rng, batch);
  for (int b = 0; b < 40; ++b) {
    const float episode = batch.observations(b, 0);
    const float start = batch.observations(b, 1);
    EXPECT_LE(start, 2.0f);  // start + 3 <= 5, the episode's final observation
    for (int t = 0; t <= 3; ++t) {
      EXPECT_EQ(batch.observations(t * 40 + b, 0), episode);
      EXPECT_EQ(batch.observations(t * 40 + b, 1), start + float(t));
      if (t < 3) {
        EXPECT_EQ(batch.rewards(t * 40 + b, 0), start + float(t));
        EXPECT_FLOAT_EQ(batch.actions(t * 40 + b, 0), 0.1f * (start + float(t)));
      }
    }
  }
  // A buffer of episodes shorter than the horizon holds no sequence.
  replay::ReplayBuffer short_episodes(config);
  const std::vector<float> a = {0.0f, 0.0f}, next = {0.0f, 1.0f}, action = {0.0f};
  short_episodes.add_continuous(a, action, 0.0f, next, false, true);
  EXPECT_THROW(sampler.sample(short_episodes, rng, batch), Error);
}

// A toy task: a point on [-1, 1] moved by 0.25·a per step, rewarded 1 - |x| for 20 steps. Doing
// nothing (what the untrained prior does) earns about 10 from a random start; walking to 0 and
// staying there about 17.
class PointTask {
 public:
  void reset(std::mt19937_64& rng) {
    x_ = static_cast<float>(static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1.0);
  }
  void reset(float x) { x_ = x; }
  float observation() const { return x_; }
  float step(float action) {
    x_ = std::clamp(x_ + 0.25f * action, -1.0f, 1.0f);
    return 1.0f - std::abs(x_);
  }
  static constexpr int kLength = 20;

 private:
  float x_ = 0.0f;
};

Tdmpc2Options toy_options(bool mpc) {
  Tdmpc2Options o;
  o.shape.obs_size = 1;
  o.shape.action_dim = 1;
  o.shape.latent_dim = 16;
  o.shape.mlp_dim = 32;
  o.shape.enc_dim = 32;
  o.shape.num_q = 2;
  o.hyper.discount = discount_for_episode_length(PointTask::kLength, 5.0, 0.95, 0.995);
  o.hyper.lr = 1e-3f;
  o.mppi.num_samples = 64;
  o.mppi.num_elites = 8;
  o.mppi.num_pi_trajs = 4;
  o.mppi.iterations = 4;
  o.mpc = mpc;
  o.batch_size = 32;
  o.seed = 5;
  return o;
}

// Evaluation from the evenly spread starts -0.9, -0.7, ..., 0.9 (doing nothing earns 10).
double mean_return(Policy& policy, int episodes) {
  std::mt19937_64 noise(7);
  PointTask task;
  double total = 0.0;
  std::vector<float> obs(1), action(1);
  for (int e = 0; e < episodes; ++e) {
    task.reset(-0.9f + 1.8f * static_cast<float>(e) / static_cast<float>(episodes - 1));
    policy.begin_episode();
    for (int t = 0; t < PointTask::kLength; ++t) {
      obs[0] = task.observation();
      policy.act_continuous(obs, false, noise, action);
      total += task.step(action[0]);
    }
  }
  return total / episodes;
}

TEST(Tdmpc2Agent, ShortTrainingBeatsTheUntrainedAgent) {
  EXPECT_NEAR(discount_for_episode_length(500, 5, 0.95, 0.995), 0.99, 1e-12);
  Tdmpc2Agent agent(toy_options(true));
  auto planner = agent.make_policy();
  const double untrained = mean_return(*planner, 10);

  // 40 episodes of uniformly random actions, then 300 updates on them.
  replay::ReplayConfig config;
  config.capacity = 5000;
  config.obs_shape = {1};
  config.action_dim = 1;
  replay::ReplayBuffer replay(config);
  std::mt19937_64 rng(1), explore(2);
  PointTask task;
  std::vector<float> obs(1), next(1), action(1);
  for (int episode = 0; episode < 40; ++episode) {
    task.reset(explore);
    for (int t = 0; t < PointTask::kLength; ++t) {
      obs[0] = task.observation();
      action[0] = static_cast<float>(static_cast<double>(explore() >> 11) * 0x1.0p-52 - 1.0);
      const float reward = task.step(action[0]);
      next[0] = task.observation();
      replay.add_continuous(obs, action, reward, next, false, t + 1 == PointTask::kLength);
    }
  }
  for (int update = 0; update < 300; ++update) {
    agent.update(replay, rng);
    agent.sync_target();
  }
  const double trained = mean_return(*planner, 10);
  Tdmpc2Agent prior_agent(toy_options(false));
  prior_agent.load_state(agent.save_state());
  auto prior = prior_agent.make_policy();
  const double trained_prior = mean_return(*prior, 10);
  // The planner, which acts in the tests' evaluations and the presets, must clearly improve; the
  // prior alone learns more slowly (it follows the Q-heads) and is reported for information.
  EXPECT_GT(trained, untrained + 3.0) << "untrained " << untrained << ", trained " << trained;
  EXPECT_GT(trained, 15.0) << "trained " << trained;
  std::cout << "toy task return: untrained planner " << untrained << ", trained planner " << trained
            << ", trained prior " << trained_prior << "\n";
}

}  // namespace
}  // namespace arq::tdmpc2
