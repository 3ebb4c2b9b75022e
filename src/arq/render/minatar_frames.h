#pragma once
// Pictures of MinAtar observations in the style of MinAtar's own display: a black background and
// one colour per channel (seaborn's "cubehelix" palette of C colours), each cell a k x k block;
// where channels overlap, the later channel is drawn over the earlier ones.
#include <cstdint>
#include <span>
#include <vector>

#include "arq/render/gif_writer.h"

namespace arq::render {

// channels + 1 colours: index 0 is the black background, index c + 1 is channel c's colour.
// Throws arq::Error unless channels is in [1, 255].
std::vector<Rgb> minatar_palette(int channels);

// Draws a (10, 10, channels) grid of 0/1 bytes (y, x, channel order, as MinAtarEnv::grid() gives
// it) into `out`, (10 * scale)^2 palette indices of minatar_palette(channels), top row first.
// Throws arq::Error for a wrong grid or output size or a scale below 1.
void draw_minatar_frame(std::span<const uint8_t> grid, int channels, int scale,
                        std::span<uint8_t> out);

}  // namespace arq::render
