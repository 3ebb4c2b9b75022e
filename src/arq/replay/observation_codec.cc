#include "arq/replay/observation_codec.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "arq/core/error.h"

namespace arq::replay {
namespace {

// The eight floats each byte value unpacks to, so decoding copies 32 bytes per 8 values.
using UnpackTable = std::array<std::array<float, 8>, 256>;

constexpr UnpackTable make_unpack_table() {
  UnpackTable table{};
  for (int byte = 0; byte < 256; ++byte) {
    for (int bit = 0; bit < 8; ++bit) table[byte][bit] = (byte >> bit) & 1 ? 1.0f : 0.0f;
  }
  return table;
}

constexpr UnpackTable kUnpackTable = make_unpack_table();

}  // namespace

ObservationCodec::ObservationCodec(int64_t observation_size, bool binary)
    : observation_size_(observation_size),
      binary_(binary),
      bytes_per_observation_(binary ? (observation_size + 7) / 8
                                    : observation_size * static_cast<int64_t>(sizeof(float))) {
  if (observation_size <= 0) {
    throw Error("replay: observation size must be positive, got " +
                std::to_string(observation_size));
  }
}

void ObservationCodec::check_sizes(size_t values, size_t bytes) const {
  if (static_cast<int64_t>(values) != observation_size_ ||
      static_cast<int64_t>(bytes) != bytes_per_observation_) {
    throw Error("replay: an observation of " + std::to_string(values) + " values in " +
                std::to_string(bytes) + " bytes, expected " + std::to_string(observation_size_) +
                " values in " + std::to_string(bytes_per_observation_) + " bytes");
  }
}

void ObservationCodec::encode(std::span<const float> observation, std::span<uint8_t> bytes) const {
  check_sizes(observation.size(), bytes.size());
  if (!binary_) {
    std::memcpy(bytes.data(), observation.data(), observation.size_bytes());
    return;
  }
  const int64_t size = observation_size_;
  for (int64_t byte_index = 0; byte_index < bytes_per_observation_; ++byte_index) {
    uint32_t byte = 0;
    const int64_t first = byte_index * 8;
    const int64_t count = std::min<int64_t>(8, size - first);
    for (int64_t bit = 0; bit < count; ++bit) {
      const float value = observation[static_cast<size_t>(first + bit)];
      if (value == 1.0f) {
        byte |= 1u << bit;
      } else if (value != 0.0f) {
        throw Error("replay: binary observation value " + std::to_string(value) + " at index " +
                    std::to_string(first + bit) + " is not 0 or 1");
      }
    }
    bytes[static_cast<size_t>(byte_index)] = static_cast<uint8_t>(byte);
  }
}

void ObservationCodec::decode(std::span<const uint8_t> bytes, std::span<float> observation) const {
  check_sizes(observation.size(), bytes.size());
  if (!binary_) {
    std::memcpy(observation.data(), bytes.data(), observation.size_bytes());
    return;
  }
  const int64_t full_bytes = observation_size_ / 8;
  float* out = observation.data();
  for (int64_t i = 0; i < full_bytes; ++i) {
    std::memcpy(out + i * 8, kUnpackTable[bytes[static_cast<size_t>(i)]].data(), 8 * sizeof(float));
  }
  const int64_t tail = observation_size_ - full_bytes * 8;
  for (int64_t bit = 0; bit < tail; ++bit) {
    out[full_bytes * 8 + bit] = kUnpackTable[bytes[static_cast<size_t>(full_bytes)]][bit];
  }
}

}  // namespace arq::replay
