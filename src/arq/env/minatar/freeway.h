#pragma once
// MinAtar Freeway (MinAtar 1.0.15, environments/freeway.py; docs/minatar.md §6).
//
// A chicken in column 4 crosses a road of eight lanes (rows 1-8), one car per lane, from the
// bottom row to the top row.
//
// Actions: up and down move the chicken one row, but only when its move timer is 0; a move sets
//   the timer to 3, so it moves at most once every 3 steps. Minimal set {no-op, up, down}.
// Observation, 7 channels: chicken, car, then one trail channel per car speed 1..5 (the cell
//   behind a car, in the channel of its speed).
// Cars: car i drives in row i + 1 with a signed speed v, |v| in 1..5, and wraps around at the
//   sides. A car moves one cell when its timer is 0 and then waits |v| steps, so it moves every
//   |v| + 1 steps. Drawing cars takes randint(1, 6) eight times (the speeds), then rand() eight
//   times (direction: left below 0.5, right above).
// Reset: cars drawn and put in column 0; the chicken in the bottom row; move timer 3; a 2500-step
//   clock.
// Step, in this order:
//   1. Move the chicken if the timer allows.
//   2. Reaching row 0 scores +1, draws new speeds and directions for every car (positions kept)
//      and puts the chicken back in the bottom row.
//   3. For each car in order: if it is on the chicken, the chicken goes back to the bottom row;
//      then, if the car's timer is 0, the car moves (and the same test follows), else its timer
//      counts down. Each test uses the chicken's row at that moment.
//   4. The move timer counts down if positive; the clock counts down, and the game ends when it
//      goes below 0, so every episode lasts exactly 2501 steps.
// Reward: +1 per crossing. Being hit costs only time. No difficulty ramping.
#include <array>
#include <cstdint>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

struct FreewayCar {
  int x = 0;
  int y = 1;      // lane i is row i+1
  int timer = 0;  // steps until the next move
  int speed = 1;  // signed: > 0 moves right; |speed| in 1..5 (0 only on an exact 0.5 draw)
};

struct FreewayState {
  static constexpr int kNumCars = 8;  // car i drives in row i + 1
  static constexpr int kMaxCarSpeed = 5;
  static constexpr int kChickenX = 4;
  static constexpr int kStartRow = kLastRow;  // where the chicken starts and returns to
  static constexpr int kGoalRow = 0;
  static constexpr int kPlayerSpeed = 3;  // the chicken moves at most once per 3 steps
  static constexpr int kTimeLimit = 2500;

  std::array<FreewayCar, kNumCars> cars{};
  int chicken_y = kStartRow;
  int move_timer = kPlayerSpeed;
  int terminate_timer = kTimeLimit;
  bool terminal = false;
};

class Freeway final : public Game {
 public:
  // Then speed1..speed5: the trail of a car of speed |v| is in channel kSpeed1 + |v| - 1.
  enum Channel : int { kChicken = 0, kCar = 1, kSpeed1 = 2 };
  static constexpr int kChannels = kSpeed1 + FreewayState::kMaxCarSpeed;

  std::string_view name() const override { return "freeway"; }
  std::span<const std::string_view> channel_names() const override;
  std::span<const int> minimal_action_set() const override;
  void reset(NumpyRandomState& rng) override;
  GameStep act(int action, NumpyRandomState& rng) override;
  void render(std::span<uint8_t> grid) const override;

  const FreewayState& state() const { return state_; }
  void set_state(const FreewayState& state) { state_ = state; }

 private:
  // New speeds and directions for all cars; `initialize` also puts every car at x = 0.
  void randomize_cars(bool initialize, NumpyRandomState& rng);

  FreewayState state_;
};

}  // namespace arq::minatar
