#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) in portable software. TensorBoard's
// record framing needs it, and binary snapshots use it to detect corruption.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace arq {

// CRC-32C of `size` bytes. Chain calls by passing the previous result as `crc`:
// crc32c(b, nb, crc32c(a, na)) == crc32c of the concatenation a+b.
uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);

inline uint32_t crc32c(std::string_view bytes, uint32_t crc = 0) {
  return crc32c(bytes.data(), bytes.size(), crc);
}

// The "masked" form TFRecord files store: a CRC of data that itself contains CRCs is weak, so
// the stored value is rotated and offset.
inline uint32_t mask_crc32c(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

}  // namespace arq
