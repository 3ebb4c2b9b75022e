#pragma once
// MinAtar Asterix (MinAtar 1.0.15, environments/asterix.py; docs/minatar.md §9).
//
// The player dodges enemies and collects gold; both enter rows 1-8 from either side and cross
// the screen. With ramping they appear and move faster over time.
//
// Actions: left, right, up and down move the player one cell; it stays in columns 0-9 and rows
//   1-8. Minimal set {no-op, left, up, right, down}; fire does nothing.
// Observation, 4 channels: player, enemy, trail (the cell behind each entity), gold.
// Entities: eight slots, slot i for row i + 1, each empty or holding one entity that moves right
//   (entering at column 0) or left (entering at column 9).
// Reset: player at column 5, row 5; no entities; spawn interval 10, move interval 5; no draws.
// Step, in this order:
//   1. When the spawn timer is 0 (then reset to the spawn interval): draw the direction
//      (rand() < 1/2: rightwards) and whether it is gold (rand() < 1/3), then, if any slot is
//      free, a random free slot (randint over the free slots, no draw when only one is free).
//   2. Move the player.
//   3. Contact: gold on the player's cell is collected (+1, slot emptied); an enemy there ends
//      the game (and stays).
//   4. When the move timer is 0 (then reset to the move interval): every entity moves one cell,
//      leaving at the edges, and contacts are tested again.
//   5. Both timers count down. With ramping, while either interval is above 1: a ramp timer
//      counts 100 down below 0, then the spawn interval drops by 1, the move interval drops by 1
//      on every second ramp, and the timer restarts; a ramp comes every 102 steps and the last
//      (the 9th) leaves both intervals at 1.
// Reward: +1 per gold. The game ends on contact with an enemy.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

struct AsterixEntity {
  bool present = false;
  int x = 0;
  bool moving_right = false;  // spawned at x = 0 when true, at x = kLastColumn otherwise
  bool gold = false;          // gold scores on contact; anything else is a lethal enemy
};

struct AsterixState {
  static constexpr int kNumSlots = 8;  // slot i lives in row i + 1
  static constexpr int kRampInterval = 100;
  static constexpr int kInitialSpawnSpeed = 10;
  static constexpr int kInitialMoveSpeed = 5;
  static constexpr int kMinSpeed = 1;  // ramping stops when both intervals reach it
  static constexpr int kPlayerStartX = 5;
  static constexpr int kPlayerStartY = 5;
  static constexpr int kTopPlayerRow = 1;
  static constexpr int kBottomPlayerRow = 8;

  static int row_of_slot(int slot) { return slot + 1; }

  int player_x = kPlayerStartX;
  int player_y = kPlayerStartY;
  std::array<AsterixEntity, kNumSlots> slots{};
  int spawn_speed = kInitialSpawnSpeed;
  int spawn_timer = kInitialSpawnSpeed;
  int move_speed = kInitialMoveSpeed;
  int move_timer = kInitialMoveSpeed;
  int ramp_timer = kRampInterval;
  int ramp_index = 0;
  bool terminal = false;
};

class Asterix final : public Game {
 public:
  enum Channel : int { kPlayer = 0, kEnemy = 1, kTrail = 2, kGold = 3 };
  static constexpr int kChannels = 4;

  explicit Asterix(bool ramping) : ramping_(ramping) {}

  std::string_view name() const override { return "asterix"; }
  std::span<const std::string_view> channel_names() const override;
  std::span<const int> minimal_action_set() const override;
  void reset(NumpyRandomState& rng) override;
  GameStep act(int action, NumpyRandomState& rng) override;
  void render(std::span<uint8_t> grid) const override;
  std::optional<int> difficulty_ramp() const override { return state_.ramp_index; }

  const AsterixState& state() const { return state_; }
  void set_state(const AsterixState& state) { state_ = state; }

 private:
  void spawn_entity(NumpyRandomState& rng);
  // Gold touching the player is collected (+1, slot emptied); an enemy ends the episode.
  int resolve_contacts();

  bool ramping_;
  AsterixState state_;
};

}  // namespace arq::minatar
