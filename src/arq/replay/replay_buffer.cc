#include "arq/replay/replay_buffer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "arq/core/error.h"

namespace arq::replay {
namespace {

constexpr uint8_t kActionMask = 0x3F;
constexpr uint8_t kTerminatedBit = 0x40;
constexpr uint8_t kTruncatedBit = 0x80;

int64_t observation_size_of(const ReplayConfig& config) {
  if (config.obs_shape.empty()) throw Error("replay: the observation shape is empty");
  int64_t size = 1;
  for (int dim : config.obs_shape) {
    if (dim <= 0) {
      throw Error("replay: observation shape has a non-positive dimension " + std::to_string(dim));
    }
    size *= dim;
  }
  return size;
}

std::string gigabytes(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f GB", bytes / 1e9);
  return buffer;
}

// Refuses a buffer larger than the machine's memory before any of it is allocated.
void check_memory(const ReplayConfig& config) {
  const ObservationCodec codec(observation_size_of(config), config.binary_observations);
  const double per_slot = static_cast<double>(codec.bytes_per_observation()) + sizeof(float) + 1 +
                          sizeof(float) * static_cast<double>(config.action_dim);
  const double needed = per_slot * (static_cast<double>(config.capacity) + 1);
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return;  // unknown: let the allocation decide
  const double memory = static_cast<double>(pages) * static_cast<double>(page_size);
  if (needed > memory) {
    throw Error(
        "replay.capacity " + std::to_string(config.capacity) + " needs " + gigabytes(needed) +
        " for the replay buffer (" + std::to_string(static_cast<int64_t>(per_slot)) +
        " bytes per transition), more than this machine's " + gigabytes(memory) + " of memory");
  }
}

const ReplayConfig& checked(const ReplayConfig& config) {
  if (config.capacity < 1) {
    throw Error("replay: capacity must be at least 1, got " + std::to_string(config.capacity));
  }
  if (config.action_dim < 0 || config.action_dim > 0xFFFF) {
    throw Error("replay: action_dim must be in [0, 65535], got " +
                std::to_string(config.action_dim));
  }
  if (config.num_actions < 0 || config.num_actions > ReplayBuffer::kMaxActions) {
    throw Error("replay: num_actions must be in [0, " + std::to_string(ReplayBuffer::kMaxActions) +
                "], got " + std::to_string(config.num_actions));
  }
  check_memory(config);
  return config;
}

// A uniform integer in [0, n) from raw 64-bit draws, rejecting the few values that would bias
// the modulo. std::uniform_int_distribution is not specified exactly, so results could differ
// between standard libraries; this is the same everywhere.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  while (true) {
    const uint64_t draw = rng();
    if (draw >= threshold) return draw % n;
  }
}

}  // namespace

ReplayBuffer::ReplayBuffer(const ReplayConfig& config)
    : config_(checked(config)),
      codec_(observation_size_of(config), config.binary_observations),
      observations_(std::make_unique_for_overwrite<uint8_t[]>(
          static_cast<size_t>(num_slots() * codec_.bytes_per_observation()))),
      rewards_(std::make_unique_for_overwrite<float[]>(static_cast<size_t>(num_slots()))),
      info_(std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(num_slots()))),
      action_values_(config.action_dim > 0 ? std::make_unique_for_overwrite<float[]>(
                                                 static_cast<size_t>(num_slots()) *
                                                 static_cast<size_t>(config.action_dim))
                                           : nullptr),
      encoded_observation_(static_cast<size_t>(codec_.bytes_per_observation())),
      encoded_next_observation_(static_cast<size_t>(codec_.bytes_per_observation())) {}

const uint8_t* ReplayBuffer::slot_bytes(int64_t index) const {
  return observations_.get() + physical(index) * codec_.bytes_per_observation();
}

uint8_t* ReplayBuffer::slot_bytes(int64_t index) {
  return observations_.get() + physical(index) * codec_.bytes_per_observation();
}

int64_t ReplayBuffer::begin_index() const {
  return std::max<int64_t>(0, end_ - num_slots());
}

bool ReplayBuffer::ends_episode(int64_t index) const {
  return (info_[static_cast<size_t>(physical(index))] & (kTerminatedBit | kTruncatedBit)) != 0;
}

bool ReplayBuffer::observation_only(int64_t index) const {
  if (index == end_ - 1) return true;  // the pending next observation of the latest transition
  if (index == begin_index()) return oldest_is_final_observation_;
  return ends_episode(index - 1);  // the final observation of the transition before
}

bool ReplayBuffer::holds_transition(int64_t index) const {
  return index >= begin_index() && index < end_ - 1 && !observation_only(index);
}

void ReplayBuffer::check_transition(int64_t index) const {
  if (!holds_transition(index)) {
    throw Error("replay: index " + std::to_string(index) + " does not hold a transition (kept: [" +
                std::to_string(begin_index()) + ", " + std::to_string(end_) + "))");
  }
}

