#include "arq/render/env_frames.h"

#include "arq/core/error.h"
#include "arq/env/dmc/action_repeat.h"
#include "arq/env/dmc/bang_bang.h"
#include "arq/env/dmc/dmc_env.h"
#include "arq/env/minatar/game.h"
#include "arq/env/minatar/minatar_env.h"
#include "arq/render/colour_cube.h"
#include "arq/render/minatar_frames.h"
#include "arq/render/mujoco_renderer.h"

namespace arq::render {
namespace {

class MinAtarFrames final : public EnvFrames {
 public:
  MinAtarFrames(const minatar::MinAtarEnv& env, int scale)
      : env_(env),
        channels_(env.game().num_channels()),
        scale_(scale),
        palette_(minatar_palette(channels_)) {
    if (scale < 1 || scale > 64) {
      throw Error("MinAtar frames: scale must be in [1, 64], got " + std::to_string(scale));
    }
  }
  int width() const override { return minatar::kGridSize * scale_; }
  int height() const override { return minatar::kGridSize * scale_; }
  const std::vector<Rgb>& palette() const override { return palette_; }
  void draw(std::span<uint8_t> indices) override {
    draw_minatar_frame(env_.grid(), channels_, scale_, indices);
  }

 private:
  const minatar::MinAtarEnv& env_;
  int channels_;
  int scale_;
  std::vector<Rgb> palette_;
};

class DmcFrames final : public EnvFrames {
 public:
  DmcFrames(const dmc::DmcEnv& env, int size, const std::string& camera)
      : env_(env),
        renderer_(env.physics().model(), size, size, camera),
        palette_(colour_cube_palette()),
        rgb_(static_cast<size_t>(size) * size * 3) {}
  int width() const override { return renderer_.width(); }
  int height() const override { return renderer_.height(); }
  const std::vector<Rgb>& palette() const override { return palette_; }
  void draw(std::span<uint8_t> indices) override {
    renderer_.render(env_.physics().data(), rgb_);
    quantize_to_colour_cube(rgb_, indices);
  }

 private:
  const dmc::DmcEnv& env_;
  MujocoRenderer renderer_;
  std::vector<Rgb> palette_;
  std::vector<uint8_t> rgb_;
};

// The innermost environment, through the DMC wrappers.
const Env& unwrap(const Env& env) {
  if (const auto* bang_bang = dynamic_cast<const dmc::BangBangEnv*>(&env)) {
    return unwrap(bang_bang->inner());
  }
  if (const auto* repeat = dynamic_cast<const dmc::ActionRepeatEnv*>(&env)) {
    return unwrap(repeat->inner());
  }
  return env;
}

}  // namespace

std::unique_ptr<EnvFrames> make_env_frames(const Env& env, const FrameOptions& options) {
  const Env& inner = unwrap(env);
  if (const auto* minatar_env = dynamic_cast<const minatar::MinAtarEnv*>(&inner)) {
    return std::make_unique<MinAtarFrames>(*minatar_env, options.minatar_scale);
  }
  if (const auto* dmc_env = dynamic_cast<const dmc::DmcEnv*>(&inner)) {
    return std::make_unique<DmcFrames>(*dmc_env, options.dmc_size, options.dmc_camera);
  }
  throw Error("rendering: no frames for environment '" + env.spec().id +
              "' (MinAtar and DMC environments can be drawn)");
}

}  // namespace arq::render
