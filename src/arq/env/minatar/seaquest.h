#pragma once
// MinAtar Seaquest (MinAtar 1.0.15, environments/seaquest.py; docs/minatar.md §8).
//
// A two-cell submarine shoots fish and enemy subs, rescues divers, and must come up for air with
// at least one diver on board before its oxygen runs out. Each surfacing raises the difficulty.
//
// Actions: fire (when the 5-step cool-down is over) launches a bullet from the sub's front cell
//   in its facing direction; otherwise left and right move and turn the sub (it turns even when
//   blocked), up and down move it between the surface (row 0) and row 8. All six actions.
// Observation, 10 channels: sub front, sub back (behind the front, opposite to its facing),
//   friendly bullet, trail (the cell behind each fish, sub and diver), enemy bullet, fish, enemy
//   sub, oxygen gauge (row 9, oxygen·10/200 cells from the left), diver gauge (row 9, one cell
//   per diver ending at column 8), diver.
// Reset: the sub at column 5 on the surface, facing left; oxygen 200; no entities; the first
//   enemy spawn at step 21, the first diver at step 31; enemy move interval 5 (an entity moves
//   after waiting that many steps, so every 6 steps). No draws.
// Step, in this order:
//   1. When the enemy spawn timer is 0 (then reset to the spawn interval): draw the side
//      (rand() < 1/2: from the left), sub or fish (rand() < 1/3: sub) and a row in 1-8; the
//      spawn is cancelled if an enemy in that row travels the other way.
//   2. When the diver timer is 0 (every 30 steps): draw a side and a row; a diver appears.
//   3. Fire or move the sub.
//   4. Friendly bullets move one cell; each kills the first fish, else the first enemy sub, in
//      its cell (+1), or leaves the screen.
//   5. Divers touching the sub's front cell board it (at most 6); otherwise they move when
//      their timer allows (every 6 steps) and may board after moving.
//   6. Enemy subs: touching the front cell ends the game; they move when their timer allows and
//      can be shot after moving; every 11 steps each fires a bullet from its cell, even a sub
//      removed in this step.
//   7. Enemy bullets move one cell; touching the front cell, before or after, ends the game.
//   8. Fish as the subs, without shooting.
//   9. Timers count down. Oxygen at or below 0 ends the game. Below the surface the sub uses one
//      unit of oxygen per step; arriving at the surface without a diver ends the game, with
//      divers it refills the oxygen, drops one diver, and with all 6 on board pays a bonus of
//      oxygen·10/200 and empties the boat (leaving the count at -1, so the next surfacing is
//      safe too). With ramping every surfacing lowers the spawn interval by 1 (down to 1) and,
//      on every second one, the enemies' move interval by 1 (down to 2).
// Reward: +1 per enemy killed, plus the surfacing bonus. Only the front cell collides.
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
  static constexpr int kMinSpawnSpeed = 1;  // ramping stops at these intervals
  static constexpr int kMinMoveSpeed = 2;
  static constexpr int kSubStartX = 5;
  static constexpr int kSurfaceRow = 0;
  static constexpr int kLowestSubRow = kLastRow - 1;  // the bottom row holds the gauges
  static constexpr int kGaugeRow = kLastRow;
  static constexpr int kGaugeCells = kGridSize;  // a full oxygen gauge fills the row

  // Capacities with margin: at most one enemy spawns per step and each leaves the screen within
  // 10 moves (at most ~31 alive once fully ramped); a sub fires once per 11 steps and a bullet
  // lives at most 11 steps; the player fires once per 5 steps; a diver spawns once per 30 steps.
  static constexpr int kMaxFriendlyBullets = 8;
  static constexpr int kMaxEnemies = 64;  // per kind
  static constexpr int kMaxEnemyBullets = 128;
  static constexpr int kMaxDiverEntities = 8;

  int oxygen = kMaxOxygen;
  int diver_count = 0;  // goes negative after a six-diver surfacing, as in the original
  int sub_x = kSubStartX;
  int sub_y = kSurfaceRow;
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
