#pragma once
// MinAtar Seaquest: a two-cell submarine shoots fish and enemy subs, collects divers and must
// surface with at least one diver before its oxygen runs out. Each surfacing raises the difficulty.
//
// The original keeps its entities in Python lists, iterates them with reversed() and deletes with
// list.remove(value); SeaquestList and the loops in seaquest.cc reproduce those semantics exactly
// (including twins that compare equal) on fixed-capacity storage.
#include <array>
#include <cstdint>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/game.h"

namespace arq::minatar {

// A Python list of small value records with a fixed capacity (no allocation while playing).
template <typename T, int Capacity>
class SeaquestList {
 public:
  // Only the first size() slots are ever read, so construction and copies skip the rest: a reset
  // then costs a few stores instead of clearing kilobytes.
  SeaquestList() {}
  SeaquestList(const SeaquestList& other) : size_(other.size_) { copy_items(other); }
  SeaquestList& operator=(const SeaquestList& other) {
    if (this != &other) {
      size_ = other.size_;
      copy_items(other);
    }
    return *this;
  }

  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](int i) { return items_[i]; }
  const T& operator[](int i) const { return items_[i]; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }

  void clear() { size_ = 0; }
  void push_back(const T& item) {
    if (size_ == Capacity) {
      throw Error("seaquest: more than " + std::to_string(Capacity) +
                  " entities of one kind; the capacity bound was wrong");
    }
    items_[size_++] = item;
  }
  void erase_at(int index) {
    for (int i = index; i + 1 < size_; ++i) items_[i] = items_[i + 1];
    --size_;
  }
  // list.remove(value): deletes the first element equal to `value`; returns its former index.
  // Callers only remove values that are present.
  int remove_first_equal(const T& value) {
    int index = 0;
    while (!(items_[index] == value)) ++index;
    erase_at(index);
    return index;
  }

 private:
  void copy_items(const SeaquestList& other) {
    for (int i = 0; i < size_; ++i) items_[i] = other.items_[i];
  }

  std::array<T, Capacity> items_;
  int size_ = 0;
};

// `right` = moving (or shooting) towards +x; such entities spawn at x = 0, the others at x = 9.
struct SeaquestBullet {
  int x = 0;
  int y = 0;
  bool right = false;
  bool operator==(const SeaquestBullet&) const = default;
};

struct SeaquestFish {
  int x = 0;
  int y = 0;
  bool right = false;
  int move_timer = 0;
  bool operator==(const SeaquestFish&) const = default;
};

struct SeaquestEnemySub {
  int x = 0;
  int y = 0;
  bool right = false;
  int move_timer = 0;
  int shot_timer = 0;
  bool operator==(const SeaquestEnemySub&) const = default;
};

struct SeaquestDiver {
  int x = 0;
  int y = 0;
  bool right = false;
  int move_timer = 0;
  bool operator==(const SeaquestDiver&) const = default;
};

struct SeaquestState {
  static constexpr int kMaxOxygen = 200;
  static constexpr int kInitialSpawnSpeed = 20;
  static constexpr int kDiverSpawnSpeed = 30;
  static constexpr int kInitialMoveSpeed = 5;
  static constexpr int kShotCoolDown = 5;
  static constexpr int kEnemyShotInterval = 10;
  static constexpr int kDiverMoveInterval = 5;
  static constexpr int kMaxDivers = 6;

  // Capacities with margin: at most one enemy spawns per step and each leaves the screen within
  // 10 moves (at most ~31 alive once fully ramped); a sub fires once per 11 steps and a bullet
  // lives at most 11 steps; the player fires once per 5 steps; a diver spawns once per 30 steps.
  static constexpr int kMaxFriendlyBullets = 8;
  static constexpr int kMaxEnemies = 64;  // per kind
  static constexpr int kMaxEnemyBullets = 128;
  static constexpr int kMaxDiverEntities = 8;

  int oxygen = kMaxOxygen;
  int diver_count = 0;  // goes negative after a six-diver surfacing, as in the original
  int sub_x = 5;
  int sub_y = 0;
  bool sub_right = false;  // facing; the back cell is on the other side
  SeaquestList<SeaquestBullet, kMaxFriendlyBullets> friendly_bullets;
  SeaquestList<SeaquestBullet, kMaxEnemyBullets> enemy_bullets;
  SeaquestList<SeaquestFish, kMaxEnemies> fish;
  SeaquestList<SeaquestEnemySub, kMaxEnemies> enemy_subs;
  SeaquestList<SeaquestDiver, kMaxDiverEntities> divers;
  int enemy_spawn_speed = kInitialSpawnSpeed;
  int enemy_spawn_timer = kInitialSpawnSpeed;
  int diver_spawn_timer = kDiverSpawnSpeed;
  int move_speed = kInitialMoveSpeed;  // enemy move interval
  int ramp_index = 0;
  int shot_timer = 0;
  bool surfaced = true;  // at the surface since the last refill (the original's `surface`)
  bool terminal = false;
};

class Seaquest final : public Game {
 public:
  // sub_front, sub_back, friendly_bullet, trail, enemy_bullet, enemy_fish, enemy_sub,
  // oxygen_guage, diver_guage, diver
  static constexpr int kChannels = 10;

  explicit Seaquest(bool ramping = true) : ramping_(ramping) {}

  std::string_view name() const override { return "seaquest"; }
  std::span<const std::string_view> channel_names() const override;
  std::span<const int> minimal_action_set() const override;
  void reset(NumpyRandomState& rng) override;
  GameStep act(int action, NumpyRandomState& rng) override;
  void render(std::span<uint8_t> grid) const override;
  std::optional<int> difficulty_ramp() const override { return state_.ramp_index; }

  const SeaquestState& state() const { return state_; }
  void set_state(const SeaquestState& state) { state_ = state; }

 private:
  void spawn_enemy(NumpyRandomState& rng);
  void spawn_diver(NumpyRandomState& rng);
  int update_friendly_bullets();
  void update_divers();
  int update_enemy_subs();
  void update_enemy_bullets();
  int update_fish();
  int surface();  // returns the bonus

  bool ramping_;
  SeaquestState state_;
};

}  // namespace arq::minatar
