#include "arq/render/gif_writer.h"

#include <algorithm>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq::render {
namespace {

constexpr int kMaxCodeBits = 12;
constexpr int kMaxCodes = 1 << kMaxCodeBits;  // 4096: the table is full at this many codes

// LSB-first bit packing, as GIF stores its codes.
class BitPacker {
 public:
  explicit BitPacker(std::string& out) : out_(out) {}
  void put(int code, int bits) {
    accumulator_ |= static_cast<uint32_t>(code) << pending_bits_;
    pending_bits_ += bits;
    while (pending_bits_ >= 8) {
      out_.push_back(static_cast<char>(accumulator_ & 0xFF));
      accumulator_ >>= 8;
      pending_bits_ -= 8;
    }
  }
  void flush() {
    if (pending_bits_ > 0) out_.push_back(static_cast<char>(accumulator_ & 0xFF));
    accumulator_ = 0;
    pending_bits_ = 0;
  }

 private:
  std::string& out_;
  uint32_t accumulator_ = 0;
  int pending_bits_ = 0;
};

// The string table as "prefix code + next index -> code", open addressing at <= 50% load.
class LzwTable {
 public:
  static constexpr int kSlots = 2 * kMaxCodes;
  LzwTable() : keys_(kSlots, kEmpty), codes_(kSlots, 0) {}
  void clear() { std::fill(keys_.begin(), keys_.end(), kEmpty); }
  // The code of (prefix, index) or -1; `slot` receives where to insert it when absent.
  int find(int prefix, int index, int& slot) const {
    const int32_t key = (prefix << 8) | index;
    int at = static_cast<int>((static_cast<uint32_t>(key) * 2654435761u) >> 19) & (kSlots - 1);
    while (keys_[at] != kEmpty) {
      if (keys_[at] == key) return codes_[at];
      at = (at + 1) & (kSlots - 1);
    }
    slot = at;
    return -1;
  }
  void insert(int slot, int prefix, int index, int code) {
    keys_[slot] = (prefix << 8) | index;
    codes_[slot] = static_cast<int16_t>(code);
  }

 private:
  static constexpr int32_t kEmpty = -1;
  std::vector<int32_t> keys_;
  std::vector<int16_t> codes_;
};

void put_u16(std::string& out, int value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>((value >> 8) & 0xFF));
}

void put_byte(std::string& out, int value) {
  out.push_back(static_cast<char>(value));
}

}  // namespace

std::string gif_lzw_encode(std::span<const uint8_t> indices, int min_code_size) {
  if (min_code_size < 2 || min_code_size > 8) {
    throw Error("GIF LZW: minimum code size must be in [2, 8], got " +
                std::to_string(min_code_size));
  }
  const int clear_code = 1 << min_code_size;
  const int end_code = clear_code + 1;
  const int first_free = clear_code + 2;
  std::string out;
  BitPacker bits(out);
  int code_size = min_code_size + 1;
  bits.put(clear_code, code_size);
  if (indices.empty()) {
    bits.put(end_code, code_size);
    bits.flush();
    return out;
  }
  auto checked = [&](uint8_t index) {
    if (index >= clear_code) {
      throw Error("GIF LZW: pixel index " + std::to_string(index) + " does not fit " +
                  std::to_string(min_code_size) + " bits");
    }
    return static_cast<int>(index);
  };
  LzwTable table;
  int next_code = first_free;
  int prefix = checked(indices[0]);
  for (size_t i = 1; i < indices.size(); ++i) {
    const int index = checked(indices[i]);
    int slot = 0;
    const int code = table.find(prefix, index, slot);
    if (code >= 0) {
      prefix = code;
      continue;
    }
    bits.put(prefix, code_size);
    table.insert(slot, prefix, index, next_code);
    // The decoder adds this entry one code later and widens its codes as soon as its next free
    // code no longer fits; widening here when the entry just added does not fit keeps the two
    // in step.
    if (next_code == (1 << code_size) && code_size < kMaxCodeBits) ++code_size;
    ++next_code;
    if (next_code == kMaxCodes) {
      bits.put(clear_code, code_size);
      table.clear();
      code_size = min_code_size + 1;
      next_code = first_free;
    }
    prefix = index;
  }
  bits.put(prefix, code_size);
  // The decoder also adds an entry after the last code, and may widen before end-of-information.
  if (next_code == (1 << code_size) && code_size < kMaxCodeBits) ++code_size;
  bits.put(end_code, code_size);
  bits.flush();
  return out;
}

