#pragma once
// Pictures of an environment's current state as palette images, ready for a GIF: MinAtar grids
// drawn cell by cell, DeepMind Control tasks rendered by MuJoCo and quantised to the colour cube.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "arq/env/env.h"
#include "arq/render/gif_writer.h"

namespace arq::render {

struct FrameOptions {
  int minatar_scale = 16;  // pixels per MinAtar cell
  int dmc_size = 160;      // DMC frames are dmc_size x dmc_size pixels
  std::string dmc_camera;  // "" = the model's first camera
};

class EnvFrames {
 public:
  virtual ~EnvFrames() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual const std::vector<Rgb>& palette() const = 0;
  // Draws the environment's current state: width*height indices into palette(), top row first.
  virtual void draw(std::span<uint8_t> indices) = 0;
};

// Frames of `env` (which must outlive the result), seen through its wrappers (bang-bang, action
// repeat). Throws arq::Error for an environment that cannot be drawn, a bad option, or a DMC
// task when no OpenGL context can be made.
std::unique_ptr<EnvFrames> make_env_frames(const Env& env, const FrameOptions& options);

}  // namespace arq::render
