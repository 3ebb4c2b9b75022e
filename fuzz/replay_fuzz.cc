// Replay files (replay_<step>.bin of checkpoints): ReplayBuffer::load on the input written to a
// file. The first input byte steers the harness; the rest is the file. The buffer takes the shape
// the file's header declares (within small bounds; else that of the seed files), so files of any
// buffer reach the checks past the header. Byte bits: 1 = recompute the CRC-32C footer, so the
// fuzzer gets past the checksum to the ring's consistency checks; 2 = a buffer one slot larger
// than the file's (a mismatch to refuse). A file that loads must then sample and read cleanly.
#include <cstring>
#include <random>
#include <vector>

#include "arq/core/crc32c.h"
#include "arq/replay/replay_buffer.h"
#include "fuzz/fuzz_support.h"

namespace {

// The fields of the file header the buffer's shape comes from (replay_buffer_file.cc).
template <typename T>
T field(const std::string& file, size_t offset, T fallback) {
  if (file.size() < offset + sizeof(T)) return fallback;
  T value;
  std::memcpy(&value, file.data() + offset, sizeof(T));
  return value;
}

arq::replay::ReplayConfig config_for(const std::string& file, bool larger) {
  arq::replay::ReplayConfig config;
  const auto binary = field<uint32_t>(file, 12, 1);
  const auto observation_size = field<int64_t>(file, 16, 400);
  const auto capacity = field<int64_t>(file, 24, 16);
  const auto action_dim = field<uint16_t>(file, 58, 0);
  const bool plausible = observation_size >= 1 && observation_size <= 1024 && capacity >= 1 &&
                         capacity <= 256 && action_dim <= 16;
  config.capacity = (plausible ? capacity : 16) + (larger ? 1 : 0);
  config.obs_shape = {static_cast<int>(plausible ? observation_size : 400)};
  config.binary_observations = plausible ? binary != 0 : true;
  config.action_dim = plausible ? action_dim : 0;
  return config;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path path = arq::fuzz::scratch_dir() / "replay.bin";
  std::string file(arq::fuzz::as_text(data + 1, size - 1));
  if ((data[0] & 1) != 0 && file.size() >= 4) {
    const uint32_t crc = arq::crc32c(file.data(), file.size() - 4);
    std::memcpy(file.data() + file.size() - 4, &crc, 4);
  }
  arq::fuzz::write_bytes(path, file);
  arq::replay::ReplayBuffer buffer(config_for(file, (data[0] & 2) != 0));
  arq::fuzz::allow_user_errors([&] {
    buffer.load(path.string());
    if (buffer.size() < 0 || buffer.size() > buffer.capacity()) {
      arq::fuzz::fail("a loaded buffer's size is out of range");
    }
    if (buffer.empty()) return;
    std::mt19937_64 rng(1);
    std::vector<int64_t> indices(8);
    buffer.sample_indices(rng, indices);
    const auto row = static_cast<size_t>(buffer.observation_size());
    std::vector<float> observations(indices.size() * row);
    buffer.observations(indices, observations);
    buffer.next_observations(indices, observations);
    std::vector<float> windows(indices.size() * 3 * row);
    buffer.windows(indices, 2, windows);
    buffer.next_windows(indices, 2, windows);
    for (int64_t index : indices) {
      if (!buffer.holds_transition(index)) arq::fuzz::fail("sampled a slot with no transition");
      (void)buffer.reward(index);
      (void)buffer.terminated(index);
      (void)buffer.truncated(index);
      if (buffer.action_dim() == 0) (void)buffer.action(index);
    }
    if (buffer.action_dim() > 0) {
      std::vector<float> actions(indices.size() * static_cast<size_t>(buffer.action_dim()));
      buffer.continuous_actions(indices, actions);
    }
  });
  return 0;
}