GifWriter::GifWriter(int width, int height, std::span<const Rgb> palette, int loop_count)
    : width_(width), height_(height), palette_size_(static_cast<int>(palette.size())) {
  if (width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    throw Error("GIF: image size must be in [1, 65535] x [1, 65535], got " + std::to_string(width) +
                " x " + std::to_string(height));
  }
  if (palette.empty() || palette.size() > 256) {
    throw Error("GIF: palette must hold 1 to 256 colours, got " + std::to_string(palette.size()));
  }
  if (loop_count < 0 || loop_count > 65535) {
    throw Error("GIF: loop count must be in [0, 65535], got " + std::to_string(loop_count));
  }
  transparent_index_ = palette_size_ < 256 ? palette_size_ : -1;
  const int entries = palette_size_ + (transparent_index_ >= 0 ? 1 : 0);
  table_bits_ = 1;
  while ((1 << table_bits_) < entries) ++table_bits_;

  data_ = "GIF89a";
  put_u16(data_, width_);
  put_u16(data_, height_);
  // Global colour table present, 8 bits per primary, table of 2^table_bits_ entries.
  put_byte(data_, 0x80 | (7 << 4) | (table_bits_ - 1));
  put_byte(data_, 0);  // background colour index
  put_byte(data_, 0);  // square pixels
  for (int i = 0; i < (1 << table_bits_); ++i) {
    const Rgb colour = i < palette_size_ ? palette[i] : Rgb{};
    put_byte(data_, colour.r);
    put_byte(data_, colour.g);
    put_byte(data_, colour.b);
  }
  // NETSCAPE2.0 application extension: loop the animation.
  put_byte(data_, 0x21);
  put_byte(data_, 0xFF);
  put_byte(data_, 11);
  data_ += "NETSCAPE2.0";
  put_byte(data_, 3);
  put_byte(data_, 1);
  put_u16(data_, loop_count);
  put_byte(data_, 0);
  previous_.assign(static_cast<size_t>(width_) * height_, 0);
}

void GifWriter::add_frame(std::span<const uint8_t> indices, int delay_centiseconds) {
  const size_t pixels = static_cast<size_t>(width_) * height_;
  if (indices.size() != pixels) {
    throw Error("GIF: frame has " + std::to_string(indices.size()) + " pixels, expected " +
                std::to_string(width_) + " x " + std::to_string(height_));
  }
  if (delay_centiseconds < 0 || delay_centiseconds > 65535) {
    throw Error("GIF: frame delay must be in [0, 65535] centiseconds, got " +
                std::to_string(delay_centiseconds));
  }
  for (uint8_t index : indices) {
    if (index >= palette_size_) {
      throw Error("GIF: pixel index " + std::to_string(index) + " outside the palette of " +
                  std::to_string(palette_size_) + " colours");
    }
  }
  if (frame_count_ == 0 || transparent_index_ < 0) {
    append_image(0, 0, width_, height_, indices, delay_centiseconds, false);
  } else {
    // The rectangle of changed pixels (a 1 x 1 transparent one when nothing changed).
    int left = width_, right = -1, top = height_, bottom = -1;
    for (int y = 0; y < height_; ++y) {
      const size_t row = static_cast<size_t>(y) * width_;
      for (int x = 0; x < width_; ++x) {
        if (indices[row + x] != previous_[row + x]) {
          left = std::min(left, x);
          right = std::max(right, x);
          top = std::min(top, y);
          bottom = std::max(bottom, y);
        }
      }
    }
    if (right < 0) left = right = top = bottom = 0;
    const int rect_width = right - left + 1;
    const int rect_height = bottom - top + 1;
    delta_.resize(static_cast<size_t>(rect_width) * rect_height);
    for (int y = 0; y < rect_height; ++y) {
      for (int x = 0; x < rect_width; ++x) {
        const size_t at = static_cast<size_t>(top + y) * width_ + left + x;
        delta_[static_cast<size_t>(y) * rect_width + x] =
            indices[at] == previous_[at] ? static_cast<uint8_t>(transparent_index_) : indices[at];
      }
    }
    append_image(left, top, rect_width, rect_height, delta_, delay_centiseconds, true);
  }
  std::copy(indices.begin(), indices.end(), previous_.begin());
  ++frame_count_;
}

void GifWriter::append_image(int left, int top, int width, int height,
                             std::span<const uint8_t> pixels, int delay_centiseconds,
                             bool transparent) {
  // Graphic control extension: disposal 1 (keep the frame: the next one draws over it).
  put_byte(data_, 0x21);
  put_byte(data_, 0xF9);
  put_byte(data_, 4);
  put_byte(data_, (1 << 2) | (transparent ? 1 : 0));
  put_u16(data_, delay_centiseconds);
  put_byte(data_, transparent ? transparent_index_ : 0);
  put_byte(data_, 0);
  // Image descriptor: no local colour table, not interlaced.
  put_byte(data_, 0x2C);
  put_u16(data_, left);
  put_u16(data_, top);
  put_u16(data_, width);
  put_u16(data_, height);
  put_byte(data_, 0);
  const int min_code_size = std::max(2, table_bits_);
  put_byte(data_, min_code_size);
  const std::string codes = gif_lzw_encode(pixels, min_code_size);
  for (size_t at = 0; at < codes.size(); at += 255) {
    const size_t length = std::min<size_t>(255, codes.size() - at);
    put_byte(data_, static_cast<int>(length));
    data_.append(codes, at, length);
  }
  put_byte(data_, 0);  // block terminator
}

std::string GifWriter::bytes() const {
  if (frame_count_ == 0) throw Error("GIF: no frame was added");
  return data_ + '\x3B';
}

void GifWriter::save(const std::string& path) const {
  write_file_atomic(path, bytes());
}

}  // namespace arq::render
