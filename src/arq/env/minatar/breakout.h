#pragma once
// MinAtar Breakout: a paddle in the bottom row bounces a diagonal ball into three rows of bricks.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

// Ball directions as (dx, dy); the numbering matters because the flips are bit tricks on it.
enum BallDirection : int { kUpLeft = 0, kUpRight = 1, kDownRight = 2, kDownLeft = 3 };

struct BreakoutState {
  int ball_x = 0;
  int ball_y = 3;
  int ball_dir = kDownRight;
  int paddle_x = 4;                                     // the paddle sits in row 9
  std::array<uint8_t, kGridSize * kGridSize> bricks{};  // 0/1 at y*10 + x
  // True while the ball was inside a brick cell last step; a second consecutive brick contact
  // then neither scores nor bounces (the original's strike flag).
  bool strike = false;
  int last_x = 0;  // ball position before the last step, drawn as the trail
  int last_y = 3;
  bool terminal = false;

  bool brick(int x, int y) const { return bricks[y * kGridSize + x] != 0; }
  void set_brick(int x, int y, bool present) { bricks[y * kGridSize + x] = present ? 1 : 0; }
  // Rows 1-3 full, the rest empty.
  void fill_bricks();
};

class Breakout final : public Game {
 public:
  static constexpr int kChannels = 4;  // paddle, ball, trail, brick

  std::string_view name() const override { return "breakout"; }
  std::span<const std::string_view> channel_names() const override;
  std::span<const int> minimal_action_set() const override;
  void reset(NumpyRandomState& rng) override;
  GameStep act(int action, NumpyRandomState& rng) override;
  void render(std::span<uint8_t> grid) const override;

  const BreakoutState& state() const { return state_; }
  void set_state(const BreakoutState& state) { state_ = state; }

 private:
  BreakoutState state_;
};

}  // namespace arq::minatar
