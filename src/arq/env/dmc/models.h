#pragma once
// Our MJCF descriptions of the four DeepMind Control domains (written from the tables of their
// bodies, joints, geoms, actuators, sensors and options; docs/dmc.md). Element order is part of the
// contract: it fixes the ids, hence the observation and action layouts.
#include <string_view>

#include "arq/env/dmc/mujoco_model.h"

namespace arq::dmc {

// Shared visual assets: floor texture, materials, headlight (no skybox). No physics in here.
std::string_view common_assets_mjcf();

std::string_view walker_mjcf();
std::string_view hopper_mjcf();
std::string_view cheetah_mjcf();
std::string_view reacher_mjcf();

// The compiled model of a domain ("walker", "hopper", "cheetah" or "reacher"), a private copy.
// Compiles once per process and domain (thread-safe); throws arq::Error for an unknown domain.
ModelPtr load_domain_model(std::string_view domain);

}  // namespace arq::dmc