void ReplayBuffer::write_slot(int64_t index, std::span<const uint8_t> observation_bytes) {
  if (index >= num_slots()) {
    // The oldest slot is overwritten; what it was decides what the new oldest one is.
    const int64_t evicted = index - num_slots();
    if (!oldest_is_final_observation_) --size_;
    oldest_is_final_observation_ = ends_episode(evicted);
  }
  std::memcpy(slot_bytes(index), observation_bytes.data(), observation_bytes.size());
  info_[static_cast<size_t>(physical(index))] = 0;
  rewards_[static_cast<size_t>(physical(index))] = 0.0f;
  if (action_values_ != nullptr) {  // defined bytes for slots that never get an action (files)
    const auto dim = static_cast<size_t>(config_.action_dim);
    std::fill_n(action_values_.get() + static_cast<size_t>(physical(index)) * dim, dim, 0.0f);
  }
  end_ = index + 1;
}

void ReplayBuffer::add(std::span<const float> observation, int action, float reward,
                       std::span<const float> next_observation, bool terminated, bool truncated) {
  if (config_.action_dim > 0) {
    throw Error("replay: add() got a discrete action for a buffer of continuous actions (" +
                std::to_string(config_.action_dim) + " values); use add_continuous()");
  }
  if (action < 0 || action >= action_limit()) {
    throw Error("replay: action " + std::to_string(action) + " is outside [0, " +
                std::to_string(action_limit()) + ")");
  }
  add_checked(observation, action, nullptr, reward, next_observation, terminated, truncated);
}

void ReplayBuffer::add_continuous(std::span<const float> observation, std::span<const float> action,
                                  float reward, std::span<const float> next_observation,
                                  bool terminated, bool truncated) {
  if (config_.action_dim == 0) {
    throw Error("replay: add_continuous() on a buffer of discrete actions; use add()");
  }
  if (static_cast<int>(action.size()) != config_.action_dim) {
    throw Error("replay: add_continuous() got an action of " + std::to_string(action.size()) +
                " values, expected " + std::to_string(config_.action_dim));
  }
  add_checked(observation, 0, action.data(), reward, next_observation, terminated, truncated);
}

void ReplayBuffer::add_checked(std::span<const float> observation, int action,
                               const float* action_values, float reward,
                               std::span<const float> next_observation, bool terminated,
                               bool truncated) {
  if (static_cast<int64_t>(observation.size()) != observation_size() ||
      static_cast<int64_t>(next_observation.size()) != observation_size()) {
    throw Error("replay: add() got observations of " + std::to_string(observation.size()) +
                " and " + std::to_string(next_observation.size()) + " values, expected " +
                std::to_string(observation_size()));
  }
  codec_.encode(observation, encoded_observation_);
  codec_.encode(next_observation, encoded_next_observation_);
  if (continuing_ && std::memcmp(slot_bytes(next_start_), encoded_observation_.data(),
                                 encoded_observation_.size()) != 0) {
    throw Error(
        "replay: add() got an observation that is not the previous transition's next "
        "observation; a transition that ends its episode must be marked terminated or truncated");
  }

  const int64_t index = next_start_;
  if (!continuing_) write_slot(index, encoded_observation_);
  info_[static_cast<size_t>(physical(index))] = static_cast<uint8_t>(action) |
                                                (terminated ? kTerminatedBit : 0) |
                                                (truncated ? kTruncatedBit : 0);
  rewards_[static_cast<size_t>(physical(index))] = reward;
  if (action_values != nullptr) {
    const auto dim = static_cast<size_t>(config_.action_dim);
    std::memcpy(action_values_.get() + static_cast<size_t>(physical(index)) * dim, action_values,
                dim * sizeof(float));
  }
  ++size_;
  write_slot(index + 1, encoded_next_observation_);
  continuing_ = !(terminated || truncated);
  next_start_ = continuing_ ? index + 1 : index + 2;
}

void ReplayBuffer::clear() {
  end_ = 0;
  next_start_ = 0;
  continuing_ = false;
  oldest_is_final_observation_ = false;
  size_ = 0;
}

void ReplayBuffer::sample_indices(std::mt19937_64& rng, std::span<int64_t> indices) const {
  if (size_ == 0) throw Error("replay: cannot sample from an empty buffer");
  const int64_t begin = begin_index();
  const auto candidates = static_cast<uint64_t>(end_ - 1 - begin);
  // Slots that are not transitions (final observations, the pending one) are redrawn: they are
  // at most about one in two (episodes of one step), usually one in hundreds.
  for (int64_t& index : indices) {
    do {
      index = begin + static_cast<int64_t>(uniform_below(rng, candidates));
    } while (!holds_transition(index));
  }
}

int ReplayBuffer::action(int64_t index) const {
  if (config_.action_dim > 0) {
    throw Error("replay: action() on a buffer of continuous actions; use continuous_actions()");
  }
  check_transition(index);
  return info_[static_cast<size_t>(physical(index))] & kActionMask;
}

