// Seaquest rules that random play rarely isolates: Python list semantics (reverse iteration with
// removal by value), subs that fire after dying, the negative diver count, the oxygen terminal,
// surfacing with six divers, front-cell-only collisions and the spawn draws.
#include "arq/env/minatar/seaquest.h"

#include <gtest/gtest.h>

#include <vector>

namespace arq::minatar {
namespace {

// The sub submerged at (5, 4) facing left, nothing else around, no spawn due for a long time.
SeaquestState quiet_state() {
  SeaquestState state;
  state.sub_x = 5;
  state.sub_y = 4;
  state.surfaced = false;
  state.diver_count = 1;
  state.enemy_spawn_timer = 50;
  state.diver_spawn_timer = 50;
  return state;
}

struct Outcome {
  GameStep step;
  SeaquestState state;
  uint64_t words;
};

Outcome act_from(const SeaquestState& start, int action, bool ramping = true, uint32_t seed = 11) {
  Seaquest game(ramping);
  game.set_state(start);
  NumpyRandomState rng(seed);
  const GameStep step = game.act(action, rng);
  return {step, game.state(), rng.words_drawn()};
}

template <typename List>
auto items(const List& list) {
  return std::vector(list.begin(), list.end());
}

std::vector<uint8_t> render(const SeaquestState& state) {
  Seaquest game;
  game.set_state(state);
  std::vector<uint8_t> grid(kGridSize * kGridSize * Seaquest::kChannels, 7);
  game.render(grid);
  return grid;
}

uint8_t cell(const std::vector<uint8_t>& grid, int y, int x, int channel) {
  return grid[(y * kGridSize + x) * Seaquest::kChannels + channel];
}

TEST(Seaquest, ResetStartsAtTheSurfaceWithoutDraws) {
  Seaquest game;
  NumpyRandomState rng(0);
  game.set_state(quiet_state());
  game.reset(rng);
  const SeaquestState& s = game.state();
  EXPECT_EQ(rng.words_drawn(), 0u);
  EXPECT_EQ(s.oxygen, 200);
  EXPECT_EQ(s.diver_count, 0);
  EXPECT_EQ(s.sub_x, 5);
  EXPECT_EQ(s.sub_y, 0);
  EXPECT_FALSE(s.sub_right);
  EXPECT_TRUE(s.surfaced);
  EXPECT_EQ(s.enemy_spawn_timer, 20);
  EXPECT_EQ(s.diver_spawn_timer, 30);
  EXPECT_EQ(s.move_speed, 5);
  EXPECT_TRUE(s.fish.empty() && s.enemy_subs.empty() && s.divers.empty());
  EXPECT_EQ(game.difficulty_ramp(), std::optional<int>(0));
}

TEST(Seaquest, EnemySpawnDrawsDirectionKindAndRow) {
  // Try seeds until both kinds and both directions have spawned into an empty sea.
  bool seen_sub = false, seen_fish = false, seen_left = false, seen_right = false;
  for (uint32_t seed = 0; seed < 40; ++seed) {
    SeaquestState start = quiet_state();
    start.enemy_spawn_timer = 0;
    NumpyRandomState probe(seed);
    const bool right = probe.rand() < 0.5;
    const bool is_sub = probe.rand() < 1.0 / 3.0;
    const int row = static_cast<int>(probe.randint(1, 9));
    const Outcome out = act_from(start, kNoop, true, seed);
    EXPECT_EQ(out.words, probe.words_drawn());
    EXPECT_EQ(out.state.enemy_spawn_timer, 20 - 1);
    ASSERT_EQ(out.state.enemy_subs.size() + out.state.fish.size(), 1);
    const int x = right ? 0 : 9;
    if (is_sub) {
      EXPECT_EQ(items(out.state.enemy_subs),
                std::vector<SeaquestEnemySub>({{x, row, right, 5 - 1, 10 - 1}}));
    } else {
      EXPECT_EQ(items(out.state.fish), std::vector<SeaquestFish>({{x, row, right, 5 - 1}}));
    }
    (is_sub ? seen_sub : seen_fish) = true;
    (right ? seen_right : seen_left) = true;
  }
  EXPECT_TRUE(seen_sub && seen_fish && seen_left && seen_right);
}

TEST(Seaquest, CancelledEnemySpawnStillDrawsEverything) {
  SeaquestState start = quiet_state();
  start.enemy_spawn_timer = 0;
  // Every row already has enemies going both ways, so any spawn is cancelled.
  for (int row = 1; row <= 8; ++row) {
    start.fish.push_back({2, row, true, 3});
    start.enemy_subs.push_back({7, row, false, 3, 8});
  }
  for (uint32_t seed = 0; seed < 10; ++seed) {
    NumpyRandomState probe(seed);
    probe.rand();
    probe.rand();
    probe.randint(1, 9);
    const Outcome out = act_from(start, kNoop, true, seed);
    EXPECT_EQ(out.words, probe.words_drawn());
    EXPECT_EQ(out.words, 5u);  // two doubles and one word for randint(1, 9)
    EXPECT_EQ(out.state.fish.size(), 8);
    EXPECT_EQ(out.state.enemy_subs.size(), 8);
    EXPECT_EQ(out.state.enemy_spawn_timer, 20 - 1);  // the timer restarts anyway
  }
}

TEST(Seaquest, SpawnIsCancelledOnlyByTheOppositeDirectionInTheSameRow) {
  SeaquestState start = quiet_state();
  start.enemy_spawn_timer = 0;
  NumpyRandomState probe(4);
  const bool right = probe.rand() < 0.5;
  probe.rand();
  const int row = static_cast<int>(probe.randint(1, 9));
  start.fish.push_back({4, row, right, 3});                      // same direction: allowed
  start.fish.push_back({4, row == 8 ? 1 : row + 1, !right, 3});  // other row: allowed
  const Outcome out = act_from(start, kNoop, true, 4);
  EXPECT_EQ(out.state.fish.size() + out.state.enemy_subs.size(), 3);
}

TEST(Seaquest, DiverSpawnFollowsTheEnemySpawnInTheStream) {
  SeaquestState start = quiet_state();
  start.enemy_spawn_timer = 0;
  start.diver_spawn_timer = 0;
  NumpyRandomState probe(8);
  probe.rand();
  probe.rand();
  probe.randint(1, 9);
  const bool right = probe.rand() < 0.5;
  const int row = static_cast<int>(probe.randint(1, 9));
  const Outcome out = act_from(start, kNoop, true, 8);
  EXPECT_EQ(out.words, 8u);
  EXPECT_EQ(out.state.diver_spawn_timer, 30 - 1);
  ASSERT_EQ(out.state.divers.size(), 1);
  // Spawned at an edge, so never in the player's cell at x = 5; its timer ticks once.
  EXPECT_EQ(out.state.divers[0], (SeaquestDiver{right ? 0 : 9, row, right, 5 - 1}));
}

TEST(Seaquest, ReverseIterationCollectsTheLaterDiverFirst) {
  SeaquestState start = quiet_state();
  start.diver_count = 5;
  start.divers.push_back({5, 4, true, 3});  // both in the player's cell; only one fits
  start.divers.push_back({5, 4, false, 2});
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.state.diver_count, 6);
  EXPECT_EQ(items(out.state.divers), std::vector<SeaquestDiver>({{5, 4, true, 2}}));
}

TEST(Seaquest, DiverMovingOntoTheSubIsCollected) {
  SeaquestState start = quiet_state();
  start.divers.push_back({4, 4, true, 0});
  start.divers.push_back({1, 2, false, 0});
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.state.diver_count, 2);
  EXPECT_EQ(items(out.state.divers), std::vector<SeaquestDiver>({{0, 2, false, 5}}));
}

