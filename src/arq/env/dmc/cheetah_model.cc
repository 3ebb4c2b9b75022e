// Planar half-cheetah: a torso with head and two three-segment legs on sprung, damped joints.
#include "arq/env/dmc/models.h"

namespace arq::dmc {

std::string_view cheetah_mjcf() {
  // Masses are rescaled to a 14 kg total. Every geom is a capsule of radius 0.046; the ground keeps
  // MuJoCo's default friction, so contacts use the larger sliding coefficient, 1.
  static constexpr std::string_view kMjcf = R"MJCF(
<mujoco model="cheetah">
  <include file="common/assets.xml"/>
  <compiler settotalmass="14"/>
  <option timestep="0.01"/>
  <statistic center="0 0 0.7" extent="2"/>
  <default>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
    <default class="cheetah">
      <joint type="hinge" axis="0 1 0" limited="true" damping="0.01" armature="0.1" stiffness="8"/>
      <geom contype="1" conaffinity="1" condim="3" friction="0.4 0.1 0.1" material="self"/>
    </default>
    <default class="free">
      <joint limited="false" damping="0" armature="0" stiffness="0"/>
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" conaffinity="1" pos="98 0 0" size="100 0.8 0.5"
          material="grid"/>
    <body name="torso" pos="0 0 0.7" childclass="cheetah">
      <light name="light" pos="0 0 2" mode="trackcom"/>
      <camera name="side" pos="0 -3 0" quat="0.707 0.707 0 0" mode="trackcom"/>
      <camera name="back" pos="-1.8 -1.3 0.8" xyaxes="0.45 -0.9 0 0.3 0.15 0.94" mode="trackcom"/>
      <joint name="rootx" class="free" type="slide" axis="1 0 0"/>
      <joint name="rootz" class="free" type="slide" axis="0 0 1"/>
      <joint name="rooty" class="free" type="hinge" axis="0 1 0"/>
      <geom name="torso" type="capsule" fromto="-0.5 0 0 0.5 0 0" size="0.046"/>
      <geom name="head" type="capsule" pos="0.6 0 0.1" euler="0 50 0" size="0.046 0.15"/>
      <body name="bthigh" pos="-0.5 0 0">
        <joint name="bthigh" range="-30 60" stiffness="240" damping="6"/>
        <geom name="bthigh" type="capsule" pos="0.1 0 -0.13" euler="0 -218 0" size="0.046 0.145"/>
        <body name="bshin" pos="0.16 0 -0.25">
          <joint name="bshin" range="-50 50" stiffness="180" damping="4.5"/>
          <geom name="bshin" type="capsule" pos="-0.14 0 -0.07" euler="0 -116 0"
                size="0.046 0.15"/>
          <body name="bfoot" pos="-0.28 0 -0.14">
            <joint name="bfoot" range="-230 50" stiffness="120" damping="3"/>
            <geom name="bfoot" type="capsule" pos="0.03 0 -0.097" euler="0 -15 0"
                  size="0.046 0.094"/>
          </body>
        </body>
      </body>
      <body name="fthigh" pos="0.5 0 0">
        <joint name="fthigh" range="-57 0.4" stiffness="180" damping="4.5"/>
        <geom name="fthigh" type="capsule" pos="-0.07 0 -0.12" euler="0 30 0" size="0.046 0.133"/>
        <body name="fshin" pos="-0.14 0 -0.24">
          <joint name="fshin" range="-70 50" stiffness="120" damping="3"/>
          <geom name="fshin" type="capsule" pos="0.065 0 -0.09" euler="0 -34 0"
                size="0.046 0.106"/>
          <body name="ffoot" pos="0.13 0 -0.18">
            <joint name="ffoot" range="-28 28" stiffness="60" damping="1.5"/>
            <geom name="ffoot" type="capsule" pos="0.045 0 -0.07" euler="0 -34 0"
                  size="0.046 0.07"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <sensor>
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
  </sensor>
  <actuator>
    <motor name="bthigh" joint="bthigh" gear="120"/>
    <motor name="bshin" joint="bshin" gear="90"/>
    <motor name="bfoot" joint="bfoot" gear="60"/>
    <motor name="fthigh" joint="fthigh" gear="90"/>
    <motor name="fshin" joint="fshin" gear="60"/>
    <motor name="ffoot" joint="ffoot" gear="30"/>
  </actuator>
</mujoco>
)MJCF";
  return kMjcf;
}

}  // namespace arq::dmc