float ReplayBuffer::reward(int64_t index) const {
  check_transition(index);
  return rewards_[static_cast<size_t>(physical(index))];
}

bool ReplayBuffer::terminated(int64_t index) const {
  check_transition(index);
  return (info_[static_cast<size_t>(physical(index))] & kTerminatedBit) != 0;
}

bool ReplayBuffer::truncated(int64_t index) const {
  check_transition(index);
  return (info_[static_cast<size_t>(physical(index))] & kTruncatedBit) != 0;
}

void ReplayBuffer::decode(int64_t index, float* out) const {
  codec_.decode({slot_bytes(index), static_cast<size_t>(codec_.bytes_per_observation())},
                {out, static_cast<size_t>(observation_size())});
}

namespace {

void check_output(const char* what, size_t got, size_t rows, int64_t row_size) {
  const size_t expected = rows * static_cast<size_t>(row_size);
  if (got != expected) {
    throw Error(std::string("replay: ") + what + "() needs an output of " +
                std::to_string(expected) + " floats, got " + std::to_string(got));
  }
}

}  // namespace

void ReplayBuffer::observations(std::span<const int64_t> indices, std::span<float> out) const {
  check_output("observations", out.size(), indices.size(), observation_size());
  for (size_t b = 0; b < indices.size(); ++b) {
    check_transition(indices[b]);
    decode(indices[b], out.data() + b * static_cast<size_t>(observation_size()));
  }
}

void ReplayBuffer::next_observations(std::span<const int64_t> indices, std::span<float> out) const {
  check_output("next_observations", out.size(), indices.size(), observation_size());
  for (size_t b = 0; b < indices.size(); ++b) {
    check_transition(indices[b]);
    decode(indices[b] + 1, out.data() + b * static_cast<size_t>(observation_size()));
  }
}

void ReplayBuffer::continuous_actions(std::span<const int64_t> indices,
                                      std::span<float> out) const {
  if (config_.action_dim == 0) {
    throw Error("replay: continuous_actions() on a buffer of discrete actions; use action()");
  }
  const auto dim = static_cast<size_t>(config_.action_dim);
  check_output("continuous_actions", out.size(), indices.size(), config_.action_dim);
  for (size_t b = 0; b < indices.size(); ++b) {
    check_transition(indices[b]);
    std::memcpy(out.data() + b * dim,
                action_values_.get() + static_cast<size_t>(physical(indices[b])) * dim,
                dim * sizeof(float));
  }
}

int64_t ReplayBuffer::previous_in_window(int64_t index) const {
  const int64_t previous = index - 1;
  if (previous < begin_index()) return index;  // older observations were overwritten
  if (!observation_only(previous)) return previous;
  // `previous` is the final observation of the episode before: `index` starts an episode.
  if (config_.windows_cross_truncations && previous - 1 >= begin_index()) {
    const uint8_t info = info_[static_cast<size_t>(physical(previous - 1))];
    if ((info & kTruncatedBit) != 0 && (info & kTerminatedBit) == 0) return previous - 1;
  }
  return index;
}

void ReplayBuffer::fill_window(int64_t last, int history, float* out) const {
  const auto row = static_cast<size_t>(observation_size());
  float* row_out = out + static_cast<size_t>(history) * row;
  decode(last, row_out);
  int64_t index = last;
  for (int position = history - 1; position >= 0; --position) {
    const int64_t previous = previous_in_window(index);
    row_out -= row;
    if (previous == index) {
      std::memcpy(row_out, row_out + row, row * sizeof(float));  // clamped: repeat
    } else {
      decode(previous, row_out);
    }
    index = previous;
  }
}

void ReplayBuffer::windows(std::span<const int64_t> indices, int history,
                           std::span<float> out) const {
  if (history < 0) throw Error("replay: window history " + std::to_string(history) + " < 0");
  const int64_t window_size = (history + 1) * observation_size();
  check_output("windows", out.size(), indices.size(), window_size);
  for (size_t b = 0; b < indices.size(); ++b) {
    check_transition(indices[b]);
    fill_window(indices[b], history, out.data() + b * static_cast<size_t>(window_size));
  }
}

void ReplayBuffer::next_windows(std::span<const int64_t> indices, int history,
                                std::span<float> out) const {
  if (history < 0) throw Error("replay: window history " + std::to_string(history) + " < 0");
  const int64_t window_size = (history + 1) * observation_size();
  check_output("next_windows", out.size(), indices.size(), window_size);
  for (size_t b = 0; b < indices.size(); ++b) {
    check_transition(indices[b]);
    float* window = out.data() + b * static_cast<size_t>(window_size);
    decode(indices[b] + 1, window + static_cast<size_t>(history * observation_size()));
    if (history > 0) fill_window(indices[b], history - 1, window);
  }
}

}  // namespace arq::replay
