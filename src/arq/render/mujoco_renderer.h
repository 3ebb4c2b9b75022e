#pragma once
// Offscreen pictures of a MuJoCo model through MuJoCo's own renderer (mjv_ scene, mjr_ context)
// in a headless OpenGL context: the same look as dm_control's frames.
#include <mujoco/mujoco.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "arq/render/offscreen_gl.h"

namespace arq::render {

class MujocoRenderer {
 public:
  // A width x height renderer for `model` (which must outlive it). The size may not exceed the
  // model's offscreen buffer (<visual><global offwidth offheight>, 640 x 480 by default).
  // `camera` names one of the model's cameras; "" takes the first camera, or a free camera
  // tracking the model's first body when it has none. Throws arq::Error for an unknown camera,
  // a bad size, or when no GL context can be made.
  MujocoRenderer(const mjModel& model, int width, int height, const std::string& camera = "");
  ~MujocoRenderer();
  MujocoRenderer(const MujocoRenderer&) = delete;
  MujocoRenderer& operator=(const MujocoRenderer&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }

  // Renders the state in `data` (of the same model) into `rgb`: width*height*3 bytes, top row
  // first. Throws arq::Error on a wrong output size.
  void render(const mjData& data, std::span<uint8_t> rgb);

 private:
  const mjModel& model_;
  int width_;
  int height_;
  OffscreenGl gl_;
  mjvScene scene_;
  mjvCamera camera_;
  mjvOption option_;
  mjvPerturb perturb_;  // unused (no mouse), but the scene update reads it
  mjrContext context_;
  std::vector<uint8_t> bottom_up_;  // mjr_readPixels returns rows bottom first
};

}  // namespace arq::render
