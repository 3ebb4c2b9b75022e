#pragma once
// MinAtar Freeway: a chicken in column 4 crosses eight lanes of wrapping cars; each crossing
// scores and re-draws every car's speed and direction. Episodes end after 2500 frames.
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
  static constexpr int kNumCars = 8;
  static constexpr int kChickenX = 4;
  static constexpr int kPlayerSpeed = 3;  // the chicken moves at most once per 3 steps
  static constexpr int kTimeLimit = 2500;

  std::array<FreewayCar, kNumCars> cars{};
  int chicken_y = 9;
  int move_timer = kPlayerSpeed;
  int terminate_timer = kTimeLimit;
  bool terminal = false;
};

class Freeway final : public Game {
 public:
  static constexpr int kChannels = 7;  // chicken, car, speed1..speed5 (car trails by speed)

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
