// Breakout rules that random play rarely or never isolates: the wall clamp, the strike flag,
// the paddle test on the ball's old column, and the refill only at the paddle row.
#include "arq/env/minatar/breakout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace arq::minatar {
namespace {

int count_bricks(const BreakoutState& state) {
  return static_cast<int>(std::count(state.bricks.begin(), state.bricks.end(), uint8_t{1}));
}

// A mid-episode state with no bricks, the paddle at `paddle_x` and the ball at (x, y).
BreakoutState ball_at(int x, int y, int dir, int paddle_x = 4) {
  BreakoutState state;
  state.ball_x = state.last_x = x;
  state.ball_y = state.last_y = y;
  state.ball_dir = dir;
  state.paddle_x = paddle_x;
  return state;
}

struct Outcome {
  GameStep step;
  BreakoutState state;
  uint64_t words;
};

Outcome act_from(const BreakoutState& start, int action) {
  Breakout game;
  game.set_state(start);
  NumpyRandomState rng(7);
  const GameStep step = game.act(action, rng);
  return {step, game.state(), rng.words_drawn()};
}

TEST(Breakout, ResetStartsFromEitherSideWithOneWord) {
  bool seen[2] = {false, false};
  for (uint32_t seed = 0; seed < 16; ++seed) {
    NumpyRandomState rng(seed);
    NumpyRandomState probe(seed);
    const int side = static_cast<int>(probe.randint(2));
    Breakout game;
    game.reset(rng);
    const BreakoutState& s = game.state();
    EXPECT_EQ(rng.words_drawn(), 1u);
    EXPECT_EQ(s.ball_x, side == 0 ? 0 : 9);
    EXPECT_EQ(s.ball_dir, side == 0 ? kDownRight : kDownLeft);
    EXPECT_EQ(s.ball_y, 3);
    EXPECT_EQ(s.paddle_x, 4);
    EXPECT_EQ(s.last_x, s.ball_x);
    EXPECT_EQ(s.last_y, s.ball_y);
    EXPECT_FALSE(s.strike);
    EXPECT_FALSE(s.terminal);
    for (int y = 0; y < kGridSize; ++y) {
      for (int x = 0; x < kGridSize; ++x) EXPECT_EQ(s.brick(x, y), y >= 1 && y <= 3);
    }
    seen[side] = true;
  }
  EXPECT_TRUE(seen[0] && seen[1]);
}

TEST(Breakout, ActDrawsNothing) {
  const Outcome out = act_from(ball_at(5, 5, kUpRight), kLeft);
  EXPECT_EQ(out.words, 0u);
}

TEST(Breakout, PaddleMovesAndStopsAtTheWalls) {
  EXPECT_EQ(act_from(ball_at(5, 5, kUpRight, 4), kLeft).state.paddle_x, 3);
  EXPECT_EQ(act_from(ball_at(5, 5, kUpRight, 4), kRight).state.paddle_x, 5);
  EXPECT_EQ(act_from(ball_at(5, 5, kUpRight, 0), kLeft).state.paddle_x, 0);
  EXPECT_EQ(act_from(ball_at(5, 5, kUpRight, 9), kRight).state.paddle_x, 9);
  for (int action : {kNoop, kUp, kDown, kFire}) {
    EXPECT_EQ(act_from(ball_at(5, 5, kUpRight, 4), action).state.paddle_x, 4);
  }
}

TEST(Breakout, BallMovesDiagonallyAndLeavesATrail) {
  const Outcome out = act_from(ball_at(5, 5, kDownLeft), kNoop);
  EXPECT_EQ(out.state.ball_x, 4);
  EXPECT_EQ(out.state.ball_y, 6);
  EXPECT_EQ(out.state.last_x, 5);
  EXPECT_EQ(out.state.last_y, 5);
  EXPECT_EQ(out.state.ball_dir, kDownLeft);
}

TEST(Breakout, WallClampsTheBallInTheWallColumn) {
  // Instead of reflecting, the ball stays in column 0 for a step and only turns.
  Outcome out = act_from(ball_at(0, 5, kUpLeft), kNoop);
  EXPECT_EQ(out.state.ball_x, 0);
  EXPECT_EQ(out.state.ball_y, 4);
  EXPECT_EQ(out.state.ball_dir, kUpRight);
  out = act_from(ball_at(9, 5, kDownRight), kNoop);
  EXPECT_EQ(out.state.ball_x, 9);
  EXPECT_EQ(out.state.ball_y, 6);
  EXPECT_EQ(out.state.ball_dir, kDownLeft);
}

TEST(Breakout, CornerFlipsBothWays) {
  const Outcome out = act_from(ball_at(0, 0, kUpLeft), kNoop);
  EXPECT_EQ(out.state.ball_x, 0);
  EXPECT_EQ(out.state.ball_y, 0);
  EXPECT_EQ(out.state.ball_dir, kDownRight);
  EXPECT_FALSE(out.step.terminal);
}

TEST(Breakout, BrickHitScoresRemovesAndBouncesSideways) {
  BreakoutState start = ball_at(3, 5, kUpRight);
  start.set_brick(4, 4, true);
  start.set_brick(5, 4, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 1);
  EXPECT_FALSE(out.state.brick(4, 4));
  EXPECT_TRUE(out.state.brick(5, 4));
  EXPECT_EQ(out.state.ball_x, 4);  // moved sideways only
  EXPECT_EQ(out.state.ball_y, 5);
  EXPECT_EQ(out.state.ball_dir, kDownRight);
  EXPECT_TRUE(out.state.strike);
}

TEST(Breakout, StrikeFlagLetsTheBallEnterTheNextBrick) {
  BreakoutState start = ball_at(3, 5, kUpRight);
  start.set_brick(4, 4, true);
  start.strike = true;  // the previous step touched a brick
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 0);
  EXPECT_TRUE(out.state.brick(4, 4));  // the brick stays ...
  EXPECT_EQ(out.state.ball_x, 4);      // ... and the ball is inside it
  EXPECT_EQ(out.state.ball_y, 4);
  EXPECT_EQ(out.state.ball_dir, kUpRight);
  EXPECT_TRUE(out.state.strike);  // still touching a brick

