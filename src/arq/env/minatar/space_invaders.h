#pragma once
// MinAtar Space Invaders (MinAtar 1.0.15, environments/space_invaders.py; docs/minatar.md §7).
//
// A cannon in the bottom row shoots at a block of aliens that marches sideways, descends at the
// edges and shoots back. A cleared wave respawns; with ramping each new wave marches faster.
//
// Actions: fire (when the 5-step cool-down is over) puts a bullet above the cannon; otherwise
//   left and right move the cannon one column (clamped). Minimal set {no-op, left, right, fire}.
// Observation, 6 channels: cannon, alien, alien_left or alien_right (every alien, in the channel
//   of the marching direction), friendly bullet, enemy bullet.
// Reset: cannon in column 5; aliens fill rows 0-3 x columns 2-7 (24), marching left; the aliens
//   first shoot at step 11 and first move at step 13. The game draws no random numbers at all.
// Step, in this order:
//   1. Fire or move the cannon.
//   2. Friendly bullets rise one row and enemy bullets fall one row (leaving at the edges); an
//      enemy bullet or an alien on the cannon ends the game.
//   3. When the move timer is 0 it restarts at min(aliens left, move interval), so a lone alien
//      moves every step. If an alien is in the edge column of the marching direction the block
//      turns and descends one row (the game ends if an alien was already in the bottom row; the
//      descent is a cyclic roll, so that row reappears at the top); otherwise it steps sideways.
//      An alien then on the cannon ends the game.
//   4. When the shot timer is 0 (every 10 steps) the lowest alien of the alien column nearest to
//      the cannon (ties to the lower column) shoots; the bullet starts in its own cell.
//   5. Every cell holding both an alien and a friendly bullet is a kill, +1 each.
//   6. Timers count down. With no alien left a new wave appears (direction and timers kept);
//      with ramping the move interval drops by 1, from 12 down to 6.
// Reward: +1 per alien. The game ends when the cannon is hit or reached, or the block must
//   descend with an alien in the bottom row.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

// One 10x10 layer of 0/1 cells as ten row masks: bit x of rows[y] is cell (x, y).
struct GridBits {
  static constexpr uint16_t kRowMask = (1u << kGridSize) - 1;

  std::array<uint16_t, kGridSize> rows{};

  bool at(int x, int y) const { return (rows[y] >> x) & 1u; }
  void set(int x, int y, bool on) {
    const uint16_t bit = static_cast<uint16_t>(1u << x);
    rows[y] = static_cast<uint16_t>(on ? rows[y] | bit : rows[y] & ~bit);
  }
  int count() const;
  bool empty() const { return count() == 0; }
  uint16_t columns_used() const;  // OR of all rows: bit x set if column x has any cell
  bool operator==(const GridBits&) const = default;
};

struct SpaceInvadersState {
  static constexpr int kShotCoolDown = 5;
  static constexpr int kInitialMoveInterval = 12;
  static constexpr int kMinMoveInterval = 6;  // ramping stops here
  static constexpr int kAlienShotInterval = 10;
  static constexpr int kCannonRow = kLastRow;
  static constexpr int kCannonStartX = 5;
  static constexpr int kWaveRows = 4;  // a wave fills rows 0..3
  static constexpr int kWaveFirstColumn = 2;
  static constexpr int kWaveLastColumn = 7;

  int cannon_x = kCannonStartX;  // the cannon sits in kCannonRow
  GridBits aliens;
  GridBits friendly_bullets;
  GridBits enemy_bullets;
  int alien_dir = -1;  // -1 left, +1 right
  int enemy_move_interval = kInitialMoveInterval;
  int alien_move_timer = kInitialMoveInterval;
  int alien_shot_timer = kAlienShotInterval;
  int shot_timer = 0;  // cannon cool-down
  int ramp_index = 0;
  bool terminal = false;

  // Rows 0..kWaveRows-1 x columns kWaveFirstColumn..kWaveLastColumn, the start of every wave.
  void spawn_wave();
};

class SpaceInvaders final : public Game {
 public:
  enum Channel : int {
    kCannon = 0,
    kAlien = 1,
    kAlienLeft = 2,
    kAlienRight = 3,
    kFriendlyBullet = 4,
    kEnemyBullet = 5
  };
  static constexpr int kChannels = 6;

  explicit SpaceInvaders(bool ramping = true) : ramping_(ramping) {}

  std::string_view name() const override { return "space_invaders"; }
  std::span<const std::string_view> channel_names() const override;
  std::span<const int> minimal_action_set() const override;
  void reset(NumpyRandomState& rng) override;
  GameStep act(int action, NumpyRandomState& rng) override;
  void render(std::span<uint8_t> grid) const override;
  std::optional<int> difficulty_ramp() const override { return state_.ramp_index; }

  const SpaceInvadersState& state() const { return state_; }
  void set_state(const SpaceInvadersState& state) { state_ = state; }

 private:
  bool ramping_;
  SpaceInvadersState state_;
};

}  // namespace arq::minatar
