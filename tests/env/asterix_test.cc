// Asterix rules checked on hand-built states: the spawn's draws (both doubles even when no slot
// is free, no word for a single free slot), contacts before and after moving, and the ramp.
#include "arq/env/minatar/asterix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace arq::minatar {
namespace {

// A state about to spawn (spawn_timer 0) with nothing moving this step.
AsterixState spawning_state() {
  AsterixState state;
  state.spawn_timer = 0;
  state.move_timer = 3;
  return state;
}

AsterixEntity entity(int x, bool moving_right, bool gold) {
  return {true, x, moving_right, gold};
}

int count_present(const AsterixState& state) {
  return static_cast<int>(std::count_if(state.slots.begin(), state.slots.end(),
                                        [](const AsterixEntity& e) { return e.present; }));
}

TEST(Asterix, ResetDrawsNothing) {
  NumpyRandomState rng(0);
  Asterix game(true);
  game.set_state(spawning_state());
  game.reset(rng);
  EXPECT_EQ(rng.words_drawn(), 0u);
  const AsterixState& s = game.state();
  EXPECT_EQ(s.player_x, 5);
  EXPECT_EQ(s.player_y, 5);
  EXPECT_EQ(count_present(s), 0);
  EXPECT_EQ(s.spawn_timer, 10);
  EXPECT_EQ(s.move_timer, 5);
  EXPECT_EQ(s.ramp_timer, 100);
  EXPECT_EQ(game.difficulty_ramp(), 0);
}

TEST(Asterix, SpawnPicksARandomFreeSlot) {
  for (uint32_t seed = 0; seed < 20; ++seed) {
    AsterixState start = spawning_state();
    start.player_y = 9;  // out of every entity row, so nothing touches it (only via set_state)
    start.slots[0] = entity(5, true, false);
    start.slots[4] = entity(5, false, true);
    NumpyRandomState probe(seed);
    const bool moving_right = probe.rand() < 0.5;
    const bool gold = probe.rand() < 1.0 / 3.0;
    const std::vector<int> free = {1, 2, 3, 5, 6, 7};
    const int slot = free[probe.randint(static_cast<int64_t>(free.size()))];

    Asterix game(true);
    game.set_state(start);
    NumpyRandomState rng(seed);
    game.act(kNoop, rng);
    EXPECT_EQ(rng.words_drawn(), probe.words_drawn());
    const AsterixEntity& spawned = game.state().slots[slot];
    EXPECT_TRUE(spawned.present);
    EXPECT_EQ(spawned.x, moving_right ? 0 : 9);
    EXPECT_EQ(spawned.moving_right, moving_right);
    EXPECT_EQ(spawned.gold, gold);
    EXPECT_EQ(count_present(game.state()), 3);
    EXPECT_EQ(game.state().spawn_timer, start.spawn_speed - 1);
  }
}

TEST(Asterix, SpawnDrawsBothDoublesEvenWhenEverySlotIsTaken) {
  AsterixState start = spawning_state();
  start.player_y = 9;
  for (int i = 0; i < AsterixState::kNumSlots; ++i)
    start.slots[i] = entity(2 + (i % 3), i % 2, false);
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  game.act(kNoop, rng);
  EXPECT_EQ(rng.words_drawn(), 4u);  // two doubles, no randint
  for (int i = 0; i < AsterixState::kNumSlots; ++i) {
    EXPECT_EQ(game.state().slots[i].x, start.slots[i].x);
    EXPECT_EQ(game.state().slots[i].gold, false);
  }
}

TEST(Asterix, SpawnIntoTheOnlyFreeSlotDrawsNoSlotWord) {
  AsterixState start = spawning_state();
  start.player_y = 9;
  for (int i = 0; i < AsterixState::kNumSlots; ++i) start.slots[i] = entity(4, true, false);
  start.slots[6].present = false;
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(1);
  game.act(kNoop, rng);
  EXPECT_EQ(rng.words_drawn(), 4u);
  EXPECT_TRUE(game.state().slots[6].present);
}

TEST(Asterix, PlayerMovesWithinRowsOneToEight) {
  Asterix game(true);
  NumpyRandomState rng(0);
  AsterixState start;
  start.player_x = 0;
  start.player_y = 1;
  game.set_state(start);
  game.act(kLeft, rng);
  game.act(kUp, rng);
  EXPECT_EQ(game.state().player_x, 0);
  EXPECT_EQ(game.state().player_y, 1);
  start.player_x = 9;
  start.player_y = 8;
  game.set_state(start);
  game.act(kRight, rng);
  game.act(kDown, rng);
  game.act(kFire, rng);
  EXPECT_EQ(game.state().player_x, 9);
  EXPECT_EQ(game.state().player_y, 8);
  game.act(kUp, rng);
  game.act(kLeft, rng);
  EXPECT_EQ(game.state().player_x, 8);
  EXPECT_EQ(game.state().player_y, 7);
}

TEST(Asterix, ContactBeforeMoving) {
  // The player steps onto an enemy that is not due to move: terminal, and the enemy stays.
  AsterixState start;
  start.player_x = 4;
  start.player_y = 3;
  start.move_timer = 2;
  start.slots[2] = entity(5, false, false);  // row 3
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  GameStep step = game.act(kRight, rng);
  EXPECT_TRUE(step.terminal);
  EXPECT_EQ(step.reward, 0);
  EXPECT_TRUE(game.state().slots[2].present);

  // Gold instead: +1 and the slot empties.
  start.slots[2] = entity(5, false, true);
  game.set_state(start);
  step = game.act(kRight, rng);
  EXPECT_FALSE(step.terminal);
  EXPECT_EQ(step.reward, 1);
  EXPECT_FALSE(game.state().slots[2].present);
}

TEST(Asterix, ContactBeforeMovingCatchesEntitiesAboutToPassThePlayer) {
  // Enemy at the player's cell moving away this very step: the first test still catches it.
  AsterixState start;
  start.player_x = 4;
  start.player_y = 6;
  start.move_timer = 0;
  start.slots[5] = entity(4, true, false);
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  EXPECT_TRUE(game.act(kNoop, rng).terminal);
  EXPECT_EQ(game.state().slots[5].x, 5);  // it still moves
}

TEST(Asterix, ContactAfterMoving) {
  AsterixState start;
  start.player_x = 4;
  start.player_y = 6;
  start.move_timer = 0;
  start.slots[5] = entity(3, true, false);
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  GameStep step = game.act(kNoop, rng);
  EXPECT_TRUE(step.terminal);
  EXPECT_EQ(game.state().slots[5].x, 4);
  EXPECT_EQ(game.state().move_timer, start.move_speed - 1);

  start.slots[5] = entity(5, false, true);
  game.set_state(start);
  step = game.act(kNoop, rng);
  EXPECT_FALSE(step.terminal);
  EXPECT_EQ(step.reward, 1);
  EXPECT_FALSE(game.state().slots[5].present);

  // Without a move this step the same gold stays one cell away.
  start.move_timer = 1;
  game.set_state(start);
  step = game.act(kNoop, rng);
  EXPECT_EQ(step.reward, 0);
  EXPECT_EQ(game.state().slots[5].x, 5);
}

TEST(Asterix, PlayerMovesBeforeEntitiesSoCrossingPathsIsCaught) {
  // Player 4 -> 5 and an enemy 5 -> 4 would swap cells; the player moves first and meets the
  // enemy in column 5 before it moves.
  AsterixState start;
  start.player_x = 4;
  start.player_y = 2;
  start.move_timer = 0;
  start.slots[1] = entity(5, false, false);
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  EXPECT_TRUE(game.act(kRight, rng).terminal);
  EXPECT_EQ(game.state().slots[1].x, 4);  // the enemy still moves afterwards

  // Player 4 -> 5 and an enemy 6 -> 5: they meet after moving.
  start.slots[1] = entity(6, false, false);
  game.set_state(start);
  EXPECT_TRUE(game.act(kRight, rng).terminal);

  // Player 4 -> 3 and the enemy 6 -> 5: no contact.
  game.set_state(start);
  EXPECT_FALSE(game.act(kLeft, rng).terminal);
}

TEST(Asterix, EntitiesLeavingTheGridDisappear) {
  AsterixState start;
  start.player_y = 8;
  start.move_timer = 0;
  start.slots[0] = entity(9, true, false);
  start.slots[1] = entity(0, false, true);
  start.slots[2] = entity(4, false, false);
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  game.act(kNoop, rng);
  EXPECT_FALSE(game.state().slots[0].present);
  EXPECT_FALSE(game.state().slots[1].present);
  EXPECT_TRUE(game.state().slots[2].present);
  EXPECT_EQ(game.state().slots[2].x, 3);
}

TEST(Asterix, TerminalGameIgnoresActionsAndDrawsNothing) {
  AsterixState start = spawning_state();
  start.terminal = true;
  Asterix game(true);
  game.set_state(start);
  NumpyRandomState rng(0);
  const GameStep step = game.act(kLeft, rng);
  EXPECT_TRUE(step.terminal);
  EXPECT_EQ(step.reward, 0);
  EXPECT_EQ(rng.words_drawn(), 0u);
  EXPECT_EQ(game.state().player_x, 5);
  EXPECT_EQ(count_present(game.state()), 0);
}

// Plays `steps` no-op steps from reset, clearing the entities before each one so the player
// survives; returns the step numbers at which ramp_index changed.
std::vector<int> ramp_steps(Asterix& game, int steps, std::vector<AsterixState>* after_ramp) {
  NumpyRandomState rng(9);
  game.reset(rng);
  std::vector<int> changes;
  for (int step = 1; step <= steps; ++step) {
    AsterixState cleared = game.state();
    cleared.slots = {};
    game.set_state(cleared);
    const int before = game.state().ramp_index;
    EXPECT_FALSE(game.act(kNoop, rng).terminal);
    if (game.state().ramp_index != before) {
      changes.push_back(step);
      if (after_ramp) after_ramp->push_back(game.state());
    }
  }
  return changes;
}

TEST(Asterix, DifficultyRampsEvery102StepsUntilBothSpeedsAreOne) {
  Asterix game(true);
  std::vector<AsterixState> ramps;
  const std::vector<int> changes = ramp_steps(game, 102 * 11, &ramps);
  ASSERT_EQ(changes.size(), 9u);
  const std::vector<int> spawn_speeds = {9, 8, 7, 6, 5, 4, 3, 2, 1};
  const std::vector<int> move_speeds = {5, 4, 4, 3, 3, 2, 2, 1, 1};
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i], static_cast<int>(102 * (i + 1))) << "ramp " << i + 1;
    EXPECT_EQ(ramps[i].spawn_speed, spawn_speeds[i]) << "ramp " << i + 1;
    EXPECT_EQ(ramps[i].move_speed, move_speeds[i]) << "ramp " << i + 1;
    EXPECT_EQ(ramps[i].ramp_index, static_cast<int>(i + 1));
  }
  EXPECT_EQ(game.difficulty_ramp(), 9);
}

