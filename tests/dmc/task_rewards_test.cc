// Rewards and observations of each task at hand-built states, against their closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "arq/env/dmc/models.h"
#include "arq/env/dmc/task.h"

namespace arq::dmc {
namespace {

// A task on a fresh model of its domain; states are written into qpos/qvel and made consistent
// with a forward pass, as dm_control's physics.forward() would.
struct Scene {
  explicit Scene(std::string_view task_name)
      : definition(*find_task(task_name)),
        physics(load_domain_model(definition.domain)),
        task(definition.make(physics.model())),
        observation(static_cast<size_t>(definition.observation_size())) {
    physics.reset();
  }
  void set(std::initializer_list<std::pair<int, double>> qpos,
           std::initializer_list<std::pair<int, double>> qvel = {}) {
    mj_resetData(&physics.model(), &physics.data());
    for (const auto& [index, value] : qpos) physics.data().qpos[index] = value;
    for (const auto& [index, value] : qvel) physics.data().qvel[index] = value;
    physics.forward_without_actuation();
    task->observation(physics, observation);
  }
  double reward() const { return task->reward(physics); }

  const TaskDefinition& definition;
  Physics physics;
  std::unique_ptr<Task> task;
  std::vector<double> observation;
};

const double kStandingAt09 = std::pow(0.1, 0.25);  // gaussian 0.5 margins below 1.2

TEST(WalkerReward, UprightAndStillEarnsOnlyTheStandingShare) {
  for (const char* name : {"walker-walk", "walker-run"}) {
    Scene scene(name);
    scene.set({});  // torso frame at 1.3 m, upright, at rest
    EXPECT_NEAR(scene.reward(), 1.0 / 6, 1e-15) << name;
  }
}

TEST(WalkerReward, LowTorsoUsesTheGaussianStandingTerm) {
  Scene scene("walker-walk");
  scene.set({{0, -0.4}});  // rootz: torso at 0.9 m
  EXPECT_NEAR(scene.observation[14], 0.9, 1e-12);
  EXPECT_NEAR(scene.reward(), (3 * kStandingAt09 + 1) / 4 / 6, 1e-12);
}

TEST(WalkerReward, UpsideDownLosesTheUprightTerm) {
  Scene scene("walker-walk");
  scene.set({{2, std::numbers::pi}});
  EXPECT_NEAR(scene.reward(), (3.0 + 0.0) / 4 / 6, 1e-12);
}

TEST(WalkerReward, MoveTermIsCentreOfMassSpeedOverTarget) {
  Scene walk("walker-walk");
  walk.set({}, {{1, 0.5}});  // rootx velocity: every body moves at 0.5 m/s
  EXPECT_NEAR(walk.reward(), (5 * 0.5 + 1) / 6, 1e-12);
  walk.set({}, {{1, 2.0}});
  EXPECT_NEAR(walk.reward(), 1.0, 1e-12);
  Scene run("walker-run");
  run.set({}, {{1, 4.0}});
  EXPECT_NEAR(run.reward(), (5 * 0.5 + 1) / 6, 1e-12);
  run.set({}, {{1, -4.0}});
  EXPECT_NEAR(run.reward(), 1.0 / 6, 1e-12);
}

TEST(WalkerObservation, OrientationsHeightVelocity) {
  Scene scene("walker-walk");
  const double pitch = 0.3;
  scene.set({{2, pitch}, {3, 0.2}}, {{0, 0.1}, {5, -0.7}});
  const auto& obs = scene.observation;
  ASSERT_EQ(obs.size(), 24u);
  // Torso rotated by `pitch` about +y: xx = cos, xz = sin.
  EXPECT_NEAR(obs[0], std::cos(pitch), 1e-12);
  EXPECT_NEAR(obs[1], std::sin(pitch), 1e-12);
  // The right thigh turns by the hip angle about -y on top of the torso's pitch.
  EXPECT_NEAR(obs[2], std::cos(pitch - 0.2), 1e-12);
  EXPECT_NEAR(obs[3], std::sin(pitch - 0.2), 1e-12);
  // The left leg follows the torso only.
  EXPECT_NEAR(obs[8], std::cos(pitch), 1e-12);
  EXPECT_NEAR(obs[14], 1.3, 1e-12);
  EXPECT_EQ(obs[15], 0.1);
  EXPECT_EQ(obs[20], -0.7);
}

TEST(HopperReward, StandingTimesHopping) {
  Scene scene("hopper-hop");
  scene.set({});                   // upright: torso centre of mass ~0.98 m above the foot's
  EXPECT_EQ(scene.reward(), 0.0);  // standing but not moving
  scene.set({}, {{0, 1.0}});
  EXPECT_NEAR(scene.reward(), 0.5, 1e-12);
  scene.set({}, {{0, 3.0}});
  EXPECT_NEAR(scene.reward(), 1.0, 1e-12);
  scene.set({{2, std::numbers::pi}}, {{0, 3.0}});  // upside down: foot above torso
  EXPECT_EQ(scene.reward(), 0.0);
}

TEST(HopperObservation, PositionWithoutRootxVelocityAndLogTouch) {
  Scene scene("hopper-hop");
  scene.set({{0, 5.0}, {1, 0.2}, {4, -0.3}}, {{6, 0.25}});
  const auto& obs = scene.observation;
  ASSERT_EQ(obs.size(), 15u);
  EXPECT_EQ(obs[0], 0.2);  // rootz; rootx is dropped
  EXPECT_EQ(obs[3], -0.3);
  EXPECT_EQ(obs[12], 0.25);
  EXPECT_EQ(obs[13], 0.0);  // foot in the air: no touch
  EXPECT_EQ(obs[14], 0.0);
  scene.set({{1, -0.1}});  // sole sunk 4 cm into the floor
  EXPECT_GT(scene.observation[13], 0.0);
  EXPECT_GT(scene.observation[14], 0.0);
  const double toe_force = scene.physics.data().sensordata[3];
  EXPECT_NEAR(scene.observation[13], std::log1p(toe_force), 1e-15);
}

TEST(CheetahReward, LinearInSpeedUpToTen) {
  Scene scene("cheetah-run");
  for (const auto& [speed, expected] :
       {std::pair{-2.0, 0.0}, {0.0, 0.0}, {5.0, 0.5}, {7.5, 0.75}, {10.0, 1.0}, {13.0, 1.0}}) {
    scene.set({}, {{0, speed}});
    EXPECT_NEAR(scene.reward(), expected, 1e-12) << speed;
  }
  scene.set({{0, 3.0}, {1, 0.1}}, {{8, 0.5}});
  ASSERT_EQ(scene.observation.size(), 17u);
  EXPECT_EQ(scene.observation[0], 0.1);  // rootz first, rootx dropped
  EXPECT_EQ(scene.observation[16], 0.5);
}

TEST(ReacherReward, OneWithinBothRadii) {
  Scene scene("reacher-hard");
  NumpyRandomState rng(0);
  scene.task->initialize_episode(scene.physics, rng);  // sets the target radius to 0.015
  mjModel& model = scene.physics.model();
  const int target = 6;
  EXPECT_EQ(model.geom_size[3 * target], 0.015);
  // Arm stretched along +x: finger centre at x = 0.24.
  for (const auto& [x, expected] : {std::pair{0.24, 1.0}, {0.264, 1.0}, {0.266, 0.0}, {0.0, 0.0}}) {
    model.geom_pos[3 * target + 0] = x;
    model.geom_pos[3 * target + 1] = 0.0;
    scene.set({});
    EXPECT_EQ(scene.reward(), expected) << x;
    EXPECT_NEAR(scene.observation[2], x - 0.24, 1e-12);  // to_target = target - finger
    EXPECT_NEAR(scene.observation[3], 0.0, 1e-12);
  }
  // Elbow bent by 90 degrees: finger at (0.12, 0.12).
  model.geom_pos[3 * target + 0] = 0.12;
  model.geom_pos[3 * target + 1] = 0.14;
  scene.set({{1, std::numbers::pi / 2}}, {{0, 0.3}});
  EXPECT_EQ(scene.reward(), 1.0);
  EXPECT_NEAR(scene.observation[2], 0.0, 1e-12);
  EXPECT_NEAR(scene.observation[3], 0.02, 1e-12);
  EXPECT_EQ(scene.observation[1], std::numbers::pi / 2);
  EXPECT_EQ(scene.observation[4], 0.3);
}

}  // namespace
}  // namespace arq::dmc
