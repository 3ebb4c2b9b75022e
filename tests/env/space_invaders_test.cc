// Space Invaders rules that random play rarely isolates: the cyclic alien roll at the edges, the
// shooter choice and the shot from the alien's own cell, kills, wave respawn and ramping.
#include "arq/env/minatar/space_invaders.h"

#include <gtest/gtest.h>

#include <vector>

namespace arq::minatar {
namespace {

// A mid-wave state with no aliens or bullets and timers that do not fire on the next step.
SpaceInvadersState quiet_state() {
  SpaceInvadersState state;
  state.alien_move_timer = 5;
  state.alien_shot_timer = 5;
  return state;
}

struct Outcome {
  GameStep step;
  SpaceInvadersState state;
  uint64_t words;
};

Outcome act_from(const SpaceInvadersState& start, int action, bool ramping = true) {
  SpaceInvaders game(ramping);
  game.set_state(start);
  NumpyRandomState rng(3);
  const GameStep step = game.act(action, rng);
  return {step, game.state(), rng.words_drawn()};
}

std::vector<uint8_t> render(const SpaceInvadersState& state) {
  SpaceInvaders game;
  game.set_state(state);
  std::vector<uint8_t> grid(kGridSize * kGridSize * SpaceInvaders::kChannels, 7);
  game.render(grid);
  return grid;
}

TEST(SpaceInvaders, ResetPlacesTheFirstWaveWithoutDraws) {
  SpaceInvaders game;
  NumpyRandomState rng(0);
  game.reset(rng);
  const SpaceInvadersState& s = game.state();
  EXPECT_EQ(rng.words_drawn(), 0u);
  EXPECT_EQ(s.cannon_x, 5);
  EXPECT_EQ(s.alien_dir, -1);
  EXPECT_EQ(s.enemy_move_interval, 12);
  EXPECT_EQ(s.alien_move_timer, 12);
  EXPECT_EQ(s.alien_shot_timer, 10);
  EXPECT_EQ(s.aliens.count(), 24);
  for (int y = 0; y < kGridSize; ++y) {
    for (int x = 0; x < kGridSize; ++x) EXPECT_EQ(s.aliens.at(x, y), y <= 3 && x >= 2 && x <= 7);
  }
  EXPECT_TRUE(s.friendly_bullets.empty());
  EXPECT_TRUE(s.enemy_bullets.empty());
  EXPECT_EQ(game.difficulty_ramp(), std::optional<int>(0));
}

TEST(SpaceInvaders, AliensDescendCyclicallyAtTheEdgeAndRow9WrapsToRow0) {
  SpaceInvadersState start = quiet_state();
  start.alien_move_timer = 0;
  start.alien_dir = -1;
  start.aliens.set(0, 9, true);  // at the left edge and already in the bottom row
  start.aliens.set(0, 4, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_TRUE(out.step.terminal);  // it needed to descend from row 9
  EXPECT_EQ(out.state.alien_dir, +1);
  EXPECT_TRUE(out.state.aliens.at(0, 0));  // wrapped, and visible in the terminal frame
  EXPECT_TRUE(out.state.aliens.at(0, 5));
  EXPECT_EQ(out.state.aliens.count(), 2);
  // Moved with two aliens: the next move comes min(2, 12) steps later.
  EXPECT_EQ(out.state.alien_move_timer, 2 - 1);
}

TEST(SpaceInvaders, DescentWithoutRow9IsNotTerminal) {
  SpaceInvadersState start = quiet_state();
  start.alien_move_timer = 0;
  start.alien_dir = +1;
  start.aliens.set(9, 3, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.alien_dir, -1);
  EXPECT_TRUE(out.state.aliens.at(9, 4));
  EXPECT_EQ(out.state.aliens.count(), 1);
}

TEST(SpaceInvaders, AliensMarchSidewaysAwayFromTheOtherEdge) {
  SpaceInvadersState start = quiet_state();
  start.alien_move_timer = 0;
  start.alien_dir = -1;
  start.aliens.set(9, 2, true);  // column 9 does not matter while moving left
  start.aliens.set(4, 2, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.state.alien_dir, -1);
  EXPECT_TRUE(out.state.aliens.at(8, 2));
  EXPECT_TRUE(out.state.aliens.at(3, 2));
  EXPECT_EQ(out.state.aliens.count(), 2);
}

TEST(SpaceInvaders, AlienLandingOnTheCannonIsTerminal) {
  SpaceInvadersState start = quiet_state();
  start.alien_move_timer = 0;
  start.alien_dir = +1;
  start.cannon_x = 5;
  start.aliens.set(4, 9, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_TRUE(out.step.terminal);
  EXPECT_TRUE(out.state.aliens.at(5, 9));
}

TEST(SpaceInvaders, ShotComesFromTheLowestAlienOfTheNearestColumnInItsOwnCell) {
  SpaceInvadersState start = quiet_state();
  start.alien_shot_timer = 0;
  start.cannon_x = 5;
  start.aliens.set(4, 1, true);  // columns 4 and 6 tie at distance 1: the lower one shoots
  start.aliens.set(4, 3, true);
  start.aliens.set(6, 7, true);
  start.aliens.set(0, 8, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.alien_shot_timer, 10 - 1);
  EXPECT_EQ(out.state.enemy_bullets.count(), 1);
  EXPECT_TRUE(out.state.enemy_bullets.at(4, 3));  // not below the alien: it moves next step

  const Outcome next = act_from(out.state, kNoop);
  EXPECT_EQ(next.state.enemy_bullets.count(), 1);
  EXPECT_TRUE(next.state.enemy_bullets.at(4, 4));
}

TEST(SpaceInvaders, ShooterIsTheAlienAboveTheCannonWhenThereIsOne) {
  SpaceInvadersState start = quiet_state();
  start.alien_shot_timer = 0;
  start.cannon_x = 0;
  start.aliens.set(0, 2, true);
  start.aliens.set(1, 6, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_TRUE(out.state.enemy_bullets.at(0, 2));
  EXPECT_EQ(out.state.enemy_bullets.count(), 1);
}

TEST(SpaceInvaders, EnemyBulletReachingTheCannonIsTerminalAndThenNothingChanges) {
  SpaceInvadersState start = quiet_state();
  start.aliens.set(0, 0, true);
  start.cannon_x = 6;
  start.enemy_bullets.set(6, 8, true);
  SpaceInvaders game;
  game.set_state(start);
  NumpyRandomState rng(1);
  EXPECT_TRUE(game.act(kNoop, rng).terminal);
  const SpaceInvadersState frozen = game.state();
  const GameStep again = game.act(kLeft, rng);
  EXPECT_TRUE(again.terminal);
  EXPECT_EQ(again.reward, 0);
  EXPECT_EQ(game.state().cannon_x, frozen.cannon_x);
  EXPECT_EQ(game.state().enemy_bullets, frozen.enemy_bullets);
}

TEST(SpaceInvaders, FireHasACoolDownAndBulletsLeaveThroughTheTop) {
  SpaceInvadersState start = quiet_state();
  start.aliens.set(0, 5, true);
  start.friendly_bullets.set(3, 0, true);
  start.cannon_x = 7;
  Outcome out = act_from(start, kFire);
  EXPECT_TRUE(out.state.friendly_bullets.at(7, 8));  // fired and moved in the same step
  EXPECT_EQ(out.state.friendly_bullets.count(), 1);  // the one in row 0 left
  EXPECT_EQ(out.state.shot_timer, 4);
  out = act_from(out.state, kFire);  // cooling down: no bullet and no move
  EXPECT_EQ(out.state.friendly_bullets.count(), 1);
  EXPECT_EQ(out.state.cannon_x, 7);
  EXPECT_EQ(out.state.shot_timer, 3);
}

TEST(SpaceInvaders, SeveralKillsInOneStepAndCrossingsDoNotCollide) {
  SpaceInvadersState start = quiet_state();
  start.aliens.set(2, 3, true);
  start.aliens.set(6, 5, true);
  start.aliens.set(8, 0, true);
  start.friendly_bullets.set(2, 4, true);  // rises into (2, 3)
  start.friendly_bullets.set(6, 6, true);  // rises into (6, 5)
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 2);
  EXPECT_EQ(out.state.aliens.count(), 1);
  EXPECT_TRUE(out.state.friendly_bullets.empty());

  // The bullet rises from row 3 to row 2 while the alien descends from row 2 to row 3.
  SpaceInvadersState crossing = quiet_state();
  crossing.alien_move_timer = 0;
  crossing.alien_dir = -1;
  crossing.aliens.set(0, 2, true);
  crossing.friendly_bullets.set(0, 3, true);
  const Outcome passed = act_from(crossing, kNoop);
  EXPECT_EQ(passed.step.reward, 0);
  EXPECT_TRUE(passed.state.aliens.at(0, 3));
  EXPECT_TRUE(passed.state.friendly_bullets.at(0, 2));
}

TEST(SpaceInvaders, ClearedWaveRespawnsAndRampsKeepingDirectionAndTimers) {
  SpaceInvadersState start = quiet_state();
  start.alien_dir = +1;
  start.alien_move_timer = 3;
  start.alien_shot_timer = 7;
  start.aliens.set(5, 6, true);
  start.friendly_bullets.set(5, 7, true);
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 1);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.aliens.count(), 24);
  EXPECT_TRUE(out.state.aliens.at(2, 0));
  EXPECT_TRUE(out.state.aliens.at(7, 3));
  EXPECT_EQ(out.state.enemy_move_interval, 11);
  EXPECT_EQ(out.state.ramp_index, 1);
  EXPECT_EQ(out.state.alien_dir, +1);
  EXPECT_EQ(out.state.alien_move_timer, 2);
  EXPECT_EQ(out.state.alien_shot_timer, 6);

  const Outcome unramped = act_from(start, kNoop, /*ramping=*/false);
  EXPECT_EQ(unramped.state.aliens.count(), 24);
  EXPECT_EQ(unramped.state.enemy_move_interval, 12);
  EXPECT_EQ(unramped.state.ramp_index, 0);

  SpaceInvadersState fastest = start;
  fastest.enemy_move_interval = 6;
  fastest.ramp_index = 6;
  const Outcome capped = act_from(fastest, kNoop);
  EXPECT_EQ(capped.state.enemy_move_interval, 6);
  EXPECT_EQ(capped.state.ramp_index, 6);
}

TEST(SpaceInvaders, LastAlienMovesEveryStep) {
  SpaceInvadersState start = quiet_state();
  start.alien_move_timer = 0;
  start.alien_dir = -1;
  start.aliens.set(5, 1, true);
  Outcome out = act_from(start, kNoop);
  EXPECT_TRUE(out.state.aliens.at(4, 1));
  EXPECT_EQ(out.state.alien_move_timer, 0);
  out = act_from(out.state, kNoop);
  EXPECT_TRUE(out.state.aliens.at(3, 1));
}

TEST(SpaceInvaders, ActDrawsNothing) {
  SpaceInvaders game;
  NumpyRandomState rng(5);
  game.reset(rng);
  for (int i = 0; i < 50; ++i) game.act(i % kNumGameActions, rng);
  EXPECT_EQ(rng.words_drawn(), 0u);
}

TEST(SpaceInvaders, RenderShowsDirectionChannelAndOverwritesEveryByte) {
  SpaceInvadersState state = quiet_state();
  state.cannon_x = 2;
  state.alien_dir = +1;
  state.aliens.set(4, 1, true);
  state.friendly_bullets.set(2, 6, true);
  state.enemy_bullets.set(7, 8, true);
  const std::vector<uint8_t> grid = render(state);
  auto at = [&](int y, int x, int c) { return grid[(y * kGridSize + x) * 6 + c]; };
  int ones = 0;
  for (uint8_t v : grid) {
    ASSERT_LE(v, 1);
    ones += v;
  }
  EXPECT_EQ(ones, 5);
  EXPECT_EQ(at(9, 2, 0), 1);
  EXPECT_EQ(at(1, 4, 1), 1);
  EXPECT_EQ(at(1, 4, 3), 1);  // alien_right
  EXPECT_EQ(at(6, 2, 4), 1);
  EXPECT_EQ(at(8, 7, 5), 1);
  state.alien_dir = -1;
  EXPECT_EQ(render(state)[(1 * kGridSize + 4) * 6 + 2], 1);  // alien_left
}

}  // namespace
}  // namespace arq::minatar
