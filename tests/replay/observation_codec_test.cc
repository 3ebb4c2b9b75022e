#include "arq/replay/observation_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "arq/core/error.h"

namespace arq::replay {
namespace {

TEST(ObservationCodec, BinaryRoundTripForAwkwardSizes) {
  std::mt19937_64 rng(7);
  for (int64_t size : {1, 7, 8, 9, 63, 400, 700, 1000, 1001}) {
    const ObservationCodec codec(size, /*binary=*/true);
    EXPECT_EQ(codec.bytes_per_observation(), (size + 7) / 8);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<float> observation(static_cast<size_t>(size));
      for (float& value : observation) value = static_cast<float>(rng() & 1);
      std::vector<uint8_t> bytes(static_cast<size_t>(codec.bytes_per_observation()), 0xAB);
      codec.encode(observation, bytes);
      std::vector<float> decoded(static_cast<size_t>(size), -1.0f);
      codec.decode(bytes, decoded);
      ASSERT_EQ(decoded, observation) << "size " << size;
      // Unused bits of the last byte are zero, so equal observations have equal bytes.
      if (size % 8 != 0) {
        EXPECT_EQ(bytes.back() >> (size % 8), 0) << "size " << size;
      }
    }
  }
}

TEST(ObservationCodec, BitOrderIsLeastSignificantFirst) {
  const ObservationCodec codec(10, true);
  std::vector<float> observation(10, 0.0f);
  observation[0] = 1.0f;
  observation[3] = 1.0f;
  observation[9] = 1.0f;
  std::vector<uint8_t> bytes(2);
  codec.encode(observation, bytes);
  EXPECT_EQ(bytes[0], 0b00001001);
  EXPECT_EQ(bytes[1], 0b00000010);
}

TEST(ObservationCodec, BinaryRejectsOtherValuesNamingTheIndex) {
  const ObservationCodec codec(16, true);
  std::vector<uint8_t> bytes(2);
  for (float bad : {0.5f, 2.0f, -1.0f, NAN, INFINITY}) {
    std::vector<float> observation(16, 1.0f);
    observation[11] = bad;
    try {
      codec.encode(observation, bytes);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("index 11"), std::string::npos) << e.what();
    }
  }
}

TEST(ObservationCodec, FloatKeepsValuesExactly) {
  const ObservationCodec codec(5, false);
  EXPECT_EQ(codec.bytes_per_observation(), 20);
  const std::vector<float> observation = {-1.5f, 3e-38f, 1e30f, 0.1f, -0.0f};
  std::vector<uint8_t> bytes(20);
  codec.encode(observation, bytes);
  std::vector<float> decoded(5);
  codec.decode(bytes, decoded);
  EXPECT_EQ(decoded, observation);
  EXPECT_TRUE(std::signbit(decoded[4]));
}

TEST(ObservationCodec, RejectsWrongSizesAndNonPositiveObservationSize) {
  const ObservationCodec codec(16, true);
  std::vector<float> short_observation(15);
  std::vector<uint8_t> bytes(2);
  EXPECT_THROW(codec.encode(short_observation, bytes), Error);
  std::vector<float> observation(16);
  std::vector<uint8_t> short_bytes(1);
  EXPECT_THROW(codec.decode(short_bytes, observation), Error);
  EXPECT_THROW(ObservationCodec(0, true), Error);
}

}  // namespace
}  // namespace arq::replay