  // The next brick-free step clears the flag, so the following contact scores again.
  BreakoutState free_step = ball_at(3, 5, kUpRight);
  free_step.strike = true;
  EXPECT_FALSE(act_from(free_step, kNoop).state.strike);
}

TEST(Breakout, BrickContactRightAfterAHitDoesNotScore) {
  // The ball sits in a hole at (5, 2) inside the brick rows, going up-right.
  BreakoutState start = ball_at(5, 2, kUpRight);
  start.fill_bricks();
  start.set_brick(5, 2, false);
  Breakout game;
  game.set_state(start);
  NumpyRandomState rng(0);

  // 1: breaks (6, 1), moves sideways into the brick at (6, 2) and turns down.
  GameStep step = game.act(kNoop, rng);
  EXPECT_EQ(step.reward, 1);
  EXPECT_FALSE(game.state().brick(6, 1));
  EXPECT_EQ(game.state().ball_x, 6);
  EXPECT_EQ(game.state().ball_y, 2);
  EXPECT_TRUE(game.state().brick(6, 2));
  EXPECT_EQ(game.state().ball_dir, kDownRight);
  EXPECT_TRUE(game.state().strike);

  // 2: the strike flag is still set, so it passes into (7, 3) without scoring.
  step = game.act(kNoop, rng);
  EXPECT_EQ(step.reward, 0);
  EXPECT_EQ(game.state().ball_x, 7);
  EXPECT_EQ(game.state().ball_y, 3);
  EXPECT_TRUE(game.state().brick(7, 3));
  EXPECT_TRUE(game.state().strike);

  // 3: out of the bricks; the flag clears.
  step = game.act(kNoop, rng);
  EXPECT_EQ(step.reward, 0);
  EXPECT_EQ(game.state().ball_y, 4);
  EXPECT_FALSE(game.state().strike);
  EXPECT_EQ(count_bricks(game.state()), 28);
}

