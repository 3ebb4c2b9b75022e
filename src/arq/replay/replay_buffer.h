#pragma once
// The replay buffer of every agent: a ring of transitions (s, a, r, s', terminated, truncated),
// with observations stored once. Actions are discrete indices, or (with action_dim > 0) vectors
// of action_dim floats for continuous control (SAC).
//
// Storage. The ring is a sequence of observation slots. A transition lives in the slot of its
// observation s; its next observation s' is the observation in the following slot. Within an
// episode that is simply the next transition's s, so nothing is stored twice. When an episode
// ends (terminated or truncated), its final observation takes one extra slot, which is not a
// transition, and the next episode starts in the slot after it. The newest slot always holds
// the pending next observation of the latest transition. Per slot: the encoded observation
// (125 bytes for a 10x10x10 MinAtar observation, bit-packed), the reward (float) and one byte
// for the action (6 bits) and the two flags: 130 bytes.
//
// Indices. A transition is named by its slot's position in the stream of all slots ever written
// (an int64 that never wraps); it is valid until the ring overwrites that slot. Sampling returns
// such indices; the accessors take them and throw arq::Error for one that no longer holds a
// transition.
//
// Windows (docs/algorithms.md §4.4). The local agents rebuild their temporal context from the last
// history+1 observations ending at s_i: s_{i-history} .. s_i. Positions before the episode's first
// step repeat the episode's first observation (as the reference does: max(i - k, episode_start)),
// and likewise before the oldest observation still in the ring. The reference takes the next
// state's context from that same window, so next_observations() is what it needs; next_windows()
// (s_{i-history+1} .. s_i, s'_i) is there for agents that want the shifted window.
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "arq/replay/observation_codec.h"

namespace arq::replay {

struct ReplayConfig {
  // Transitions kept at most. Every episode end in the ring costs one slot more (its final
  // observation), so a full ring holds capacity minus the episode ends in it.
  int64_t capacity = 0;
  std::vector<int> obs_shape;        // the observation's shape; its product is its size
  bool binary_observations = false;  // every value is 0 or 1 (MinAtar): stored as bits
  // The reference code marks episode starts only after `terminated`, so on DMC (time limits
  // only, §1.2) its windows run on across episode boundaries into the previous episode. true
  // reproduces that; false (default) clamps windows at every episode start.
  bool windows_cross_truncations = false;
  // 0: discrete actions (an index, add()); > 0: continuous actions of this many floats
  // (add_continuous(), continuous_actions()), stored next to each slot (4 bytes per value).
  int action_dim = 0;
  // Discrete buffers: the environment's number of actions, so an action outside [0,
  // num_actions) is refused when added or loaded from a file (a learner uses it as a column
  // index). 0: only the storage limit kMaxActions applies.
  int num_actions = 0;
};

class ReplayBuffer {
 public:
  static constexpr int kMaxActions = 64;  // the action shares a byte with the two flags

  // Throws arq::Error for a capacity < 1, an empty or non-positive shape or action_dim < 0.
  explicit ReplayBuffer(const ReplayConfig& config);

  // Stores a transition. `observation` must be the previous call's `next_observation` unless
  // the previous transition ended its episode (terminated or truncated); the next call then
  // starts a new episode. Bootstrapping should use `terminated` only. Throws arq::Error for a
  // wrong size, an action outside [0, num_actions) (or [0, kMaxActions)), a non-binary value in
  // a binary buffer or a broken observation chain, leaving the buffer unchanged.
  void add(std::span<const float> observation, int action, float reward,
           std::span<const float> next_observation, bool terminated, bool truncated);
  // The same for a continuous-action buffer: `action` holds action_dim floats. add() throws on a
  // continuous buffer and add_continuous() on a discrete one.
  void add_continuous(std::span<const float> observation, std::span<const float> action,
                      float reward, std::span<const float> next_observation, bool terminated,
                      bool truncated);

  int64_t size() const { return size_; }  // transitions that can be sampled
  bool empty() const { return size_ == 0; }
  int64_t capacity() const { return config_.capacity; }
  int64_t observation_size() const { return codec_.observation_size(); }
  const ReplayConfig& config() const { return config_; }
  // Bytes of storage per slot (observation + reward + action/flags).
  int64_t bytes_per_slot() const {
    return codec_.bytes_per_observation() + 5 + 4 * int64_t{config_.action_dim};
  }
  int action_dim() const { return config_.action_dim; }

