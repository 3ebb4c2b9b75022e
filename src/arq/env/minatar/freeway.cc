#include "arq/env/minatar/freeway.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {
namespace {

constexpr std::array<std::string_view, Freeway::kChannels> kChannelNames = {
    "chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"};
constexpr std::array<int, 3> kMinimalActions = {kNoop, kUp, kDown};

}  // namespace

std::span<const std::string_view> Freeway::channel_names() const {
  return kChannelNames;
}
std::span<const int> Freeway::minimal_action_set() const {
  return kMinimalActions;
}

void Freeway::randomize_cars(bool initialize, NumpyRandomState& rng) {
  // The original draws all eight magnitudes (randint(1, 6, size=8)) before the eight
  // direction doubles (rand(8)), so the two loops must stay separate.
  std::array<int, FreewayState::kNumCars> magnitude{};
  for (int& m : magnitude) m = static_cast<int>(rng.randint(1, FreewayState::kMaxCarSpeed + 1));
  for (int i = 0; i < FreewayState::kNumCars; ++i) {
    const double u = rng.rand();
    const int direction = u < 0.5 ? -1 : (u > 0.5 ? 1 : 0);  // numpy's sign(u - 0.5)
    const int speed = magnitude[i] * direction;
    FreewayCar& car = state_.cars[i];
    if (initialize) {
      car.x = 0;
      car.y = i + 1;
    }
    car.timer = std::abs(speed);
    car.speed = speed;
  }
}

void Freeway::reset(NumpyRandomState& rng) {
  randomize_cars(true, rng);
  state_.chicken_y = FreewayState::kStartRow;
  state_.move_timer = FreewayState::kPlayerSpeed;
  state_.terminate_timer = FreewayState::kTimeLimit;
  state_.terminal = false;
}

GameStep Freeway::act(int action, NumpyRandomState& rng) {
  FreewayState& s = state_;
  if (s.terminal) return {0, true};
  int reward = 0;
  if (action == kUp && s.move_timer == 0) {
    s.move_timer = FreewayState::kPlayerSpeed;
    s.chicken_y = std::max(FreewayState::kGoalRow, s.chicken_y - 1);
  } else if (action == kDown && s.move_timer == 0) {
    s.move_timer = FreewayState::kPlayerSpeed;
    s.chicken_y = std::min(FreewayState::kStartRow, s.chicken_y + 1);
  }
  if (s.chicken_y == FreewayState::kGoalRow) {
    reward += 1;
    randomize_cars(false, rng);
    s.chicken_y = FreewayState::kStartRow;
  }
  // Each car is tested against the chicken's row as it is now, so once one car sends the
  // chicken back to row 9 the later cars cannot hit it.
  auto hits_chicken = [&](const FreewayCar& car) {
    return car.x == FreewayState::kChickenX && car.y == s.chicken_y;
  };
  for (FreewayCar& car : s.cars) {
    if (hits_chicken(car)) s.chicken_y = FreewayState::kStartRow;
    if (car.timer == 0) {
      car.timer = std::abs(car.speed);
      car.x += car.speed > 0 ? 1 : -1;
      if (car.x < 0) car.x = kLastColumn;
      if (car.x > kLastColumn) car.x = 0;
      if (hits_chicken(car)) s.chicken_y = FreewayState::kStartRow;
    } else {
      car.timer -= 1;
    }
  }
  if (s.move_timer > 0) s.move_timer -= 1;
  s.terminate_timer -= 1;
  if (s.terminate_timer < 0) s.terminal = true;
  return {reward, s.terminal};
}

void Freeway::render(std::span<uint8_t> grid) const {
  if (grid.size() != kGridSize * kGridSize * kChannels) {
    throw Error("freeway: render buffer has " + std::to_string(grid.size()) + " bytes, expected " +
                std::to_string(kGridSize * kGridSize * kChannels));
  }
  const FreewayState& s = state_;
  std::memset(grid.data(), 0, grid.size());
  auto cell = [&](int y, int x, int channel) -> uint8_t& {
    return grid[(y * kGridSize + x) * kChannels + channel];
  };
  cell(s.chicken_y, FreewayState::kChickenX, kChicken) = 1;
  for (const FreewayCar& car : s.cars) {
    cell(car.y, car.x, kCar) = 1;
    int back_x = car.speed > 0 ? car.x - 1 : car.x + 1;
    if (back_x < 0) back_x = kLastColumn;
    if (back_x > kLastColumn) back_x = 0;
    // Speed 0 (an exact 0.5 direction draw, p = 2^-53) has no trail channel; the original
    // raises there, we draw no trail.
    const int magnitude = std::abs(car.speed);
    if (magnitude >= 1 && magnitude <= FreewayState::kMaxCarSpeed) {
      cell(car.y, back_x, kSpeed1 + magnitude - 1) = 1;
    }
  }
}

std::unique_ptr<Game> make_freeway() {
  return std::make_unique<Freeway>();
}

}  // namespace arq::minatar
