#include "arq/env/minatar/asterix.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {
namespace {

constexpr std::array<std::string_view, Asterix::kChannels> kChannelNames = {"player", "enemy",
                                                                            "trail", "gold"};
constexpr std::array<int, 5> kMinimalActions = {kNoop, kLeft, kUp, kRight, kDown};
// numpy compares against the double nearest 1/3, which is what 1.0 / 3.0 yields.
constexpr double kGoldProbability = 1.0 / 3.0;

}  // namespace

std::span<const std::string_view> Asterix::channel_names() const {
  return kChannelNames;
}
std::span<const int> Asterix::minimal_action_set() const {
  return kMinimalActions;
}

void Asterix::reset(NumpyRandomState& /*rng*/) {
  state_ = AsterixState{};
}

void Asterix::spawn_entity(NumpyRandomState& rng) {
  // Both doubles are drawn even when every slot is taken and nothing spawns.
  const bool moving_right = rng.rand() < 0.5;
  const bool gold = rng.rand() < kGoldProbability;
  std::array<int, AsterixState::kNumSlots> free_slots{};
  int num_free = 0;
  for (int i = 0; i < AsterixState::kNumSlots; ++i) {
    if (!state_.slots[i].present) free_slots[num_free++] = i;
  }
  if (num_free == 0) return;
  // randint(1) draws no word, as in numpy.
  const int slot = free_slots[rng.randint(num_free)];
  state_.slots[slot] = {true, moving_right ? 0 : kLastColumn, moving_right, gold};
}

int Asterix::resolve_contacts() {
  AsterixState& s = state_;
  // Slot i only ever holds row i + 1, so only the slot of the player's row can touch it.
  const int slot = s.player_y - AsterixState::row_of_slot(0);
  if (slot < 0 || slot >= AsterixState::kNumSlots) return 0;
  AsterixEntity& entity = s.slots[slot];
  if (!entity.present || entity.x != s.player_x) return 0;
  if (!entity.gold) {
    s.terminal = true;  // the enemy stays where it is
    return 0;
  }
  entity.present = false;
  return 1;
}

GameStep Asterix::act(int action, NumpyRandomState& rng) {
  AsterixState& s = state_;
  if (s.terminal) return {0, true};
  if (s.spawn_timer == 0) {
    spawn_entity(rng);
    s.spawn_timer = s.spawn_speed;
  }
  if (action == kLeft) s.player_x = std::max(0, s.player_x - 1);
  if (action == kRight) s.player_x = std::min(kLastColumn, s.player_x + 1);
  if (action == kUp) s.player_y = std::max(AsterixState::kTopPlayerRow, s.player_y - 1);
  if (action == kDown) s.player_y = std::min(AsterixState::kBottomPlayerRow, s.player_y + 1);

  // Contacts are resolved both before and after the entities move.
  int reward = resolve_contacts();
  if (s.move_timer == 0) {
    s.move_timer = s.move_speed;
    for (AsterixEntity& entity : s.slots) {
      if (!entity.present) continue;
      entity.x += entity.moving_right ? 1 : -1;
      if (entity.x < 0 || entity.x > kLastColumn) entity.present = false;
    }
    reward += resolve_contacts();
  }
  s.spawn_timer -= 1;
  s.move_timer -= 1;

  constexpr int kMinSpeed = AsterixState::kMinSpeed;
  if (ramping_ && (s.spawn_speed > kMinSpeed || s.move_speed > kMinSpeed)) {
    if (s.ramp_timer >= 0) {
      s.ramp_timer -= 1;
    } else {
      if (s.move_speed > kMinSpeed && s.ramp_index % 2 == 1) s.move_speed -= 1;
      if (s.spawn_speed > kMinSpeed) s.spawn_speed -= 1;
      s.ramp_index += 1;
      s.ramp_timer = AsterixState::kRampInterval;
    }
  }
  return {reward, s.terminal};
}

void Asterix::render(std::span<uint8_t> grid) const {
  if (grid.size() != kGridSize * kGridSize * kChannels) {
    throw Error("asterix: render buffer has " + std::to_string(grid.size()) + " bytes, expected " +
                std::to_string(kGridSize * kGridSize * kChannels));
  }
  const AsterixState& s = state_;
  std::memset(grid.data(), 0, grid.size());
  auto cell = [&](int y, int x, int channel) -> uint8_t& {
    return grid[(y * kGridSize + x) * kChannels + channel];
  };
  cell(s.player_y, s.player_x, kPlayer) = 1;
  for (int i = 0; i < AsterixState::kNumSlots; ++i) {
    const AsterixEntity& entity = s.slots[i];
    if (!entity.present) continue;
    const int y = AsterixState::row_of_slot(i);
    cell(y, entity.x, entity.gold ? kGold : kEnemy) = 1;
    const int back_x = entity.moving_right ? entity.x - 1 : entity.x + 1;
    if (back_x >= 0 && back_x <= kLastColumn) cell(y, back_x, kTrail) = 1;
  }
}

std::unique_ptr<Game> make_asterix(bool ramping) {
  return std::make_unique<Asterix>(ramping);
}

}  // namespace arq::minatar
