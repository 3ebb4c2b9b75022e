// Freeway rules checked on hand-built states: the 2500-frame terminal, re-randomised cars on
// every crossing (in numpy's draw order), collisions against the chicken's current row, and
// the chicken's move cooldown.
#include "arq/env/minatar/freeway.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <vector>

namespace arq::minatar {
namespace {

// The speeds the original would draw next from `rng`: randint(1, 6, size=8), then rand(8).
std::array<int, FreewayState::kNumCars> next_speeds(NumpyRandomState& rng) {
  std::array<int, FreewayState::kNumCars> speeds{};
  for (int& s : speeds) s = static_cast<int>(rng.randint(1, 6));
  for (int& s : speeds) s *= rng.rand() < 0.5 ? -1 : 1;
  return speeds;
}

// Cars parked far from column 4 with long timers, so nothing moves into the chicken.
FreewayState quiet_state() {
  FreewayState state;
  for (int i = 0; i < FreewayState::kNumCars; ++i) state.cars[i] = {0, i + 1, 5, 5};
  state.chicken_y = 9;
  state.move_timer = 0;
  return state;
}

TEST(Freeway, ResetDrawsAllMagnitudesThenAllDirections) {
  for (uint32_t seed : {0u, 1u, 42u}) {
    NumpyRandomState rng(seed);
    NumpyRandomState probe(seed);
    const auto expected = next_speeds(probe);
    Freeway game;
    game.reset(rng);
    EXPECT_EQ(rng.words_drawn(), probe.words_drawn());
    const FreewayState& s = game.state();
    for (int i = 0; i < FreewayState::kNumCars; ++i) {
      EXPECT_EQ(s.cars[i].x, 0);
      EXPECT_EQ(s.cars[i].y, i + 1);
      EXPECT_EQ(s.cars[i].speed, expected[i]);
      EXPECT_EQ(s.cars[i].timer, std::abs(expected[i]));
    }
    EXPECT_EQ(s.chicken_y, 9);
    EXPECT_EQ(s.move_timer, 3);
    EXPECT_EQ(s.terminate_timer, 2500);
    EXPECT_FALSE(s.terminal);
  }
  // Seed 0 rejects four magnitude draws: 8 + 4 words, plus 16 for the doubles.
  NumpyRandomState rng(0);
  Freeway game;
  game.reset(rng);
  EXPECT_EQ(rng.words_drawn(), 28u);
}

TEST(Freeway, EveryEpisodeLastsExactly2501Steps) {
  NumpyRandomState rng(3);
  Freeway game;
  game.reset(rng);
  for (int step = 1; step <= 2500; ++step) {
    ASSERT_FALSE(game.act(kNoop, rng).terminal) << "step " << step;
  }
  const GameStep last = game.act(kNoop, rng);
  EXPECT_TRUE(last.terminal);
  EXPECT_EQ(game.state().terminate_timer, -1);
  // Once terminal nothing changes and nothing is drawn.
  const FreewayState before = game.state();
  const uint64_t words = rng.words_drawn();
  const GameStep after = game.act(kUp, rng);
  EXPECT_TRUE(after.terminal);
  EXPECT_EQ(after.reward, 0);
  EXPECT_EQ(rng.words_drawn(), words);
  EXPECT_EQ(game.state().cars[0].x, before.cars[0].x);
  EXPECT_EQ(game.state().terminate_timer, -1);
}

TEST(Freeway, CrossingScoresAndRedrawsSpeedsButKeepsPositions) {
  FreewayState start = quiet_state();
  for (int i = 0; i < FreewayState::kNumCars; ++i) start.cars[i].x = i;  // distinct positions
  start.chicken_y = 1;
  Freeway game;
  game.set_state(start);
  NumpyRandomState rng(11);
  NumpyRandomState probe(11);
  const auto expected = next_speeds(probe);

  const GameStep step = game.act(kUp, rng);
  EXPECT_EQ(step.reward, 1);
  EXPECT_FALSE(step.terminal);
  EXPECT_EQ(rng.words_drawn(), probe.words_drawn());
  const FreewayState& s = game.state();
  EXPECT_EQ(s.chicken_y, 9);
  for (int i = 0; i < FreewayState::kNumCars; ++i) {
    EXPECT_EQ(s.cars[i].speed, expected[i]) << "car " << i;
    EXPECT_EQ(s.cars[i].y, i + 1);
    // The new timer is |v|, then the car either moves (timer 0 only if |v| = 0, impossible)
    // or counts down once in the same step.
    EXPECT_EQ(s.cars[i].timer, std::abs(expected[i]) - 1);
    EXPECT_EQ(s.cars[i].x, start.cars[i].x);
  }

  // A second crossing draws again from where the stream is now.
  FreewayState again = game.state();
  again.chicken_y = 1;
  again.move_timer = 0;
  game.set_state(again);
  const auto expected_again = next_speeds(probe);
  EXPECT_EQ(game.act(kUp, rng).reward, 1);
  EXPECT_EQ(rng.words_drawn(), probe.words_drawn());
  for (int i = 0; i < FreewayState::kNumCars; ++i) {
    EXPECT_EQ(game.state().cars[i].speed, expected_again[i]);
  }
}

TEST(Freeway, StepsWithoutACrossingDrawNothing) {
  Freeway game;
  game.set_state(quiet_state());
  NumpyRandomState rng(5);
  for (int action : {kNoop, kUp, kDown, kLeft, kRight, kFire}) game.act(action, rng);
  EXPECT_EQ(rng.words_drawn(), 0u);
}

TEST(Freeway, ChickenMovesOnlyWhenItsTimerIsZero) {
  FreewayState start = quiet_state();
  start.chicken_y = 6;
  start.move_timer = 0;
  Freeway game;
  game.set_state(start);
  NumpyRandomState rng(0);
  game.act(kUp, rng);
  EXPECT_EQ(game.state().chicken_y, 5);
  EXPECT_EQ(game.state().move_timer, 2);  // set to 3, then counted down in the same step
  game.act(kUp, rng);
  game.act(kDown, rng);
  EXPECT_EQ(game.state().chicken_y, 5);
  EXPECT_EQ(game.state().move_timer, 0);
  game.act(kDown, rng);
  EXPECT_EQ(game.state().chicken_y, 6);
  // Left, right and fire never move it; down at the bottom stays at row 9.
  start.chicken_y = 9;
  game.set_state(start);
  for (int action : {kLeft, kRight, kFire}) {
    game.act(action, rng);
    EXPECT_EQ(game.state().chicken_y, 9);
    EXPECT_EQ(game.state().move_timer, 0);
  }
  game.act(kDown, rng);
  EXPECT_EQ(game.state().chicken_y, 9);
  EXPECT_EQ(game.state().move_timer, 2);
}

TEST(Freeway, CarInTheChickensCellSendsItBack) {
  // A waiting car already in the chicken's cell hits it before moving.
  FreewayState start = quiet_state();
  start.chicken_y = 5;
  start.move_timer = 2;
  start.cars[4] = {4, 5, 3, 3};
  Freeway game;
  game.set_state(start);
  NumpyRandomState rng(0);
  EXPECT_EQ(game.act(kNoop, rng).reward, 0);
  EXPECT_EQ(game.state().chicken_y, 9);

  // A car moving into the chicken's cell hits it after moving.
  start.cars[4] = {3, 5, 0, 2};
  game.set_state(start);
  game.act(kNoop, rng);
  EXPECT_EQ(game.state().chicken_y, 9);
  EXPECT_EQ(game.state().cars[4].x, 4);
  EXPECT_EQ(game.state().cars[4].timer, 2);

  // A car leaving the chicken's cell this step still hits it first.
  start.cars[4] = {4, 5, 0, -1};
  game.set_state(start);
  game.act(kNoop, rng);
  EXPECT_EQ(game.state().chicken_y, 9);
  EXPECT_EQ(game.state().cars[4].x, 3);

  // Moving up into a lane is resolved before the cars, so it runs into the car there.
  start.chicken_y = 6;
  start.move_timer = 0;
  start.cars[4] = {4, 5, 3, 3};
  game.set_state(start);
  game.act(kUp, rng);
  EXPECT_EQ(game.state().chicken_y, 9);
}

TEST(Freeway, CollisionsUseTheChickensCurrentRow) {
  // The chicken moves from row 4 down to row 5. The car in row 4 (index 3) is at column 4
  // but no longer meets it; the car in row 5 (index 4) does.
  FreewayState start = quiet_state();
  start.chicken_y = 4;
  start.cars[3] = {4, 4, 3, 1};
  start.cars[4] = {3, 5, 0, 1};
  Freeway game;
  game.set_state(start);
  NumpyRandomState rng(0);
  game.act(kDown, rng);
  EXPECT_EQ(game.state().chicken_y, 9);

  // A miss: the row-5 car only reaches column 4 next step.
  start.cars[4] = {3, 5, 2, 1};
  game.set_state(start);
  game.act(kDown, rng);
  EXPECT_EQ(game.state().chicken_y, 5);
}

TEST(Freeway, CarsWrapAroundAndMoveEveryAbsSpeedPlusOneSteps) {
  FreewayState start = quiet_state();
  start.cars[0] = {9, 1, 0, 2};
  start.cars[1] = {0, 2, 0, -5};
  Freeway game;
  game.set_state(start);
  NumpyRandomState rng(0);
  game.act(kNoop, rng);
  EXPECT_EQ(game.state().cars[0].x, 0);
  EXPECT_EQ(game.state().cars[0].timer, 2);
  EXPECT_EQ(game.state().cars[1].x, 9);
  EXPECT_EQ(game.state().cars[1].timer, 5);
  // Car 0 (|v| = 2) moves again on the third step after that.
  std::vector<int> xs;
  for (int i = 0; i < 3; ++i) {
    game.act(kNoop, rng);
    xs.push_back(game.state().cars[0].x);
  }
  EXPECT_EQ(xs, (std::vector<int>{0, 0, 1}));
}

TEST(Freeway, RenderDrawsTrailsInTheSpeedChannelWrapped) {
  FreewayState state = quiet_state();
  state.chicken_y = 7;
  state.cars[0] = {0, 1, 0, 3};   // moving right from column 0: trail wraps to column 9
  state.cars[1] = {9, 2, 0, -5};  // moving left from column 9: trail wraps to column 0
  state.cars[2] = {5, 3, 0, -1};
  Freeway game;
  game.set_state(state);
  std::vector<uint8_t> grid(kGridSize * kGridSize * Freeway::kChannels, 0x5A);
  game.render(grid);
  auto at = [&](int y, int x, int c) { return grid[(y * kGridSize + x) * Freeway::kChannels + c]; };
  EXPECT_EQ(at(7, 4, 0), 1);
  EXPECT_EQ(at(1, 0, 1), 1);
  EXPECT_EQ(at(1, 9, 1 + 3), 1);
  EXPECT_EQ(at(2, 9, 1), 1);
  EXPECT_EQ(at(2, 0, 1 + 5), 1);
  EXPECT_EQ(at(3, 5, 1), 1);
  EXPECT_EQ(at(3, 6, 1 + 1), 1);
  // 1 chicken + 8 cars + 8 trails, everything else cleared.
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{1}), 17);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{0}), static_cast<long>(grid.size()) - 17);
}

TEST(Freeway, MinimalActionSetIsNoopUpDown) {
  Freeway game;
  const auto actions = game.minimal_action_set();
  EXPECT_EQ(std::vector<int>(actions.begin(), actions.end()), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(game.num_channels(), 7);
  EXPECT_FALSE(game.difficulty_ramp().has_value());
}

}  // namespace
}  // namespace arq::minatar
