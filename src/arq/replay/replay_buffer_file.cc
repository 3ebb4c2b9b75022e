// ReplayBuffer::save / load: one binary file holding the ring's content and position.
//
// Layout (little-endian):
//   header  "ARQRPLY1" | u32 header_bytes | u32 binary | i64 observation_size | i64 capacity |
//           i64 bytes_per_observation | i64 end | i64 next_start | u8 continuing |
//           u8 oldest_is_final_observation | u16 action_dim | 4 zero bytes | i64 size |
//           i64 stored_slots
//   body    observations [stored_slots * bytes_per_observation] | rewards [stored_slots * 4] |
//           info [stored_slots] | continuous actions [stored_slots * action_dim * 4]
//           (physical slots 0 .. stored_slots-1)
// action_dim sits in bytes that were zero before continuous actions existed, so files of
// discrete buffers are unchanged (action_dim 0, no action section).
//   footer  u32 crc32c of everything before it
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "arq/core/crc32c.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/replay/replay_buffer.h"

namespace arq::replay {
namespace {

static_assert(std::endian::native == std::endian::little,
              "replay files are little-endian; add byte swapping for this platform");

constexpr char kMagic[8] = {'A', 'R', 'Q', 'R', 'P', 'L', 'Y', '1'};

struct FileHeader {
  char magic[8];
  uint32_t header_bytes;
  uint32_t binary;
  int64_t observation_size;
  int64_t capacity;
  int64_t bytes_per_observation;
  int64_t end;
  int64_t next_start;
  uint8_t continuing;
  uint8_t oldest_is_final_observation;
  uint16_t action_dim;
  uint8_t zero[4];
  int64_t size;
  int64_t stored_slots;
};
static_assert(sizeof(FileHeader) == 80, "the header layout must not depend on the compiler");

template <typename T>
void append_raw(std::string& out, const T* data, size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

}  // namespace

void ReplayBuffer::save(const std::string& path) const {
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.header_bytes = sizeof(FileHeader);
  header.binary = codec_.binary() ? 1 : 0;
  header.observation_size = observation_size();
  header.capacity = capacity();
  header.bytes_per_observation = codec_.bytes_per_observation();
  header.end = end_;
  header.next_start = next_start_;
  header.continuing = continuing_ ? 1 : 0;
  header.oldest_is_final_observation = oldest_is_final_observation_ ? 1 : 0;
  header.action_dim = static_cast<uint16_t>(config_.action_dim);
  header.size = size_;
  header.stored_slots = std::min(end_, num_slots());

  const auto slots = static_cast<size_t>(header.stored_slots);
  const auto observation_bytes = slots * static_cast<size_t>(codec_.bytes_per_observation());
  const size_t action_values = slots * static_cast<size_t>(config_.action_dim);
  std::string file;
  file.reserve(sizeof(header) + observation_bytes + slots * 5 + action_values * 4 + 4);
  append_raw(file, &header, 1);
  append_raw(file, observations_.get(), observation_bytes);
  append_raw(file, rewards_.get(), slots);
  append_raw(file, info_.get(), slots);
  if (action_values > 0) append_raw(file, action_values_.get(), action_values);
  const uint32_t checksum = crc32c(file);
  append_raw(file, &checksum, 1);
  write_file_atomic(path, file);
}

void ReplayBuffer::load(const std::string& path) {
  try {
    load_from(path);
  } catch (...) {
    clear();  // never leave a half-read ring behind
    throw;
  }
}

void ReplayBuffer::load_from(const std::string& path) {
  auto fail = [&](const std::string& problem) {
    return Error("replay file '" + path + "': " + problem);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail("cannot open it");
  std::error_code error;
  const auto file_size = static_cast<int64_t>(std::filesystem::file_size(path, error));
  if (error) throw fail("cannot read its size: " + error.message());

  FileHeader header{};
  if (file_size < static_cast<int64_t>(sizeof(header)) ||
      !in.read(reinterpret_cast<char*>(&header), sizeof(header))) {
    throw fail("only " + std::to_string(file_size) + " bytes, shorter than the " +
               std::to_string(sizeof(header)) + "-byte header (truncated?)");
  }
  if (std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0) {
    throw fail("not an arq replay file (bad magic bytes)");
  }
  if (header.header_bytes != sizeof(FileHeader)) {
    throw fail("unsupported header size " + std::to_string(header.header_bytes));
  }
  const bool binary = header.binary != 0;
  if (header.observation_size != observation_size() || binary != codec_.binary() ||
      header.bytes_per_observation != codec_.bytes_per_observation()) {
    throw fail("holds " + std::string(binary ? "binary" : "float") + " observations of " +
               std::to_string(header.observation_size) + " values, but this buffer stores " +
               (codec_.binary() ? "binary" : "float") + " observations of " +
               std::to_string(observation_size()));
  }
  if (header.action_dim != config_.action_dim) {
    throw fail("holds actions of " + std::to_string(header.action_dim) +
               " values (0: discrete), but this buffer stores actions of " +
               std::to_string(config_.action_dim));
  }
  if (header.capacity != capacity()) {
    throw fail("was saved from a buffer of capacity " + std::to_string(header.capacity) +
               ", this buffer has capacity " + std::to_string(capacity()));
  }
  // The position must describe a ring this buffer could be in.
  const bool position_ok =
      header.end >= 0 && header.stored_slots == std::min(header.end, num_slots()) &&
      header.size >= 0 && header.size <= capacity() && header.continuing <= 1 &&
      header.oldest_is_final_observation <= 1 &&
      (header.end == 0 ? header.next_start == 0 && header.continuing == 0
                       : header.next_start == header.end - (header.continuing ? 1 : 0));
  if (!position_ok) throw fail("inconsistent ring position in the header (corrupt file?)");

  const auto slots = static_cast<size_t>(header.stored_slots);
  const auto observation_bytes = slots * static_cast<size_t>(codec_.bytes_per_observation());
  const size_t action_values = slots * static_cast<size_t>(config_.action_dim);
  const int64_t expected_size =
      static_cast<int64_t>(sizeof(header) + observation_bytes + slots * 5 + action_values * 4 + 4);
  if (file_size < expected_size) {
    throw fail(std::to_string(file_size) + " bytes, expected " + std::to_string(expected_size) +
               " (truncated)");
  }
  if (file_size > expected_size) {
    throw fail(std::to_string(file_size) + " bytes, expected " + std::to_string(expected_size) +
               " (trailing bytes)");
  }

  // Read straight into the ring (a checkpoint can be as large as the buffer itself).
  auto read_into = [&](void* data, size_t bytes) {
    if (!in.read(static_cast<char*>(data), static_cast<std::streamsize>(bytes))) {
      throw fail("read error");
    }
  };
  read_into(observations_.get(), observation_bytes);
  read_into(rewards_.get(), slots * sizeof(float));
  read_into(info_.get(), slots);
  if (action_values > 0) read_into(action_values_.get(), action_values * sizeof(float));
  uint32_t stored_checksum = 0;
  read_into(&stored_checksum, sizeof(stored_checksum));
  uint32_t checksum = crc32c(&header, sizeof(header));
  checksum = crc32c(observations_.get(), observation_bytes, checksum);
  checksum = crc32c(rewards_.get(), slots * sizeof(float), checksum);
  checksum = crc32c(info_.get(), slots, checksum);
  if (action_values > 0) {
    checksum = crc32c(action_values_.get(), action_values * sizeof(float), checksum);
  }
  if (checksum != stored_checksum) throw fail("checksum mismatch (corrupt file)");

  end_ = header.end;
  next_start_ = header.next_start;
  continuing_ = header.continuing != 0;
  oldest_is_final_observation_ = header.oldest_is_final_observation != 0;
  size_ = header.size;
  // A last consistency check: the transition count must match the flags just read.
  int64_t transitions = 0;
  for (int64_t index = begin_index(); index < end_; ++index) {
    if (!holds_transition(index)) continue;
    ++transitions;
    // A stored action indexes the learner's Q columns: one the environment lacks would read
    // and write outside them, whatever the checksums say.
    if (config_.action_dim == 0 && action(index) >= action_limit()) {
      throw fail("holds action " + std::to_string(action(index)) + " at position " +
                 std::to_string(index) + ", outside the environment's [0, " +
                 std::to_string(action_limit()) + ")");
    }
  }
  if (transitions != size_) {
    throw fail("header counts " + std::to_string(size_) + " transitions but the ring holds " +
               std::to_string(transitions));
  }
}

}  // namespace arq::replay
