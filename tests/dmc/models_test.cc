// Our MJCF models compiled by MuJoCo 2.2.2: sizes, ordering and compiled values that docs/dmc.md
// reports for dm_control's own models.
#include "arq/env/dmc/models.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "arq/core/error.h"

namespace arq::dmc {
namespace {

constexpr int kGearSize = 6;  // numbers per actuator in actuator_gear

double degrees(double value) {
  return value * std::numbers::pi / 180;
}

double total_mass(const mjModel& model) {
  double mass = 0.0;
  for (int body = 0; body < model.nbody; ++body) mass += model.body_mass[body];
  return mass;
}

std::string joint_name(const mjModel& model, int id) {
  return std::string(object_name(model, mjOBJ_JOINT, id));
}

TEST(DmcModels, LibraryIsMuJoCo222) {
  EXPECT_EQ(mj_version(), 222);
}

TEST(DmcModels, Walker) {
  const ModelPtr model = load_domain_model("walker");
  EXPECT_EQ(model->nq, 9);
  EXPECT_EQ(model->nv, 9);
  EXPECT_EQ(model->nu, 6);
  EXPECT_EQ(model->nbody, 8);
  EXPECT_EQ(model->ngeom, 8);
  EXPECT_EQ(model->nsensordata, 3);
  EXPECT_EQ(model->opt.timestep, 0.0025);
  const char* joints[] = {"rootz",       "rootx",    "rooty",     "right_hip", "right_knee",
                          "right_ankle", "left_hip", "left_knee", "left_ankle"};
  for (int i = 0; i < 9; ++i) EXPECT_EQ(joint_name(*model, i), joints[i]);
  const char* bodies[] = {"world",      "torso",      "right_thigh", "right_leg",
                          "right_foot", "left_thigh", "left_leg",    "left_foot"};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(object_name(*model, mjOBJ_BODY, i), bodies[i]);
  EXPECT_NEAR(model->body_mass[1], 10.673037, 1e-6);
  EXPECT_NEAR(model->body_mass[2], 4.057891, 1e-6);
  EXPECT_NEAR(model->body_mass[3], 2.781357, 1e-6);
  EXPECT_NEAR(model->body_mass[4], 2.094395, 1e-6);
  EXPECT_NEAR(total_mass(*model), 28.540322, 1e-6);
  EXPECT_NEAR(model->body_inertia[3 * 1 + 0], 0.443156, 1e-6);
  EXPECT_NEAR(model->body_inertia[3 * 1 + 2], 0.0254449, 1e-7);
  EXPECT_NEAR(model->body_ipos[3 * 2 + 2], -0.225, 1e-12);
  // Leg joints: limited, damped, with armature; root joints free of all three.
  EXPECT_FALSE(model->jnt_limited[2]);
  EXPECT_EQ(model->dof_damping[2], 0.0);
  EXPECT_TRUE(model->jnt_limited[4]);
  EXPECT_EQ(model->dof_damping[4], 0.1);
  EXPECT_EQ(model->dof_armature[4], 0.01);
  EXPECT_DOUBLE_EQ(model->jnt_range[2 * 4], degrees(-150));
  EXPECT_EQ(model->jnt_solimp[mjNIMP * 4 + 0], 0.0);
  EXPECT_EQ(model->jnt_solimp[mjNIMP * 4 + 1], 0.99);
  // Body geoms touch the floor only.
  EXPECT_EQ(model->geom_conaffinity[0], 1);
  for (int geom = 1; geom < model->ngeom; ++geom) EXPECT_EQ(model->geom_conaffinity[geom], 0);
  const double gears[] = {100, 50, 20, 100, 50, 20};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(model->actuator_gear[kGearSize * i], gears[i]);
    EXPECT_EQ(model->actuator_trnid[2 * i], i + 3);
  }
}

TEST(DmcModels, Hopper) {
  const ModelPtr model = load_domain_model("hopper");
  EXPECT_EQ(model->nq, 7);
  EXPECT_EQ(model->nv, 7);
  EXPECT_EQ(model->nu, 4);
  EXPECT_EQ(model->nsensordata, 5);
  EXPECT_EQ(model->nsite, 2);
  EXPECT_EQ(model->opt.timestep, 0.005);
  EXPECT_EQ(joint_name(*model, 0), "rootx");  // rootx first, unlike walker
  EXPECT_EQ(joint_name(*model, 1), "rootz");
  EXPECT_EQ(model->sensor_type[1], mjSENS_TOUCH);
  EXPECT_EQ(model->sensor_adr[2], 4);
  EXPECT_NEAR(model->body_mass[1], 4.828384, 1e-6);
  EXPECT_NEAR(model->body_ipos[3 * 1 + 0], 0.0075, 1e-4);
  EXPECT_NEAR(model->body_ipos[3 * 1 + 2], 0.0789, 1e-4);
  EXPECT_NEAR(model->body_mass[5], 1.524720, 1e-6);
  EXPECT_NEAR(total_mass(*model), 12.439154, 1e-6);
  EXPECT_EQ(model->dof_armature[3], 0.2);
  EXPECT_EQ(model->dof_armature[0], 0.0);
  EXPECT_DOUBLE_EQ(model->jnt_range[2 * 5], degrees(5));
  const double gears[] = {30, 40, 30, 10};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(model->actuator_gear[kGearSize * i], gears[i]);
}

TEST(DmcModels, Cheetah) {
  const ModelPtr model = load_domain_model("cheetah");
  EXPECT_EQ(model->nq, 9);
  EXPECT_EQ(model->njnt, 9);
  EXPECT_EQ(model->nu, 6);
  EXPECT_EQ(model->nsensordata, 3);
  EXPECT_EQ(model->opt.timestep, 0.01);
  EXPECT_NEAR(total_mass(*model), 14.0, 1e-12);  // settotalmass
  EXPECT_NEAR(model->body_mass[1], 6.250209, 1e-6);
  EXPECT_NEAR(model->body_mass[7], 0.884519, 1e-6);
  EXPECT_NEAR(model->body_ipos[3 * 1 + 0], 0.1524, 1e-4);
  const double low[] = {-0.5236, -0.8727, -4.0143, -0.9948, -1.2217, -0.4887};
  const double high[] = {1.0472, 0.8727, 0.8727, 0.006981, 0.8727, 0.4887};
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(model->jnt_limited[3 + i]);
    EXPECT_NEAR(model->jnt_range[2 * (3 + i)], low[i], 1e-4);
    EXPECT_NEAR(model->jnt_range[2 * (3 + i) + 1], high[i], 1e-4);
  }
  EXPECT_FALSE(model->jnt_limited[2]);
  EXPECT_EQ(model->jnt_stiffness[3], 240.0);
  EXPECT_EQ(model->jnt_stiffness[2], 0.0);
  EXPECT_EQ(model->geom_friction[0], 1.0);  // the ground keeps MuJoCo's default
  EXPECT_EQ(model->geom_friction[3 * 1], 0.4);
  const double gears[] = {120, 90, 60, 90, 60, 30};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(model->actuator_gear[kGearSize * i], gears[i]);
}