TEST(Seaquest, RemovalByValueTakesAnEarlierTwinAndTheSurvivorIsVisitedAgain) {
  // Sub B moves off screen into a value-identical copy of sub A (an artificial state: it makes
  // list.remove(B) delete A, the first equal element). B then takes A's slot, and the reversed
  // iterator's next index visits B a second time: two shot-timer ticks and a move-timer tick.
  SeaquestState start = quiet_state();
  start.move_speed = 4;
  start.enemy_subs.push_back({10, 2, true, 4, 5});  // A
  start.enemy_subs.push_back({9, 2, true, 0, 5});   // B
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(items(out.state.enemy_subs), std::vector<SeaquestEnemySub>({{10, 2, true, 3, 3}}));
  // Erasing B itself and then visiting A would have left {10, 2, true, 3, 4}.
}

TEST(Seaquest, SubKilledByABulletStillFires) {
  SeaquestState start = quiet_state();
  start.enemy_subs.push_back({3, 2, true, 0, 0});
  start.friendly_bullets.push_back({5, 2, false});  // moves to (4, 2), where the sub arrives
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 1);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_TRUE(out.state.enemy_subs.empty());
  EXPECT_TRUE(out.state.friendly_bullets.empty());
  // Fired from (4, 2), then moved with the other enemy bullets in the same step.
  EXPECT_EQ(items(out.state.enemy_bullets), std::vector<SeaquestBullet>({{5, 2, true}}));
}

