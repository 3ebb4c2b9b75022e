// Two-link planar arm in a walled arena, reaching for a target sphere; contacts are disabled.
#include "arq/env/dmc/models.h"

namespace arq::dmc {

std::string_view reacher_mjcf() {
  // The target is a world geom: the task moves and resizes it by editing geom_pos/geom_size.
  static constexpr std::string_view kMjcf = R"MJCF(
<mujoco model="reacher">
  <include file="common/assets.xml"/>
  <option timestep="0.02">
    <flag contact="disable"/>
  </option>
  <default>
    <joint type="hinge" axis="0 0 1" damping="0.01"/>
    <motor gear="0.05" ctrlrange="-1 1" ctrllimited="true"/>
  </default>
  <worldbody>
    <light name="light" pos="0 0 1"/>
    <camera name="fixed" pos="0 0 0.75" quat="1 0 0 0"/>
    <geom name="ground" type="plane" pos="0 0 0" size="0.3 0.3 10" material="grid"/>
    <geom name="wall_x" type="plane" pos="-0.3 0 0.02" zaxis="1 0 0" size="0.02 0.3 0.02"
          material="decoration"/>
    <geom name="wall_y" type="plane" pos="0 -0.3 0.02" zaxis="0 1 0" size="0.3 0.02 0.02"
          material="decoration"/>
    <geom name="wall_neg_x" type="plane" pos="0.3 0 0.02" zaxis="-1 0 0" size="0.02 0.3 0.02"
          material="decoration"/>
    <geom name="wall_neg_y" type="plane" pos="0 0.3 0.02" zaxis="0 -1 0" size="0.3 0.02 0.02"
          material="decoration"/>
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.011" material="decoration"/>
    <body name="arm" pos="0 0 0.01">
      <geom name="arm" type="capsule" fromto="0 0 0 0.12 0 0" size="0.01" material="self"/>
      <joint name="shoulder"/>
      <body name="hand" pos="0.12 0 0">
        <geom name="hand" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" material="self"/>
        <joint name="wrist" limited="true" range="-160 160"/>
        <body name="finger" pos="0.12 0 0">
          <camera name="hand" pos="0 0 0.2" mode="track"/>
          <geom name="finger" type="sphere" size="0.01" material="effector"/>
        </body>
      </body>
    </body>
    <geom name="target" type="sphere" pos="0 0 0.01" size="0.05" material="target"/>
  </worldbody>
  <actuator>
    <motor name="shoulder" joint="shoulder"/>
    <motor name="wrist" joint="wrist"/>
  </actuator>
</mujoco>
)MJCF";
  return kMjcf;
}

}  // namespace arq::dmc
