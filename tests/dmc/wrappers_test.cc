// Bang-bang discretisation, action repeat and the dmc/ ids of the registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "arq/core/error.h"
#include "arq/env/dmc/action_repeat.h"
#include "arq/env/dmc/bang_bang.h"
#include "arq/env/dmc/dmc_env.h"
#include "arq/env/dmc/dmc_ids.h"
#include "arq/env/registry.h"

namespace arq::dmc {
namespace {

std::vector<double> corner(int index, int dim) {
  std::vector<double> out(static_cast<size_t>(dim));
  bang_bang_corner(index, out);
  return out;
}

TEST(BangBang, FirstActionDimensionIsTheMostSignificantBit) {
  // itertools.product([-1, 1], repeat=2): (-1,-1), (-1,1), (1,-1), (1,1).
  EXPECT_EQ(corner(0, 2), (std::vector<double>{-1, -1}));
  EXPECT_EQ(corner(1, 2), (std::vector<double>{-1, 1}));
  EXPECT_EQ(corner(2, 2), (std::vector<double>{1, -1}));
  EXPECT_EQ(corner(3, 2), (std::vector<double>{1, 1}));
  EXPECT_EQ(corner(0, 6), std::vector<double>(6, -1.0));
  EXPECT_EQ(corner(63, 6), std::vector<double>(6, 1.0));
  EXPECT_EQ(corner(32, 6), (std::vector<double>{1, -1, -1, -1, -1, -1}));
  EXPECT_EQ(corner(1, 6), (std::vector<double>{-1, -1, -1, -1, -1, 1}));
  EXPECT_EQ(corner(0b101001, 6), (std::vector<double>{1, -1, 1, -1, -1, 1}));
  EXPECT_EQ(corner(0b1010, 4), (std::vector<double>{1, -1, 1, -1}));
  // Every index maps to a different corner.
  std::vector<std::vector<double>> all;
  for (int i = 0; i < 64; ++i) all.push_back(corner(i, 6));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::unique(all.begin(), all.end()), all.end());
  EXPECT_THROW(corner(4, 2), Error);
  EXPECT_THROW(corner(-1, 2), Error);
}

TEST(BangBang, DiscreteStepsDriveTheContinuousTaskWithTheCorner) {
  for (const auto& name : task_names()) {
    BangBangEnv discrete(std::make_unique<DmcEnv>(name));
    DmcEnv continuous(name);
    const int dim = continuous.spec().action_dim;
    EXPECT_EQ(discrete.spec().id, "dmc/" + name + ":bangbang");
    EXPECT_EQ(discrete.spec().num_actions, 1 << dim);
    EXPECT_EQ(discrete.spec().action_dim, 0);
    EXPECT_EQ(discrete.spec().obs_size(), continuous.spec().obs_size());
    discrete.reset(5);
    continuous.reset(5);
    for (int t = 0; t < 20; ++t) {
      const int index = (t * 7 + 3) % (1 << dim);
      const StepResult a = discrete.step(index);
      const StepResult b = continuous.step_continuous(corner(index, dim));
      ASSERT_EQ(a.reward, b.reward) << name << " t=" << t;
    }
    std::vector<float> obs_a(continuous.spec().obs_size()), obs_b(obs_a.size());
    discrete.observation(obs_a);
    continuous.observation(obs_b);
    EXPECT_EQ(obs_a, obs_b) << name;
    EXPECT_THROW(discrete.step(1 << dim), Error);
    EXPECT_THROW(discrete.step(-1), Error);
    EXPECT_THROW(discrete.step_continuous(std::vector<double>(dim, 0.0)), Error);
  }
}

TEST(BangBang, RefusesDiscreteEnvironments) {
  EXPECT_THROW(BangBangEnv(make_env("minatar/breakout-v1")), Error);
  EXPECT_THROW(BangBangEnv(std::make_unique<BangBangEnv>(std::make_unique<DmcEnv>("reacher-hard"))),
               Error);
}

TEST(ActionRepeat, SumsRewardsAndEndsWithTheInnerEpisode) {
  ActionRepeatEnv repeated(std::make_unique<DmcEnv>("cheetah-run"), 3);
  DmcEnv single("cheetah-run");
  EXPECT_EQ(repeated.spec().id, "dmc/cheetah-run:repeat3");
  repeated.reset(2);
  single.reset(2);
  const std::vector<double> action = {0.5, -1, 1, 0.2, -0.3, 0.9};
  int agent_steps = 0;
  while (true) {
    const StepResult r = repeated.step_continuous(action);
    double expected = 0.0;
    StepResult last;
    for (int i = 0; i < 3; ++i) {
      last = single.step_continuous(action);
      expected += last.reward;
      if (last.done()) break;
    }
    ++agent_steps;
    ASSERT_EQ(r.reward, expected);
    ASSERT_EQ(r.truncated, last.truncated);
    if (r.truncated) break;
  }
  EXPECT_EQ(agent_steps, 334);  // 333 full repeats and a final single step reach 1000
  EXPECT_THROW(ActionRepeatEnv(std::make_unique<DmcEnv>("cheetah-run"), 0), Error);
}

TEST(DmcIds, RegistryBuildsTasksAndWrappers) {
  const auto ids = env_ids();
  for (const auto& name : task_names()) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), "dmc/" + name), ids.end());
    EXPECT_NE(std::find(ids.begin(), ids.end(), "dmc/" + name + ":bangbang"), ids.end());
  }
  EXPECT_FALSE(make_env("dmc/walker-walk")->spec().discrete());
  const auto bangbang = make_env("dmc/hopper-hop:bangbang");
  EXPECT_EQ(bangbang->spec().num_actions, 16);
  const auto both = make_env("dmc/reacher-hard:repeat2:bangbang");
  EXPECT_EQ(both->spec().id, "dmc/reacher-hard:repeat2:bangbang");
  EXPECT_EQ(both->spec().num_actions, 4);
  both->reset(0);
  int steps = 0;
  while (!both->step(3).done()) ++steps;
  EXPECT_EQ(steps + 1, 500);
  EXPECT_EQ(make_env("dmc/walker-run:bangbang:repeat4")->spec().id,
            "dmc/walker-run:bangbang:repeat4");
  // Only MinAtar's 0/1 channels are stored as bits by replay.
  EXPECT_FALSE(both->spec().binary_observations);
  EXPECT_TRUE(make_env("minatar/breakout-v1")->spec().binary_observations);
  EXPECT_TRUE(make_env("minatar/seaquest-v0")->spec().binary_observations);
}

TEST(DmcIds, UnknownTasksAndSuffixesAreNamed) {
  auto message_of = [](const std::string& id) {
    try {
      make_env(id);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of("dmc/walker-fly").find("unknown DMC task 'walker-fly'"), std::string::npos);
  EXPECT_NE(message_of("dmc/walker-walk:discrete").find("':discrete'"), std::string::npos);
  EXPECT_NE(message_of("dmc/walker-walk:repeat0").find("':repeat0'"), std::string::npos);
  EXPECT_NE(message_of("dmc/walker-walk:repeatx").find("':repeatx'"), std::string::npos);
  EXPECT_NE(message_of("dmc/walker-walk:").find("':'"), std::string::npos);
  EXPECT_NE(message_of("dmc/walker-walk:bangbang:bangbang").find("continuous"), std::string::npos);
}

}  // namespace
}  // namespace arq::dmc
