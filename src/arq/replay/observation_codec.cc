#include "arq/replay/observation_codec.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#ifdef __AVX2__
#include <immintrin.h>
#endif

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
  const float* values = observation.data();
  bool any_invalid = false;
  // Scalar packing of `count` values into one byte, branch-free (the bits look random, so
  // branches would mispredict); values are validated in the same pass.
  auto pack = [&](int64_t first, int64_t count) {
    uint32_t byte = 0;
    for (int64_t bit = 0; bit < count; ++bit) {
      const float value = values[first + bit];
      byte |= static_cast<uint32_t>(value == 1.0f) << bit;
      any_invalid |= (value != 0.0f) & (value != 1.0f);
    }
    return static_cast<uint8_t>(byte);
  };
  const int64_t full_bytes = observation_size_ / 8;
  int64_t done = 0;
#ifdef __AVX2__
  // Eight floats compared with 1 give exactly one byte of bits (lane i -> bit i).
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 zero = _mm256_setzero_ps();
  int valid_mask = 0xFF;
  for (; done < full_bytes; ++done) {
    const __m256 eight = _mm256_loadu_ps(values + done * 8);
    const __m256 is_one = _mm256_cmp_ps(eight, one, _CMP_EQ_OQ);
    const __m256 is_zero = _mm256_cmp_ps(eight, zero, _CMP_EQ_OQ);
    bytes[static_cast<size_t>(done)] = static_cast<uint8_t>(_mm256_movemask_ps(is_one));
    valid_mask &= _mm256_movemask_ps(_mm256_or_ps(is_one, is_zero));
  }
  any_invalid = valid_mask != 0xFF;
#endif
  for (; done < full_bytes; ++done) bytes[static_cast<size_t>(done)] = pack(done * 8, 8);
  if (full_bytes < bytes_per_observation_) {
    bytes[static_cast<size_t>(full_bytes)] =
        pack(full_bytes * 8, observation_size_ - full_bytes * 8);
  }
  if (any_invalid) {
    for (int64_t i = 0; i < observation_size_; ++i) {
      if (values[i] != 0.0f && values[i] != 1.0f) {
        throw Error("replay: binary observation value " + std::to_string(values[i]) + " at index " +
                    std::to_string(i) + " is not 0 or 1");
      }
    }
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
