// MinAtar frames: each cell is a k x k block in its channel's colour, later channels on top.
#include "arq/render/minatar_frames.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "arq/core/error.h"
#include "arq/env/registry.h"
#include "arq/render/env_frames.h"

namespace arq::render {
namespace {

double luminance(const Rgb& c) {
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

TEST(MinAtarPalette, BlackBackgroundAndDistinctBrighteningColours) {
  for (int channels : {1, 4, 6, 7, 10}) {
    const std::vector<Rgb> palette = minatar_palette(channels);
    ASSERT_EQ(palette.size(), static_cast<size_t>(channels + 1));
    EXPECT_EQ(palette[0], (Rgb{0, 0, 0}));
    std::set<std::tuple<int, int, int>> distinct;
    for (const Rgb& c : palette) distinct.insert({c.r, c.g, c.b});
    EXPECT_EQ(distinct.size(), palette.size()) << channels << " channels";
    // cubehelix brightens monotonically, so channels also differ in grey scale.
    for (int c = 1; c < channels; ++c) {
      EXPECT_LT(luminance(palette[c]), luminance(palette[c + 1])) << channels << " channels";
    }
    EXPECT_GT(luminance(palette[1]), 0.0);
    EXPECT_LT(luminance(palette[channels]), 255.0);
  }
  EXPECT_THROW(minatar_palette(0), Error);
}

TEST(MinAtarFrame, CellsBecomeBlocksAndLaterChannelsWin) {
  constexpr int kChannels = 4, kScale = 3, kSide = 10 * kScale;
  std::vector<uint8_t> grid(10 * 10 * kChannels, 0);
  auto set = [&](int y, int x, int c) { grid[(y * 10 + x) * kChannels + c] = 1; };
  set(2, 7, 1);  // alone: colour 2
  set(5, 0, 0);  // under channel 3: colour 4
  set(5, 0, 3);
  set(9, 9, 2);  // over channel 0: colour 3
  set(9, 9, 0);
  std::vector<uint8_t> frame(kSide * kSide, 99);
  draw_minatar_frame(grid, kChannels, kScale, frame);
  for (int py = 0; py < kSide; ++py) {
    for (int px = 0; px < kSide; ++px) {
      const int y = py / kScale, x = px / kScale;
      int expected = 0;
      if (y == 2 && x == 7) expected = 2;
      if (y == 5 && x == 0) expected = 4;
      if (y == 9 && x == 9) expected = 3;
      ASSERT_EQ(frame[py * kSide + px], expected) << "pixel (" << px << ", " << py << ")";
    }
  }
  EXPECT_THROW(draw_minatar_frame(grid, kChannels, 0, frame), Error);
  EXPECT_THROW(draw_minatar_frame(grid, 3, kScale, frame), Error);  // grid size disagrees
  std::vector<uint8_t> small(kSide * kSide - 1);
  EXPECT_THROW(draw_minatar_frame(grid, kChannels, kScale, small), Error);
}

// A real Breakout start: three rows of bricks (channel 3) and the paddle (channel 0) in the
// middle of the bottom row.
TEST(MinAtarFrame, BreakoutAfterReset) {
  auto env = make_env("minatar/breakout-v1");
  env->reset(0);
  FrameOptions options;
  options.minatar_scale = 2;
  auto frames = make_env_frames(*env, options);
  ASSERT_EQ(frames->width(), 20);
  ASSERT_EQ(frames->height(), 20);
  ASSERT_EQ(frames->palette().size(), 5u);
  std::vector<uint8_t> frame(20 * 20);
  frames->draw(frame);
  auto cell = [&](int y, int x) { return frame[(2 * y) * 20 + 2 * x]; };
  for (int x = 0; x < 10; ++x) {
    EXPECT_EQ(cell(1, x), 4);
    EXPECT_EQ(cell(2, x), 4);
    EXPECT_EQ(cell(0, x), 0);
    EXPECT_EQ(cell(9, x), x == 4 ? 1 : 0);
  }
  options.minatar_scale = 0;
  EXPECT_THROW(make_env_frames(*env, options), Error);
}

}  // namespace
}  // namespace arq::render
