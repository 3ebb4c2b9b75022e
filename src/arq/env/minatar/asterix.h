#pragma once
// MinAtar Asterix: the player dodges enemies and collects gold that enter rows 1-8 from either
// side; spawning and movement speed up over time when ramping is on.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

struct AsterixEntity {
  bool present = false;
  int x = 0;
  bool moving_right = false;  // spawned at x = 0 when true, at x = 9 otherwise
  bool gold = false;          // gold scores on contact; anything else is a lethal enemy
};

struct AsterixState {
  static constexpr int kNumSlots = 8;  // slot i lives in row i + 1
  static constexpr int kRampInterval = 100;
  static constexpr int kInitialSpawnSpeed = 10;
  static constexpr int kInitialMoveSpeed = 5;

  static int row_of_slot(int slot) { return slot + 1; }

  int player_x = 5;
  int player_y = 5;
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
  static constexpr int kChannels = 4;  // player, enemy, trail, gold

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
