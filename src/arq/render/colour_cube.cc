#include "arq/render/colour_cube.h"

#include <array>
#include <string>

#include "arq/core/error.h"

namespace arq::render {
namespace {

uint8_t level_value(int level, int levels) {
  return static_cast<uint8_t>((level * 255 + (levels - 1) / 2) / (levels - 1));
}

// Byte value -> nearest level, per channel, computed once.
struct LevelTables {
  std::array<uint8_t, 256> red{}, green{}, blue{};
  LevelTables() {
    for (int v = 0; v < 256; ++v) {
      red[v] = static_cast<uint8_t>((v * (kCubeRedLevels - 1) + 127) / 255);
      green[v] = static_cast<uint8_t>((v * (kCubeGreenLevels - 1) + 127) / 255);
      blue[v] = static_cast<uint8_t>((v * (kCubeBlueLevels - 1) + 127) / 255);
    }
  }
};

}  // namespace

std::vector<Rgb> colour_cube_palette() {
  std::vector<Rgb> palette;
  palette.reserve(kCubeRedLevels * kCubeGreenLevels * kCubeBlueLevels);
  for (int r = 0; r < kCubeRedLevels; ++r) {
    for (int g = 0; g < kCubeGreenLevels; ++g) {
      for (int b = 0; b < kCubeBlueLevels; ++b) {
        palette.push_back({level_value(r, kCubeRedLevels), level_value(g, kCubeGreenLevels),
                           level_value(b, kCubeBlueLevels)});
      }
    }
  }
  return palette;
}

void quantize_to_colour_cube(std::span<const uint8_t> rgb, std::span<uint8_t> out) {
  if (rgb.size() != out.size() * 3) {
    throw Error("colour cube: " + std::to_string(rgb.size()) + " RGB bytes for " +
                std::to_string(out.size()) + " pixels (expected 3 per pixel)");
  }
  static const LevelTables tables;
  for (size_t i = 0; i < out.size(); ++i) {
    const int r = tables.red[rgb[3 * i]];
    const int g = tables.green[rgb[3 * i + 1]];
    const int b = tables.blue[rgb[3 * i + 2]];
    out[i] = static_cast<uint8_t>((r * kCubeGreenLevels + g) * kCubeBlueLevels + b);
  }
}

}  // namespace arq::render