TEST(DmcModels, Reacher) {
  const ModelPtr model = load_domain_model("reacher");
  EXPECT_EQ(model->nq, 2);
  EXPECT_EQ(model->nu, 2);
  EXPECT_EQ(model->nsensordata, 0);
  EXPECT_EQ(model->ngeom, 10);
  EXPECT_EQ(model->opt.timestep, 0.02);
  EXPECT_EQ(model->opt.disableflags, mjDSBL_CONTACT);
  // World geoms come first: the target is geom 6 although it is declared after the arm.
  EXPECT_EQ(object_name(*model, mjOBJ_GEOM, 6), "target");
  EXPECT_EQ(object_name(*model, mjOBJ_GEOM, 9), "finger");
  EXPECT_FALSE(model->jnt_limited[0]);
  EXPECT_TRUE(model->jnt_limited[1]);
  EXPECT_DOUBLE_EQ(model->jnt_range[3], degrees(160));
  EXPECT_NEAR(model->body_mass[1], 0.041888, 1e-6);
  EXPECT_NEAR(model->body_mass[2], 0.035605, 1e-6);
  EXPECT_NEAR(model->body_mass[3], 0.004189, 1e-6);
  EXPECT_EQ(model->actuator_gear[0], 0.05);
}

TEST(DmcModels, CopiesAreIndependent) {
  ModelPtr first = load_domain_model("reacher");
  first->geom_size[3 * 6] = 0.015;
  const ModelPtr second = load_domain_model("reacher");
  EXPECT_EQ(second->geom_size[3 * 6], 0.05);
}

TEST(DmcModels, UnknownDomainAndBrokenMjcfThrow) {
  EXPECT_THROW(load_domain_model("humanoid"), Error);
  try {
    compile_mjcf({{"broken.xml", "<mujoco><worldbody><geom type='sphere'/></worldbody>"}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.xml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace arq::dmc