TEST(Breakout, PaddleCheckUsesTheBallsOldColumn) {
  // Ball at (3, 8) going down-right lands on column 4. The paddle under the old column 3
  // bounces it straight back up.
  Outcome out = act_from(ball_at(3, 8, kDownRight, 3), kNoop);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.ball_x, 4);
  EXPECT_EQ(out.state.ball_y, 8);
  EXPECT_EQ(out.state.ball_dir, kUpRight);

  // The paddle moves first, so moving under the old column also counts.
  out = act_from(ball_at(3, 8, kDownRight, 4), kLeft);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.ball_dir, kUpRight);

  // The paddle under the new column reverses the ball.
  out = act_from(ball_at(3, 8, kDownRight, 4), kNoop);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.ball_x, 4);
  EXPECT_EQ(out.state.ball_y, 8);
  EXPECT_EQ(out.state.ball_dir, kUpLeft);

  // Anywhere else the ball drops into row 9 and the episode ends.
  out = act_from(ball_at(3, 8, kDownRight, 6), kNoop);
  EXPECT_TRUE(out.step.terminal);
  EXPECT_EQ(out.state.ball_x, 4);
  EXPECT_EQ(out.state.ball_y, 9);
}

TEST(Breakout, BricksRefillOnlyWhenTheBallReachesThePaddleRow) {
  // An empty field stays empty while the ball is in flight.
  Outcome out = act_from(ball_at(5, 5, kDownRight), kNoop);
  EXPECT_EQ(count_bricks(out.state), 0);

  // Reaching row 9 with no bricks refills rows 1-3, whether or not the paddle catches it.
  out = act_from(ball_at(3, 8, kDownRight, 3), kNoop);
  EXPECT_EQ(count_bricks(out.state), 30);
  EXPECT_FALSE(out.step.terminal);
  out = act_from(ball_at(3, 8, kDownRight, 7), kNoop);
  EXPECT_EQ(count_bricks(out.state), 30);
  EXPECT_TRUE(out.step.terminal);

  // One remaining brick anywhere prevents the refill.
  BreakoutState one_left = ball_at(3, 8, kDownRight, 3);
  one_left.set_brick(9, 1, true);
  out = act_from(one_left, kNoop);
  EXPECT_EQ(count_bricks(out.state), 1);
}

TEST(Breakout, TerminalGameIgnoresActions) {
  BreakoutState start = ball_at(4, 9, kDownRight, 0);
  start.terminal = true;
  const Outcome out = act_from(start, kLeft);
  EXPECT_EQ(out.step.reward, 0);
  EXPECT_TRUE(out.step.terminal);
  EXPECT_EQ(out.state.paddle_x, 0);
  EXPECT_EQ(out.state.ball_x, 4);
  EXPECT_EQ(out.state.ball_y, 9);
}

TEST(Breakout, RenderPlacesEveryObjectAndOverwritesTheBuffer) {
  Breakout game;
  BreakoutState state = ball_at(6, 5, kUpRight, 2);
  state.last_x = 5;
  state.last_y = 6;
  state.set_brick(0, 1, true);
  state.set_brick(9, 3, true);
  game.set_state(state);
  std::vector<uint8_t> grid(kGridSize * kGridSize * Breakout::kChannels, 0xAB);
  game.render(grid);
  auto at = [&](int y, int x, int c) {
    return grid[(y * kGridSize + x) * Breakout::kChannels + c];
  };
  EXPECT_EQ(at(9, 2, 0), 1);  // paddle
  EXPECT_EQ(at(5, 6, 1), 1);  // ball
  EXPECT_EQ(at(6, 5, 2), 1);  // trail
  EXPECT_EQ(at(1, 0, 3), 1);  // bricks
  EXPECT_EQ(at(3, 9, 3), 1);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{1}), 5);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{0}), static_cast<long>(grid.size()) - 5);
  EXPECT_EQ(game.num_channels(), 4);
  EXPECT_EQ(game.channel_names()[3], "brick");
}

TEST(Breakout, MinimalActionSetIsNoopLeftRight) {
  Breakout game;
  const auto actions = game.minimal_action_set();
  EXPECT_EQ(std::vector<int>(actions.begin(), actions.end()), (std::vector<int>{0, 1, 3}));
  EXPECT_FALSE(game.difficulty_ramp().has_value());
}

}  // namespace
}  // namespace arq::minatar
