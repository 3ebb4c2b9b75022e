#include "arq/render/minatar_frames.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/game.h"

namespace arq::render {
namespace {

// Green's (2011) cubehelix colour scheme with matplotlib's default parameters (start 0.5,
// rotations -1.5, hue 1, gamma 1): brightness rises monotonically from black to white while the
// hue turns, so every channel gets a distinct colour that stays distinct in grey scale.
Rgb cubehelix(double x) {
  constexpr double kStart = 0.5, kRotations = -1.5, kHue = 1.0;
  const double amplitude = kHue * x * (1.0 - x) / 2.0;
  const double angle = 2.0 * std::numbers::pi * (kStart / 3.0 + kRotations * x);
  const double c = std::cos(angle), s = std::sin(angle);
  auto to_byte = [](double v) {
    return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
  };
  return {to_byte(x + amplitude * (-0.14861 * c + 1.78277 * s)),
          to_byte(x + amplitude * (-0.29227 * c - 0.90649 * s)),
          to_byte(x + amplitude * (1.97294 * c))};
}

}  // namespace

std::vector<Rgb> minatar_palette(int channels) {
  if (channels < 1 || channels > 255) {
    throw Error("MinAtar palette: channel count must be in [1, 255], got " +
                std::to_string(channels));
  }
  std::vector<Rgb> palette{Rgb{0, 0, 0}};
  // seaborn samples a continuous map at n interior points, leaving out its black and white ends.
  for (int c = 0; c < channels; ++c) palette.push_back(cubehelix((c + 1.0) / (channels + 1.0)));
  return palette;
}

void draw_minatar_frame(std::span<const uint8_t> grid, int channels, int scale,
                        std::span<uint8_t> out) {
  constexpr int kCells = minatar::kGridSize;
  if (channels < 1 || channels > 255) {
    throw Error("MinAtar frame: channel count must be in [1, 255], got " +
                std::to_string(channels));
  }
  if (scale < 1) throw Error("MinAtar frame: scale must be >= 1, got " + std::to_string(scale));
  const size_t expected_grid = static_cast<size_t>(kCells) * kCells * channels;
  if (grid.size() != expected_grid) {
    throw Error("MinAtar frame: grid has " + std::to_string(grid.size()) + " values, expected " +
                std::to_string(expected_grid));
  }
  const int side = kCells * scale;
  if (out.size() != static_cast<size_t>(side) * side) {
    throw Error("MinAtar frame: output has " + std::to_string(out.size()) + " pixels, expected " +
                std::to_string(side) + " x " + std::to_string(side));
  }
  for (int y = 0; y < kCells; ++y) {
    for (int x = 0; x < kCells; ++x) {
      const uint8_t* cell = grid.data() + (static_cast<size_t>(y) * kCells + x) * channels;
      uint8_t colour = 0;
      for (int c = 0; c < channels; ++c) {
        if (cell[c] != 0) colour = static_cast<uint8_t>(c + 1);
      }
      for (int dy = 0; dy < scale; ++dy) {
        uint8_t* row = out.data() + static_cast<size_t>(y * scale + dy) * side + x * scale;
        std::fill(row, row + scale, colour);
      }
    }
  }
}

}  // namespace arq::render
