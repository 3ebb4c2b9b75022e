#pragma once
// An animated GIF89a writer for palette images: one global palette, LZW-compressed frames, a
// per-frame delay and the NETSCAPE2.0 loop extension. Frames after the first are stored as the
// rectangle that changed, with unchanged pixels inside it made transparent, so a mostly static
// picture costs little. Decoders see exactly the frames that were added.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace arq::render {

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// GIF's LZW code stream for `indices` (each < 2^min_code_size, min_code_size in [2, 8]): clear
// code first, codes growing from min_code_size + 1 to 12 bits, a clear code whenever the table
// is full, end-of-information last; packed LSB-first. Not yet split into sub-blocks.
std::string gif_lzw_encode(std::span<const uint8_t> indices, int min_code_size);

class GifWriter {
 public:
  // `palette` holds 1..256 colours. When it has fewer than 256, the next free index serves as
  // the transparent colour of the delta frames; with 256 every frame is stored whole.
  // loop_count 0 loops forever. Throws arq::Error for an empty or oversized image or palette.
  GifWriter(int width, int height, std::span<const Rgb> palette, int loop_count = 0);

  int width() const { return width_; }
  int height() const { return height_; }
  int frame_count() const { return frame_count_; }

  // Adds a frame of width*height palette indices, row by row from the top, shown for
  // delay_centiseconds (1/100 s; 0..65535). Throws arq::Error on a wrong size, an index outside
  // the palette or a bad delay.
  void add_frame(std::span<const uint8_t> indices, int delay_centiseconds);

  // The whole file so far, with its trailer. Throws arq::Error when no frame was added.
  std::string bytes() const;

  // Writes bytes() to `path` atomically.
  void save(const std::string& path) const;

 private:
  void append_image(int left, int top, int width, int height, std::span<const uint8_t> pixels,
                    int delay_centiseconds, bool transparent);

  int width_;
  int height_;
  int palette_size_;
  int table_bits_;         // the global colour table holds 2^table_bits_ entries
  int transparent_index_;  // -1 when the palette is full
  int frame_count_ = 0;
  std::string data_;               // header, palette, loop extension and frames, no trailer
  std::vector<uint8_t> previous_;  // the last frame shown, for deltas
  std::vector<uint8_t> delta_;     // scratch: the changed rectangle of the current frame
};

}  // namespace arq::render
