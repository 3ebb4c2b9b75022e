#pragma once
// How the replay buffer stores one observation: as float32 values, or, for binary observations
// (MinAtar: every value is 0 or 1), one bit per value, least significant bit first, with unused
// bits of the last byte zero (so equal observations have equal bytes). A MinAtar observation of
// 10x10x10 values takes 125 bytes instead of 4000.
#include <cstdint>
#include <span>

namespace arq::replay {

class ObservationCodec {
 public:
  ObservationCodec(int64_t observation_size, bool binary);

  int64_t observation_size() const { return observation_size_; }
  bool binary() const { return binary_; }
  int64_t bytes_per_observation() const { return bytes_per_observation_; }

  // `observation` has observation_size() values; `bytes` has bytes_per_observation() bytes.
  // Binary codec: throws arq::Error naming the index and value of any value that is not 0 or 1.
  void encode(std::span<const float> observation, std::span<uint8_t> bytes) const;
  void decode(std::span<const uint8_t> bytes, std::span<float> observation) const;

 private:
  void check_sizes(size_t values, size_t bytes) const;

  int64_t observation_size_;
  bool binary_;
  int64_t bytes_per_observation_;
};

}  // namespace arq::replay