TEST(Seaquest, SubLeavingTheScreenFiresABulletThatLeavesToo) {
  SeaquestState start = quiet_state();
  start.enemy_subs.push_back({0, 3, false, 0, 0});
  start.enemy_bullets.push_back({2, 6, false});
  const Outcome out = act_from(start, kNoop);
  EXPECT_TRUE(out.state.enemy_subs.empty());
  EXPECT_EQ(items(out.state.enemy_bullets), std::vector<SeaquestBullet>({{1, 6, false}}));
}

TEST(Seaquest, FriendlyBulletHitsFishBeforeSubs) {
  SeaquestState start = quiet_state();
  start.enemy_subs.push_back({7, 4, false, 3, 5});
  start.fish.push_back({7, 4, false, 3});
  start.fish.push_back({7, 4, true, 2});
  start.friendly_bullets.push_back({6, 4, true});
  const Outcome out = act_from(start, kNoop);
  EXPECT_EQ(out.step.reward, 1);
  EXPECT_EQ(out.state.fish.size(), 1);
  EXPECT_EQ(out.state.fish[0], (SeaquestFish{7, 4, true, 1}));  // the first fish went
  EXPECT_EQ(out.state.enemy_subs.size(), 1);
}

TEST(Seaquest, OnlyTheFrontCellCollides) {
  SeaquestState start = quiet_state();  // facing left: front (5, 4), back (6, 4)
  start.fish.push_back({6, 4, false, 3});
  start.enemy_subs.push_back({6, 4, true, 3, 5});
  start.enemy_bullets.push_back({7, 4, false});  // passes into the back cell
  Outcome out = act_from(start, kNoop);
  EXPECT_FALSE(out.step.terminal);

  SeaquestState front = quiet_state();
  front.fish.push_back({5, 4, false, 3});
  out = act_from(front, kNoop);
  EXPECT_TRUE(out.step.terminal);

  SeaquestState bullet = quiet_state();
  bullet.enemy_bullets.push_back({6, 4, false});
  out = act_from(bullet, kNoop);
  EXPECT_TRUE(out.step.terminal);
}

TEST(Seaquest, OxygenRunsOutOneStepAfterReachingZero) {
  SeaquestState start = quiet_state();
  start.oxygen = 1;
  Outcome out = act_from(start, kNoop);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.state.oxygen, 0);
  out = act_from(out.state, kNoop);
  EXPECT_TRUE(out.step.terminal);
  EXPECT_EQ(out.state.oxygen, -1);
  const std::vector<uint8_t> grid = render(out.state);
  for (int x = 0; x < kGridSize; ++x) EXPECT_EQ(cell(grid, 9, x, 7), 0);
}

TEST(Seaquest, StayingSubmergedFromTheStartEndsAtStep201) {
  Seaquest game;
  NumpyRandomState rng(0);
  game.reset(rng);
  SeaquestState start = game.state();
  start.enemy_spawn_timer = 1000;  // keep enemies away; only oxygen matters here
  start.diver_spawn_timer = 1000;
  game.set_state(start);
  int steps = 0;
  bool terminal = false;
  while (!terminal && steps < 1000) {
    terminal = game.act(steps == 0 ? kDown : kNoop, rng).terminal;
    ++steps;
  }
  EXPECT_EQ(steps, 201);
}

TEST(Seaquest, SurfacingWithoutDiversIsTerminal) {
  SeaquestState start = quiet_state();
  start.sub_y = 1;
  start.diver_count = 0;
  const Outcome out = act_from(start, kUp);
  EXPECT_TRUE(out.step.terminal);
}

