#pragma once
// A small independent GIF decoder for the tests: parses the blocks, decodes LZW the way viewers
// do (codes widen when the next free code no longer fits, a full table stops growing) and
// composites each image onto the canvas (disposal "keep", transparency), giving the frames a
// viewer would show.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "arq/render/gif_writer.h"

namespace arq::render::testing {

// Decodes a GIF LZW code stream into exactly `pixels` indices; throws on a malformed stream.
// `clear_codes` (optional) counts the clear codes after the first.
inline std::vector<uint8_t> lzw_decode(const std::string& codes, int min_code_size, size_t pixels,
                                       int* clear_codes = nullptr) {
  const int clear_code = 1 << min_code_size;
  const int end_code = clear_code + 1;
  std::vector<int> prefix(4096, -1);
  std::vector<uint8_t> suffix(4096, 0);
  std::vector<uint8_t> first(4096, 0);
  for (int i = 0; i < clear_code; ++i) suffix[i] = first[i] = static_cast<uint8_t>(i);
  int code_size = min_code_size + 1;
  int next_code = clear_code + 2;
  int previous = -1;
  size_t bit = 0;
  std::vector<uint8_t> out;
  std::vector<uint8_t> stack;
  auto read_code = [&]() {
    if (bit + code_size > codes.size() * 8) throw std::runtime_error("LZW: stream ends early");
    int code = 0;
    for (int b = 0; b < code_size; ++b, ++bit) {
      code |= ((static_cast<uint8_t>(codes[bit / 8]) >> (bit % 8)) & 1) << b;
    }
    return code;
  };
  auto emit = [&](int code) {
    stack.clear();
    for (int c = code; c >= 0; c = prefix[c]) stack.push_back(suffix[c]);
    out.insert(out.end(), stack.rbegin(), stack.rend());
  };
  for (;;) {
    const int code = read_code();
    if (code == clear_code) {
      if (clear_codes != nullptr && bit > static_cast<size_t>(min_code_size + 1)) ++*clear_codes;
      code_size = min_code_size + 1;
      next_code = clear_code + 2;
      previous = -1;
      continue;
    }
    if (code == end_code) break;
    if (previous < 0) {
      if (code >= clear_code) throw std::runtime_error("LZW: first code is not a pixel");
      emit(code);
      previous = code;
      continue;
    }
    if (code > next_code || (code == next_code && next_code >= 4096)) {
      throw std::runtime_error("LZW: code " + std::to_string(code) + " beyond the table (" +
                               std::to_string(next_code) + ")");
    }
    const uint8_t head = code < next_code ? first[code] : first[previous];
    if (next_code < 4096) {
      prefix[next_code] = previous;
      suffix[next_code] = head;
      first[next_code] = first[previous];
      ++next_code;
      if (next_code == (1 << code_size) && code_size < 12) ++code_size;
    }
    emit(code);
    previous = code;
  }
  if (out.size() != pixels) {
    throw std::runtime_error("LZW: " + std::to_string(out.size()) + " pixels, expected " +
                             std::to_string(pixels));
  }
  return out;
}

struct DecodedGif {
  int width = 0;
  int height = 0;
  std::vector<Rgb> palette;                  // the whole global table
  int loop_count = -1;                       // -1: no NETSCAPE2.0 extension
  std::vector<std::vector<uint8_t>> frames;  // the canvas after each image
  std::vector<int> delays;
  std::vector<int> image_widths;  // of each stored image (smaller for delta frames)
};

inline DecodedGif decode_gif(const std::string& gif) {
  size_t at = 0;
  auto need = [&](size_t n) {
    if (at + n > gif.size())
      throw std::runtime_error("GIF: truncated at byte " + std::to_string(at));
  };
  auto byte = [&]() {
    need(1);
    return static_cast<int>(static_cast<uint8_t>(gif[at++]));
  };
  auto u16 = [&]() {
    const int low = byte();
    return low | (byte() << 8);
  };
  auto sub_blocks = [&]() {
    std::string data;
    for (int length = byte(); length != 0; length = byte()) {
      need(length);
      data.append(gif, at, length);
      at += length;
    }
    return data;
  };
  need(6);
  if (gif.compare(0, 6, "GIF89a") != 0) throw std::runtime_error("GIF: bad signature");
  at = 6;
  DecodedGif result;
  result.width = u16();
  result.height = u16();
  const int packed = byte();
  byte();  // background
  byte();  // aspect
  if ((packed & 0x80) == 0) throw std::runtime_error("GIF: no global colour table");
  const int entries = 1 << ((packed & 7) + 1);
  for (int i = 0; i < entries; ++i) {
    const int r = byte(), g = byte(), b = byte();
    result.palette.push_back(
        {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)});
  }
  std::vector<uint8_t> canvas(static_cast<size_t>(result.width) * result.height, 0);
  int delay = 0;
  int transparent = -1;
  for (;;) {
    const int introducer = byte();
    if (introducer == 0x3B) break;
    if (introducer == 0x21) {
      const int label = byte();
      if (label == 0xF9) {
        if (byte() != 4) throw std::runtime_error("GIF: bad graphic control block");
        const int flags = byte();
        delay = u16();
        const int index = byte();
        transparent = (flags & 1) ? index : -1;
        if (byte() != 0) throw std::runtime_error("GIF: graphic control not terminated");
      } else if (label == 0xFF) {
        const std::string block = sub_blocks();
        if (block.compare(0, 11, "NETSCAPE2.0") == 0 && block.size() == 14) {
          result.loop_count =
              static_cast<uint8_t>(block[12]) | (static_cast<uint8_t>(block[13]) << 8);
        }
      } else {
        sub_blocks();
      }
      continue;
    }
    if (introducer != 0x2C)
      throw std::runtime_error("GIF: unknown block " + std::to_string(introducer));
    const int left = u16(), top = u16(), width = u16(), height = u16();
    if (byte() != 0) throw std::runtime_error("GIF: unexpected local table or interlace");
    if (left + width > result.width || top + height > result.height) {
      throw std::runtime_error("GIF: image outside the canvas");
    }
    const int min_code_size = byte();
    const std::vector<uint8_t> pixels =
        lzw_decode(sub_blocks(), min_code_size, static_cast<size_t>(width) * height);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        const uint8_t index = pixels[static_cast<size_t>(y) * width + x];
        if (index != transparent)
          canvas[static_cast<size_t>(top + y) * result.width + left + x] = index;
      }
    }
    result.frames.push_back(canvas);
    result.delays.push_back(delay);
    result.image_widths.push_back(width);
    transparent = -1;
  }
  if (at != gif.size()) throw std::runtime_error("GIF: bytes after the trailer");
  return result;
}

}  // namespace arq::render::testing