TEST(Asterix, NoRampingKeepsTheInitialSpeeds) {
  Asterix game(false);
  EXPECT_TRUE(ramp_steps(game, 400, nullptr).empty());
  EXPECT_EQ(game.state().spawn_speed, 10);
  EXPECT_EQ(game.state().move_speed, 5);
  EXPECT_EQ(game.difficulty_ramp(), 0);
}

TEST(Asterix, FirstSpawnAtStepElevenAndMovesEveryFiveSteps) {
  Asterix game(false);
  NumpyRandomState rng(4);
  game.reset(rng);
  AsterixState start = game.state();
  start.player_y = 9;  // keep the player out of every entity row
  game.set_state(start);
  std::vector<int> spawn_steps;
  uint64_t words = 0;
  for (int step = 1; step <= 31; ++step) {
    game.act(kNoop, rng);
    if (rng.words_drawn() != words) spawn_steps.push_back(step);
    words = rng.words_drawn();
    EXPECT_EQ(game.state().move_timer, 4 - (step - 1) % 5) << "step " << step;
  }
  EXPECT_EQ(spawn_steps, (std::vector<int>{11, 21, 31}));
  EXPECT_EQ(count_present(game.state()), 3);
}

TEST(Asterix, RenderDrawsEntitiesTrailsAndPlayer) {
  AsterixState state;
  state.player_x = 2;
  state.player_y = 7;
  state.slots[0] = entity(0, true, false);  // trail would be at x = -1: not drawn
  state.slots[3] = entity(5, false, true);  // gold, trail at x = 6
  state.slots[7] = entity(9, false, false);
  Asterix game(true);
  game.set_state(state);
  std::vector<uint8_t> grid(kGridSize * kGridSize * Asterix::kChannels, 7);
  game.render(grid);
  auto at = [&](int y, int x, int c) { return grid[(y * kGridSize + x) * Asterix::kChannels + c]; };
  EXPECT_EQ(at(7, 2, 0), 1);
  EXPECT_EQ(at(1, 0, 1), 1);
  EXPECT_EQ(at(4, 5, 3), 1);
  EXPECT_EQ(at(4, 6, 2), 1);
  EXPECT_EQ(at(8, 9, 1), 1);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{1}), 5);
  EXPECT_EQ(std::count(grid.begin(), grid.end(), uint8_t{0}), static_cast<long>(grid.size()) - 5);
}

TEST(Asterix, MinimalActionSetExcludesFire) {
  Asterix game(true);
  const auto actions = game.minimal_action_set();
  EXPECT_EQ(std::vector<int>(actions.begin(), actions.end()), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(game.channel_names()[3], "gold");
}

}  // namespace
}  // namespace arq::minatar