  // Fills `indices` with transitions drawn uniformly (with replacement) using only `rng`, so the
  // same buffer and generator state give the same indices on every platform. Throws arq::Error
  // if the buffer is empty.
  void sample_indices(std::mt19937_64& rng, std::span<int64_t> indices) const;

  int action(int64_t index) const;  // discrete buffers only
  // Discrete actions lie in [0, action_limit()).
  int action_limit() const { return config_.num_actions > 0 ? config_.num_actions : kMaxActions; }
  float reward(int64_t index) const;
  bool terminated(int64_t index) const;
  bool truncated(int64_t index) const;

  // `out` holds indices.size() rows of observation_size() floats.
  void observations(std::span<const int64_t> indices, std::span<float> out) const;
  void next_observations(std::span<const int64_t> indices, std::span<float> out) const;
  // Continuous buffers only: `out` holds indices.size() rows of action_dim floats.
  void continuous_actions(std::span<const int64_t> indices, std::span<float> out) const;
  // `out` is [indices.size(), history + 1, observation_size()]: for each index i the window
  // s_{i-history} .. s_i (next_windows: s_{i-history+1} .. s_i, s'_i), clamped at the episode's
  // start. No allocation.
  void windows(std::span<const int64_t> indices, int history, std::span<float> out) const;
  void next_windows(std::span<const int64_t> indices, int history, std::span<float> out) const;

  // The slots currently kept are [begin_index(), end_index()); not all of them are transitions.
  int64_t begin_index() const;
  int64_t end_index() const { return end_; }
  bool holds_transition(int64_t index) const;

  // Empties the buffer (the storage stays allocated).
  void clear();

  // The whole content and position, written atomically to one checksummed binary file.
  void save(const std::string& path) const;
  // Replaces the content with a file written by save() from a buffer of the same capacity and
  // observation size/encoding. Throws arq::Error naming the file and the problem for a missing,
  // truncated, corrupt or mismatched file; the buffer is then left empty.
  void load(const std::string& path);

 private:
  int64_t num_slots() const { return config_.capacity + 1; }
  int64_t physical(int64_t index) const { return index % num_slots(); }
  const uint8_t* slot_bytes(int64_t index) const;
  uint8_t* slot_bytes(int64_t index);
  bool ends_episode(int64_t index) const;  // a done transition (info flags), for kept slots
  bool observation_only(int64_t index) const;
  int64_t previous_in_window(int64_t index) const;
  void check_transition(int64_t index) const;
  void decode(int64_t index, float* out) const;
  void fill_window(int64_t last, int history, float* out) const;
  // Makes `index` (== end_) the newest slot, evicting the oldest if the ring is full.
  void write_slot(int64_t index, std::span<const uint8_t> observation_bytes);
  // add() and add_continuous() after their own checks; `action` is null for discrete buffers.
  void add_checked(std::span<const float> observation, int action, const float* action_values,
                   float reward, std::span<const float> next_observation, bool terminated,
                   bool truncated);
  void load_from(const std::string& path);

  ReplayConfig config_;
  ObservationCodec codec_;
  // Slot storage. Allocated uninitialised, so untouched parts of a large ring cost no memory.
  std::unique_ptr<uint8_t[]> observations_;
  std::unique_ptr<float[]> rewards_;
  std::unique_ptr<uint8_t[]> info_;         // action | terminated << 6 | truncated << 7
  std::unique_ptr<float[]> action_values_;  // [slots, action_dim]; null for discrete buffers
  // Scratch space for add(): observations are encoded and checked before anything changes.
  std::vector<uint8_t> encoded_observation_;
  std::vector<uint8_t> encoded_next_observation_;

  int64_t end_ = 0;          // one past the newest slot written
  int64_t next_start_ = 0;   // where the next add()'s observation goes (end_ - 1 if continuing)
  bool continuing_ = false;  // the newest slot is the pending observation of the next add()
  // Whether the oldest kept slot is an episode's final observation. Known when it is evicted
  // into view; inside the ring it is derived from the slot before.
  bool oldest_is_final_observation_ = false;
  int64_t size_ = 0;
};

}  // namespace arq::replay
