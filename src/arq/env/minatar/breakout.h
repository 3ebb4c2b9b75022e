#pragma once
// MinAtar Breakout (MinAtar 1.0.15, environments/breakout.py; docs/minatar.md §5).
//
// A paddle in the bottom row bounces a ball that moves one cell diagonally per step into three
// rows of bricks.
//
// Actions: left and right move the paddle one column (clamped); everything else does nothing.
//   Minimal set {no-op, left, right}.
// Observation, 4 channels: paddle, ball, trail (the ball's previous cell), brick.
// Reset: bricks fill rows 1-3 (30 bricks); the paddle is in column 4; the ball starts in row 3,
//   in column 0 moving down-right or in column 9 moving down-left (one randint(2) draw). No
//   other randomness: a step draws nothing.
// Step, in this order:
//   1. Move the paddle. Remember the ball's cell as the trail; the next cell is one diagonal step.
//   2. Past a side wall the ball stays in the wall column this step and flips horizontally.
//   3. The first that applies: above the top row, the ball stays in row 0 and flips vertically;
//      a brick in the next cell is hit (below); the next row is the paddle row (below).
//   4. Hitting a brick scores +1, removes it, keeps the ball in its row this step and flips it
//      vertically; but a second brick contact right after one (the strike flag) neither scores
//      nor bounces, and the ball enters the brick's cell.
//   5. At the paddle row: if no brick is left anywhere, rows 1-3 refill. If the paddle is under
//      the ball's old column the ball flips vertically; else if it is under the new column the
//      ball reverses; either way it stays in its row. Otherwise the ball falls into the bottom
//      row and the game is over.
// Reward: +1 per brick. The game ends only by missing the ball; no difficulty ramping.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

// Ball directions as (dx, dy); the numbering matters because the flips are bit tricks on it.
enum BallDirection : int { kUpLeft = 0, kUpRight = 1, kDownRight = 2, kDownLeft = 3 };

struct BreakoutState {
  static constexpr int kPaddleRow = kLastRow;
  static constexpr int kPaddleStartX = 4;
  static constexpr int kBallStartY = 3;
  static constexpr int kFirstBrickRow = 1;
  static constexpr int kLastBrickRow = 3;

  int ball_x = 0;
  int ball_y = kBallStartY;
  int ball_dir = kDownRight;
  int paddle_x = kPaddleStartX;                         // the paddle sits in kPaddleRow
  std::array<uint8_t, kGridSize * kGridSize> bricks{};  // 0/1 at y*10 + x
  // True while the ball was inside a brick cell last step; a second consecutive brick contact
  // then neither scores nor bounces (the original's strike flag).
  bool strike = false;
  int last_x = 0;  // ball position before the last step, drawn as the trail
  int last_y = kBallStartY;
  bool terminal = false;

  bool brick(int x, int y) const { return bricks[y * kGridSize + x] != 0; }
  void set_brick(int x, int y, bool present) { bricks[y * kGridSize + x] = present ? 1 : 0; }
  // Rows kFirstBrickRow..kLastBrickRow full, the rest empty.
  void fill_bricks();
};

class Breakout final : public Game {
 public:
  enum Channel : int { kPaddle = 0, kBall = 1, kTrail = 2, kBrick = 3 };
  static constexpr int kChannels = 4;

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