TEST(Seaquest, SurfacingWithSixDiversPaysForOxygenAndLeavesMinusOne) {
  SeaquestState start = quiet_state();
  start.sub_y = 1;
  start.diver_count = 6;
  start.oxygen = 157;
  const Outcome out = act_from(start, kUp);
  EXPECT_FALSE(out.step.terminal);
  EXPECT_EQ(out.step.reward, 157 * 10 / 200);
  EXPECT_EQ(out.state.oxygen, 200);
  EXPECT_EQ(out.state.diver_count, -1);
  EXPECT_TRUE(out.state.surfaced);
  EXPECT_EQ(out.state.ramp_index, 1);
  EXPECT_EQ(out.state.enemy_spawn_speed, 19);
  EXPECT_EQ(out.state.move_speed, 5);  // move speed drops at odd ramp indices only
  // The gauge shows nothing for a negative count.
  const std::vector<uint8_t> grid = render(out.state);
  for (int x = 0; x < kGridSize; ++x) EXPECT_EQ(cell(grid, 9, x, 8), 0);

  // With a negative count, surfacing neither ends the game nor pays, and still ramps.
  SeaquestState again = out.state;
  again.sub_y = 1;
  again.surfaced = false;
  again.oxygen = 120;
  const Outcome second = act_from(again, kUp);
  EXPECT_FALSE(second.step.terminal);
  EXPECT_EQ(second.step.reward, 0);
  EXPECT_EQ(second.state.diver_count, -2);
  EXPECT_EQ(second.state.oxygen, 200);
  EXPECT_EQ(second.state.ramp_index, 2);
  EXPECT_EQ(second.state.enemy_spawn_speed, 18);
  EXPECT_EQ(second.state.move_speed, 4);
}

TEST(Seaquest, SurfacingWithFewerDiversCostsOneAndRampingCanBeOff) {
  SeaquestState start = quiet_state();
  start.sub_y = 1;
  start.diver_count = 3;
  start.oxygen = 80;
  const Outcome out = act_from(start, kUp, /*ramping=*/false);
  EXPECT_EQ(out.step.reward, 0);
  EXPECT_EQ(out.state.diver_count, 2);
  EXPECT_EQ(out.state.oxygen, 200);
  EXPECT_EQ(out.state.ramp_index, 0);
  EXPECT_EQ(out.state.enemy_spawn_speed, 20);
  // Staying at the surface does nothing more.
  const Outcome stay = act_from(out.state, kNoop, false);
  EXPECT_EQ(stay.state.diver_count, 2);
  EXPECT_FALSE(stay.step.terminal);
}

TEST(Seaquest, RampingStopsAtFullSpeed) {
  SeaquestState start = quiet_state();
  start.sub_y = 1;
  start.diver_count = 2;
  start.enemy_spawn_speed = 1;
  start.move_speed = 2;
  start.ramp_index = 19;
  const Outcome out = act_from(start, kUp);
  EXPECT_EQ(out.state.ramp_index, 19);
  EXPECT_EQ(out.state.enemy_spawn_speed, 1);
  EXPECT_EQ(out.state.move_speed, 2);
}

TEST(Seaquest, RenderDrawsSubGaugesAndTrails) {
  SeaquestState state = quiet_state();
  state.sub_right = true;
  state.diver_count = 6;
  state.oxygen = 95;  // 4 gauge cells
  state.fish.push_back({0, 2, false, 1});
  state.enemy_subs.push_back({9, 3, false, 1, 1});  // trail would be off screen
  state.divers.push_back({3, 6, true, 1});
  state.friendly_bullets.push_back({7, 4, true});
  state.enemy_bullets.push_back({2, 8, false});
  const std::vector<uint8_t> grid = render(state);
  int ones = 0;
  for (uint8_t v : grid) {
    ASSERT_LE(v, 1);
    ones += v;
  }
  EXPECT_EQ(cell(grid, 4, 5, 0), 1);
  EXPECT_EQ(cell(grid, 4, 4, 1), 1);  // facing right: back on the left
  for (int x = 0; x < kGridSize; ++x) {
    EXPECT_EQ(cell(grid, 9, x, 7), x < 4);
    EXPECT_EQ(cell(grid, 9, x, 8), x >= 3 && x <= 8);
  }
  EXPECT_EQ(cell(grid, 2, 0, 5), 1);
  EXPECT_EQ(cell(grid, 2, 1, 3), 1);
  EXPECT_EQ(cell(grid, 3, 9, 6), 1);
  EXPECT_EQ(cell(grid, 6, 3, 9), 1);
  EXPECT_EQ(cell(grid, 6, 2, 3), 1);
  EXPECT_EQ(cell(grid, 4, 7, 2), 1);
  EXPECT_EQ(cell(grid, 8, 2, 4), 1);
  EXPECT_EQ(ones, 2 + 4 + 6 + 2 + 1 + 2 + 1 + 1);
}

TEST(Seaquest, TerminalGameDoesNothing) {
  SeaquestState start = quiet_state();
  start.terminal = true;
  start.enemy_spawn_timer = 0;
  const Outcome out = act_from(start, kLeft);
  EXPECT_TRUE(out.step.terminal);
  EXPECT_EQ(out.step.reward, 0);
  EXPECT_EQ(out.words, 0u);
  EXPECT_EQ(out.state.sub_x, 5);
}

}  // namespace
}  // namespace arq::minatar
