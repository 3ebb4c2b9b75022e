// DMC frames through MuJoCo's offscreen renderer: a real picture, deterministic, and rendering
// never touches the physics. Skipped only when this machine cannot make a headless GL context.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "arq/core/error.h"
#include "arq/env/dmc/dmc_env.h"
#include "arq/env/registry.h"
#include "arq/render/colour_cube.h"
#include "arq/render/env_frames.h"
#include "arq/render/offscreen_gl.h"

namespace arq::render {
namespace {

constexpr int kSize = 96;

// Frames of a fresh walker reset with `seed`, or nullptr (with the reason) when no GL context.
struct Walker {
  std::unique_ptr<Env> env;
  std::unique_ptr<EnvFrames> frames;
};

Walker make_walker(uint32_t seed, std::string& unavailable) {
  Walker walker{make_env("dmc/walker-walk"), nullptr};
  walker.env->reset(seed);
  FrameOptions options;
  options.dmc_size = kSize;
  try {
    walker.frames = make_env_frames(*walker.env, options);
  } catch (const Error& e) {
    unavailable = e.what();
  }
  return walker;
}

#define SKIP_WITHOUT_GL(walker, reason)                                    \
  if (!(walker).frames) {                                                  \
    GTEST_SKIP() << "no headless OpenGL context on this machine (backend " \
                 << OffscreenGl::backend() << "): " << (reason);           \
  }

TEST(DmcFrames, WalkerAfterResetIsAPicture) {
  std::string unavailable;
  Walker walker = make_walker(1, unavailable);
  SKIP_WITHOUT_GL(walker, unavailable);
  ASSERT_EQ(walker.frames->width(), kSize);
  ASSERT_EQ(walker.frames->palette(), colour_cube_palette());
  std::vector<uint8_t> frame(kSize * kSize);
  walker.frames->draw(frame);
  std::set<uint8_t> colours(frame.begin(), frame.end());
  EXPECT_GE(colours.size(), 6u) << "a lit, shaded scene has many colours";
  // The walker's body (material "self", orange 0.7 0.5 0.3) fills part of the middle columns of
  // the tracking side camera; count clearly orange pixels (red > green > blue) there and in the
  // outer columns, which only show floor and sky.
  const auto& palette = walker.frames->palette();
  auto orange = [&](uint8_t index) {
    const Rgb& c = palette[index];
    return c.r > c.g + 20 && c.g > c.b + 20;
  };
  int middle = 0, outer = 0;
  for (int y = 0; y < kSize; ++y) {
    for (int x = 0; x < kSize; ++x) {
      const bool is_orange = orange(frame[y * kSize + x]);
      if (x >= kSize * 3 / 8 && x < kSize * 5 / 8) middle += is_orange;
      if (x < kSize / 8 || x >= kSize * 7 / 8) outer += is_orange;
    }
  }
  EXPECT_GT(middle, kSize * kSize / 50) << "the body should be visible in the middle";
  EXPECT_EQ(outer, 0) << "the edges should show no body";
  // The floor (lower half) differs from the background above the walker.
  EXPECT_NE(frame[2 * kSize + 2], frame[(kSize - 3) * kSize + 2]);
}

TEST(DmcFrames, SameSeedSameBytesAndPhysicsUntouched) {
  std::string unavailable;
  Walker rendered = make_walker(5, unavailable);
  SKIP_WITHOUT_GL(rendered, unavailable);
  Walker again = make_walker(5, unavailable);
  ASSERT_TRUE(again.frames) << unavailable;
  auto plain = make_env("dmc/walker-walk");
  plain->reset(5);
  std::vector<uint8_t> first(kSize * kSize), second(kSize * kSize);
  const std::vector<double> action{0.3, -0.5, 0.9, -1.0, 0.2, 0.7};
  for (int step = 0; step < 20; ++step) {
    rendered.frames->draw(first);
    if (step % 5 == 0) {
      again.frames->draw(second);
      ASSERT_EQ(first, second) << "step " << step;
    }
    rendered.env->step_continuous(action);
    again.env->step_continuous(action);
    plain->step_continuous(action);
  }
  const auto& with_frames = dynamic_cast<const dmc::DmcEnv&>(*rendered.env).physics();
  const auto& without = dynamic_cast<const dmc::DmcEnv&>(*plain).physics();
  EXPECT_TRUE(std::ranges::equal(with_frames.qpos(), without.qpos()));
  EXPECT_TRUE(std::ranges::equal(with_frames.qvel(), without.qvel()));
}

TEST(DmcFrames, RejectsUnknownCameraAndOversizedFrames) {
  auto env = make_env("dmc/walker-walk:bangbang");
  env->reset(0);
  FrameOptions options;
  options.dmc_camera = "nose";
  try {
    make_env_frames(*env, options);
    FAIL() << "an unknown camera must be rejected";
  } catch (const Error& e) {
    const std::string message = e.what();
    if (message.find("offscreen rendering") != std::string::npos) GTEST_SKIP() << message;
    EXPECT_NE(message.find("'nose'"), std::string::npos) << message;
    EXPECT_NE(message.find("side"), std::string::npos) << message;
  }
  options.dmc_camera = "";
  options.dmc_size = 5000;
  EXPECT_THROW(make_env_frames(*env, options), Error);
}

}  // namespace
}  // namespace arq::render
