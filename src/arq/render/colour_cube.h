#pragma once
// Fixed 256-colour quantisation for rendered RGB frames: the 6 x 7 x 6 colour cube (252
// colours; green gets the extra level because the eye resolves it best). Deterministic and
// frame-independent, so consecutive frames share one global palette and delta-compress well.
#include <cstdint>
#include <span>
#include <vector>

#include "arq/render/gif_writer.h"

namespace arq::render {

inline constexpr int kCubeRedLevels = 6;
inline constexpr int kCubeGreenLevels = 7;
inline constexpr int kCubeBlueLevels = 6;

// The 252 cube colours; index = (r * 7 + g) * 6 + b over the levels.
std::vector<Rgb> colour_cube_palette();

// Nearest cube colour of each RGB pixel (3 bytes each) into `out` (one index per pixel).
// Throws arq::Error when the sizes disagree.
void quantize_to_colour_cube(std::span<const uint8_t> rgb, std::span<uint8_t> out);

}  // namespace arq::render
