// The GIF writer against an independent decoder: LZW streams and whole animations decode to
// exactly what was written.
#include "arq/render/gif_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "render/gif_decoder.h"

namespace arq::render {
namespace {

using testing::decode_gif;
using testing::lzw_decode;

std::vector<uint8_t> random_indices(size_t count, int colours, std::mt19937& rng) {
  std::uniform_int_distribution<int> index(0, colours - 1);
  std::vector<uint8_t> out(count);
  for (auto& value : out) value = static_cast<uint8_t>(index(rng));
  return out;
}

TEST(GifLzw, RandomStreamsRoundTripThroughTableResets) {
  std::mt19937 rng(7);
  for (const int min_code_size : {2, 3, 5, 8}) {
    const std::vector<uint8_t> pixels = random_indices(150'000, 1 << min_code_size, rng);
    int clears = 0;
    const std::string codes = gif_lzw_encode(pixels, min_code_size);
    EXPECT_EQ(lzw_decode(codes, min_code_size, pixels.size(), &clears), pixels)
        << "min code size " << min_code_size;
    // Random data fills the 4096-code table many times over: each fill needs a clear code.
    EXPECT_GT(clears, 3) << "min code size " << min_code_size;
  }
}

// Every stream length ends at a different table size, including right where the decoder widens
// its codes after the last one (before end-of-information) and right after a table reset.
TEST(GifLzw, EveryEndingDecodes) {
  std::mt19937 rng(11);
  for (size_t length = 0; length < 3000; ++length) {
    const std::vector<uint8_t> pixels = random_indices(length, 4, rng);
    ASSERT_EQ(lzw_decode(gif_lzw_encode(pixels, 2), 2, length), pixels) << "length " << length;
  }
  for (size_t length = 4000; length < 4400; ++length) {
    const std::vector<uint8_t> pixels = random_indices(length, 256, rng);
    ASSERT_EQ(lzw_decode(gif_lzw_encode(pixels, 8), 8, length), pixels) << "length " << length;
  }
}

TEST(GifLzw, LongRunsCompress) {
  const std::vector<uint8_t> pixels(100'000, 3);
  const std::string codes = gif_lzw_encode(pixels, 2);
  EXPECT_LT(codes.size(), 1'500u);
  EXPECT_EQ(lzw_decode(codes, 2, pixels.size()), pixels);
}

TEST(GifLzw, RejectsIndicesThatDoNotFit) {
  const std::vector<uint8_t> pixels{0, 1, 4};
  EXPECT_THROW(gif_lzw_encode(pixels, 2), Error);
  EXPECT_THROW(gif_lzw_encode(pixels, 1), Error);
  EXPECT_THROW(gif_lzw_encode(pixels, 9), Error);
}

std::vector<Rgb> random_palette(int size, std::mt19937& rng) {
  std::vector<Rgb> palette;
  for (int i = 0; i < size; ++i) {
    palette.push_back(
        {static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())});
  }
  return palette;
}

// Frames that change in random rectangles (and sometimes not at all) decode to the same frames,
// delays, palette and loop setting.
void expect_animation_round_trips(int palette_size, int width, int height, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<Rgb> palette = random_palette(palette_size, rng);
  GifWriter writer(width, height, palette, /*loop_count=*/0);
  std::vector<std::vector<uint8_t>> frames;
  std::vector<int> delays;
  std::vector<uint8_t> frame =
      random_indices(static_cast<size_t>(width) * height, palette_size, rng);
  for (int f = 0; f < 25; ++f) {
    if (f > 0 && f % 5 != 0) {
      std::uniform_int_distribution<int> x_at(0, width - 1), y_at(0, height - 1);
      const int x0 = x_at(rng), y0 = y_at(rng);
      const int x1 = std::min(width, x0 + 1 + x_at(rng) / 2);
      const int y1 = std::min(height, y0 + 1 + y_at(rng) / 2);
      std::uniform_int_distribution<int> colour(0, palette_size - 1);
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) frame[static_cast<size_t>(y) * width + x] = colour(rng);
      }
    }
    frames.push_back(frame);
    delays.push_back(1 + f * 3);
    writer.add_frame(frame, delays.back());
  }
  const testing::DecodedGif gif = decode_gif(writer.bytes());
  EXPECT_EQ(gif.width, width);
  EXPECT_EQ(gif.height, height);
  EXPECT_EQ(gif.loop_count, 0);
  ASSERT_GE(gif.palette.size(), palette.size());
  EXPECT_TRUE(std::equal(palette.begin(), palette.end(), gif.palette.begin()));
  ASSERT_EQ(gif.frames.size(), frames.size());
  for (size_t f = 0; f < frames.size(); ++f) {
    EXPECT_EQ(gif.frames[f], frames[f]) << "frame " << f;
    EXPECT_EQ(gif.delays[f], delays[f]) << "frame " << f;
  }
  if (palette_size < 256) {
    // Delta frames: unchanged frames (every 5th) are stored as a single transparent pixel.
    EXPECT_EQ(gif.image_widths[5], 1);
  } else {
    for (int stored : gif.image_widths) EXPECT_EQ(stored, width);
  }
}

TEST(GifWriter, AnimationsRoundTripExactly) {
  expect_animation_round_trips(2, 31, 17, 1);
  expect_animation_round_trips(5, 64, 64, 2);
  expect_animation_round_trips(200, 80, 60, 3);
  expect_animation_round_trips(255, 70, 70, 4);
  expect_animation_round_trips(256, 90, 50, 5);  // no spare index: whole frames
}

TEST(GifWriter, SavesTheSameBytesAtomically) {
  std::mt19937 rng(3);
  GifWriter writer(12, 9, random_palette(6, rng), 3);
  writer.add_frame(random_indices(12 * 9, 6, rng), 10);
  writer.add_frame(random_indices(12 * 9, 6, rng), 20);
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("arq_gif_test_" + std::to_string(getpid()) + ".gif");
  writer.save(path.string());
  const std::string bytes = read_file(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(bytes, writer.bytes());
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  EXPECT_EQ(bytes.back(), '\x3B');
  EXPECT_EQ(decode_gif(bytes).loop_count, 3);
}

TEST(GifWriter, RejectsBadInput) {
  const std::vector<Rgb> palette(4);
  EXPECT_THROW(GifWriter(0, 5, palette), Error);
  EXPECT_THROW(GifWriter(5, 5, std::vector<Rgb>{}), Error);
  EXPECT_THROW(GifWriter(5, 5, std::vector<Rgb>(257)), Error);
  GifWriter writer(5, 5, palette);
  EXPECT_THROW(writer.bytes(), Error);  // no frame yet
  EXPECT_THROW(writer.add_frame(std::vector<uint8_t>(24, 0), 5), Error);
  std::vector<uint8_t> frame(25, 0);
  frame[7] = 4;  // outside the 4-colour palette
  EXPECT_THROW(writer.add_frame(frame, 5), Error);
  frame[7] = 3;
  EXPECT_THROW(writer.add_frame(frame, -1), Error);
  writer.add_frame(frame, 5);
  EXPECT_EQ(writer.frame_count(), 1);
}

}  // namespace
}  // namespace arq::render
