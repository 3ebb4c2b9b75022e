#pragma once
// MinAtar Space Invaders: a cannon in the bottom row shoots at a 4x6 block of aliens that marches
// sideways, descends at the edges and shoots back. Cleared waves respawn, faster when ramping.
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

  int cannon_x = 5;  // the cannon sits in row 9
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

  // Rows 0-3 x columns 2-7, the start of every wave.
  void spawn_wave();
};

class SpaceInvaders final : public Game {
 public:
  static constexpr int kChannels = 6;  // cannon, alien, alien_left, alien_right, f/e bullets

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
