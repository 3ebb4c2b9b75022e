// The environment loop: specs, dm_control's seeded initial states, 1000-step truncated episodes,
// determinism, saved streams and bad input.
#include "arq/env/dmc/dmc_env.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "arq/core/error.h"
#include "arq/core/numpy_random.h"

namespace arq::dmc {
namespace {

std::vector<double> qpos_of(const DmcEnv& env) {
  return {env.physics().qpos().begin(), env.physics().qpos().end()};
}

// Plays one whole episode with actions from `policy`, returning the summed reward.
double play_episode(DmcEnv& env, NumpyRandomState& policy, int* steps = nullptr) {
  std::vector<double> action(static_cast<size_t>(env.spec().action_dim));
  double total = 0.0;
  int count = 0;
  while (true) {
    for (double& a : action) a = policy.uniform(-1.0, 1.0);
    const StepResult result = env.step_continuous(action);
    total += result.reward;
    ++count;
    EXPECT_FALSE(result.terminated);
    if (result.truncated) break;
  }
  if (steps != nullptr) *steps = count;
  return total;
}

TEST(DmcEnv, SpecsOfTheFiveTasks) {
  struct Expected {
    const char* name;
    int obs;
    int actions;
    int sub_steps;
  };
  for (const Expected& e : {Expected{"walker-walk", 24, 6, 10}, Expected{"walker-run", 24, 6, 10},
                            Expected{"hopper-hop", 15, 4, 4}, Expected{"cheetah-run", 17, 6, 1},
                            Expected{"reacher-hard", 6, 2, 1}}) {
    DmcEnv env(e.name);
    EXPECT_EQ(env.spec().id, std::string("dmc/") + e.name);
    EXPECT_EQ(env.spec().obs_size(), e.obs);
    EXPECT_EQ(env.spec().action_dim, e.actions);
    EXPECT_EQ(env.spec().num_actions, 0);
    EXPECT_FALSE(env.spec().discrete());
    EXPECT_EQ(env.task_definition().n_sub_steps, e.sub_steps);
    // Control timestep x episode length: 25 s, 20 s, 10 s, 20 s.
    env.reset(0);
    EXPECT_EQ(env.physics().data().time, 0.0);
    env.step_continuous(std::vector<double>(e.actions, 0.0));
    EXPECT_NEAR(env.physics().data().time, e.sub_steps * env.task_definition().physics_timestep,
                1e-15);
  }
  EXPECT_EQ(task_names().size(), 5u);
}

// qpos right after dm_control's randomisation for task_kwargs={'random': 1} (docs/dmc.md §3.2).
TEST(DmcEnv, SeedOneInitialStatesMatchDmControlBitForBit) {
  const std::vector<double> walker = {0,
                                      0,
                                      -0.52136612087200396,
                                      1.1595782408002493,
                                      -2.6176944454198892,
                                      -0.31049526883690309,
                                      -0.041701031424153823,
                                      -2.3762520021844442,
                                      -0.49282130753736181};
  const std::vector<double> hopper = {0,
                                      0,
                                      -0.52136612087200396,
                                      0.23072327000125881,
                                      -2.9667004093044338,
                                      0.85238779272503939,
                                      -0.55487454916641421};
  for (const char* name : {"walker-walk", "walker-run"}) {
    DmcEnv env(name);
    env.reset(1);
    EXPECT_EQ(qpos_of(env), walker) << name;
  }
  DmcEnv hopper_env("hopper-hop");
  hopper_env.reset(1);
  EXPECT_EQ(qpos_of(hopper_env), hopper);
  DmcEnv reacher("reacher-hard");
  reacher.reset(1);
  EXPECT_EQ(qpos_of(reacher), (std::vector<double>{-0.52136612087200396, 1.2305241066733799}));
  const double* target = reacher.physics().model().geom_pos + 3 * 6;
  EXPECT_EQ(target[0], 6.8522061787857226e-05);
  EXPECT_EQ(target[1], 0.095349861273490294);
  EXPECT_EQ(reacher.physics().model().geom_size[3 * 6], 0.015);
  // The target's world position follows after the forward pass: to_target uses it.
  const auto obs = reacher.observation_f64();
  EXPECT_EQ(obs[2], target[0] - reacher.physics().data().geom_xpos[3 * 9 + 0]);
  // Seed 42 for walker; docs/dmc.md prints these with at most 17 decimal places.
  DmcEnv walker42("walker-walk");
  walker42.reset(42);
  const double seed42[] = {0,
                           0,
                           -0.788287681898749,
                           1.642105536721206,
                           -0.7016382196023736,
                           0.15497238458385743,
                           -0.02230117397418196,
                           -2.2096011787510963,
                           -0.6941606387566612};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(walker42.physics().qpos()[i], seed42[i], 5e-18) << i;
  EXPECT_EQ(walker42.observation_f64()[14], 1.3);  // torso height before any step
}

TEST(DmcEnv, CheetahSettlesForTwoHundredStepsAfterItsDraws) {
  // The draws before settling (docs/dmc.md §3.2): one uniform(range) per limited joint, in order.
  DmcEnv env("cheetah-run");
  const mjModel& model = env.physics().model();
  const double drawn[] = {0.13145785758114847,  0.38453878333543134,  -4.0136983387866279,
                          -0.69195516088370912, -0.91436565742131859, -0.39844189025711363};
  NumpyRandomState rng(1);
  for (int i = 0; i < 6; ++i) {
    const int joint = 3 + i;
    EXPECT_EQ(rng.uniform(model.jnt_range[2 * joint], model.jnt_range[2 * joint + 1]), drawn[i]);
  }
  // Settled state for seed 1, measured with dm_control's call order (docs/dmc.md §4.3).
  env.reset(1);
  const double settled[] = {-0.069120, -0.090270, 0.027366,  -0.074843, -0.027467,
                            -0.102977, 0.007803,  -0.002551, 0.010353};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(env.physics().qpos()[i], settled[i], 6e-7) << i;
  EXPECT_EQ(env.physics().data().time, 0.0);
}

TEST(DmcEnv, EpisodesLastOneThousandStepsAndEndTruncated) {
  for (const auto& name : task_names()) {
    DmcEnv env(name);
    env.reset(3);
    NumpyRandomState policy(4);
    int steps = 0;
    play_episode(env, policy, &steps);
    EXPECT_EQ(steps, DmcEnv::kEpisodeSteps) << name;
    EXPECT_EQ(env.episode_step(), DmcEnv::kEpisodeSteps);
    const std::vector<double> action(static_cast<size_t>(env.spec().action_dim), 0.0);
    EXPECT_THROW(env.step_continuous(action), Error) << name;
    env.reset();
    EXPECT_EQ(env.episode_step(), 0);
    EXPECT_FALSE(env.step_continuous(action).done());
  }
}

// docs/dmc.md §4.5 reports, for seed 1 and zero actions, walker-walk ≈ 22.6: that is the return of
// the second episode of the seed-1 stream (the first episode's return is ≈ 15.8).
TEST(DmcEnv, WalkerZeroActionReturnMatchesTheSpecsScratchPort) {
  DmcEnv env("walker-walk");
  env.reset(1);
  const std::vector<double> zero(6, 0.0);
  double first = 0.0, second = 0.0;
  for (int t = 0; t < 1000; ++t) first += env.step_continuous(zero).reward;
  env.reset();
  for (int t = 0; t < 1000; ++t) second += env.step_continuous(zero).reward;
  EXPECT_NEAR(second, 22.6, 0.05);
  EXPECT_NEAR(first, 15.8, 0.05);
}

TEST(DmcEnv, SameSeedSameTrajectoryAndTheStreamContinuesAcrossEpisodes) {
  for (const auto& name : task_names()) {
    DmcEnv a(name);
    DmcEnv b(name);
    a.reset(7);
    b.reset(7);
    NumpyRandomState policy_a(9);
    NumpyRandomState policy_b(9);
    EXPECT_EQ(play_episode(a, policy_a), play_episode(b, policy_b)) << name;
    EXPECT_EQ(qpos_of(a), qpos_of(b));
    // Episode 2 continues the stream: a different start from episode 1's, but the same in both.
    a.reset();
    b.reset();
    EXPECT_EQ(qpos_of(a), qpos_of(b));
    DmcEnv fresh(name);
    fresh.reset(7);
    EXPECT_NE(qpos_of(a), qpos_of(fresh)) << name;
    const std::vector<double> a_obs(a.observation_f64().begin(), a.observation_f64().end());
    EXPECT_EQ(a_obs, std::vector<double>(b.observation_f64().begin(), b.observation_f64().end()));
  }
}

TEST(DmcEnv, SavedStreamReplaysTheNextEpisode) {
  DmcEnv env("hopper-hop");
  env.reset(11);
  const std::string saved = env.stream_state();
  env.reset();
  const auto expected = qpos_of(env);
  DmcEnv other("hopper-hop");
  other.restore_stream_state(saved);
  other.reset();
  EXPECT_EQ(qpos_of(other), expected);
  EXPECT_THROW(other.restore_stream_state("{\"format\":\"minatar-stream-1\"}"), Error);
  EXPECT_THROW(other.restore_stream_state("not json"), Error);
}

TEST(DmcEnv, FloatObservationIsTheDoubleObservationRounded) {
  DmcEnv env("walker-run");
  env.reset(5);
  env.step_continuous(std::vector<double>{0.5, -0.5, 1, -1, 0.25, 0});
  std::vector<float> obs(24);
  env.observation(obs);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(obs[i], static_cast<float>(env.observation_f64()[i]));
  std::vector<float> wrong(23);
  EXPECT_THROW(env.observation(wrong), Error);
}

TEST(DmcEnv, OutOfRangeActionsAreClampedLikeMuJoCoDoes) {
  DmcEnv a("cheetah-run");
  DmcEnv b("cheetah-run");
  a.reset(2);
  b.reset(2);
  const StepResult big = a.step_continuous(std::vector<double>{5, -5, 2, 1, -1, 3});
  const StepResult unit = b.step_continuous(std::vector<double>{1, -1, 1, 1, -1, 1});
  EXPECT_EQ(big.reward, unit.reward);
  EXPECT_EQ(qpos_of(a), qpos_of(b));
}

TEST(DmcEnv, BadInputThrowsNamingTheProblem) {
  DmcEnv env("walker-walk");
  const std::vector<double> good(6, 0.0);
  EXPECT_THROW(env.step_continuous(good), Error);  // before reset
  env.reset(0);
  auto message_of = [&](std::vector<double> action) {
    try {
      env.step_continuous(action);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of(std::vector<double>(5, 0.0)).find("5 values, expected 6"),
            std::string::npos);
  EXPECT_NE(message_of({0, 0, std::nan(""), 0, 0, 0}).find("action[2] is nan"), std::string::npos);
  EXPECT_NE(message_of({0, 0, 0, 0, 0, std::numeric_limits<double>::infinity()}).find("action[5]"),
            std::string::npos);
  EXPECT_EQ(env.episode_step(), 0);  // rejected actions do not advance the episode
  try {
    env.step(3);
    FAIL() << "step(int) on a continuous task";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":bangbang"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DmcEnv("walker-stand"), Error);
}

}  // namespace
}  // namespace arq::dmc
