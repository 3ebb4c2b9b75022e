#include "arq/env/minatar/space_invaders.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {
namespace {

constexpr std::array<std::string_view, SpaceInvaders::kChannels> kChannelNames = {
    "cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"};
constexpr std::array<int, 4> kMinimalActions = {kNoop, kLeft, kRight, kFire};
constexpr uint16_t kFirstColumnBit = 1u;
constexpr uint16_t kLastColumnBit = 1u << kLastColumn;

uint16_t column_bit(int x) {
  return static_cast<uint16_t>(1u << x);
}

// np.roll of one row by `dir` columns (+1 right, -1 left) inside 10 bits.
uint16_t roll_row(uint16_t row, int dir) {
  const unsigned r = row;
  const unsigned rolled =
      dir > 0 ? ((r << 1) | (r >> kLastColumn)) : ((r >> 1) | (r << kLastColumn));
  return static_cast<uint16_t>(rolled & GridBits::kRowMask);
}

// The alien that shoots: nearest non-empty column to the cannon (ties to the lower column, as a
// stable sort by |x - cannon_x| gives), and in it the lowest alien. The map is never empty here.
void add_alien_shot(SpaceInvadersState& s) {
  const uint16_t used = s.aliens.columns_used();
  int column = -1;
  for (int distance = 0; distance < kGridSize && column < 0; ++distance) {
    const int lower = s.cannon_x - distance;
    const int upper = s.cannon_x + distance;
    if (lower >= 0 && (used & column_bit(lower))) {
      column = lower;
    } else if (distance > 0 && upper < kGridSize && (used & column_bit(upper))) {
      column = upper;
    }
  }
  if (column < 0) return;
  for (int y = kLastRow; y >= 0; --y) {
    if (s.aliens.at(column, y)) {
      // The bullet starts in the shooter's own cell and first moves on the next step.
      s.enemy_bullets.set(column, y, true);
      return;
    }
  }
}

}  // namespace

int GridBits::count() const {
  int total = 0;
  for (uint16_t row : rows) total += std::popcount(row);
  return total;
}

uint16_t GridBits::columns_used() const {
  uint16_t used = 0;
  for (uint16_t row : rows) used = static_cast<uint16_t>(used | row);
  return used;
}

void SpaceInvadersState::spawn_wave() {
  constexpr uint16_t kWaveRow =
      ((1u << (kWaveLastColumn + 1)) - 1) & ~((1u << kWaveFirstColumn) - 1);
  static_assert(kWaveRow == 0b0011111100);
  for (int y = 0; y < kWaveRows; ++y) {
    aliens.rows[y] = static_cast<uint16_t>(aliens.rows[y] | kWaveRow);
  }
}

std::span<const std::string_view> SpaceInvaders::channel_names() const {
  return kChannelNames;
}
std::span<const int> SpaceInvaders::minimal_action_set() const {
  return kMinimalActions;
}

void SpaceInvaders::reset(NumpyRandomState& /*rng*/) {
  state_ = SpaceInvadersState{};
  state_.spawn_wave();
}

GameStep SpaceInvaders::act(int action, NumpyRandomState& /*rng*/) {
  SpaceInvadersState& s = state_;
  if (s.terminal) return {0, true};
  int reward = 0;
  if (action == kFire && s.shot_timer == 0) {
    s.friendly_bullets.set(s.cannon_x, SpaceInvadersState::kCannonRow, true);
    s.shot_timer = SpaceInvadersState::kShotCoolDown;
  } else if (action == kLeft) {
    s.cannon_x = std::max(0, s.cannon_x - 1);
  } else if (action == kRight) {
    s.cannon_x = std::min(kLastColumn, s.cannon_x + 1);
  }
  const uint16_t cannon_bit = column_bit(s.cannon_x);

  // Friendly bullets rise one row (leaving through the top), enemy bullets fall one row.
  auto& friendly = s.friendly_bullets.rows;
  std::copy(friendly.begin() + 1, friendly.end(), friendly.begin());
  friendly[kLastRow] = 0;
  auto& enemy = s.enemy_bullets.rows;
  std::copy_backward(enemy.begin(), enemy.end() - 1, enemy.end());
  enemy[0] = 0;
  constexpr int kCannonRow = SpaceInvadersState::kCannonRow;
  if (enemy[kCannonRow] & cannon_bit) s.terminal = true;

  auto& aliens = s.aliens.rows;
  if (aliens[kCannonRow] & cannon_bit) s.terminal = true;
  if (s.alien_move_timer == 0) {
    s.alien_move_timer = std::min(s.aliens.count(), s.enemy_move_interval);
    const uint16_t used = s.aliens.columns_used();
    if (((used & kFirstColumnBit) && s.alien_dir < 0) ||
        ((used & kLastColumnBit) && s.alien_dir > 0)) {
      s.alien_dir = -s.alien_dir;
      if (aliens[kLastRow] != 0) s.terminal = true;
      // The descent is a cyclic roll: aliens in the bottom row reappear in row 0.
      std::rotate(aliens.begin(), aliens.end() - 1, aliens.end());
    } else {
      for (uint16_t& row : aliens) row = roll_row(row, s.alien_dir);
    }
    if (aliens[kCannonRow] & cannon_bit) s.terminal = true;
  }
  if (s.alien_shot_timer == 0) {
    s.alien_shot_timer = SpaceInvadersState::kAlienShotInterval;
    add_alien_shot(s);
  }

  for (int y = 0; y < kGridSize; ++y) {
    const uint16_t hits = aliens[y] & friendly[y];
    reward += std::popcount(hits);
    aliens[y] = static_cast<uint16_t>(aliens[y] & ~hits);
    friendly[y] = static_cast<uint16_t>(friendly[y] & ~hits);
  }

  s.shot_timer -= s.shot_timer > 0;
  --s.alien_move_timer;
  --s.alien_shot_timer;
  if (s.aliens.empty()) {
    if (s.enemy_move_interval > SpaceInvadersState::kMinMoveInterval && ramping_) {
      --s.enemy_move_interval;
      ++s.ramp_index;
    }
    // The new wave keeps the marching direction and both alien timers.
    s.spawn_wave();
  }
  return {reward, s.terminal};
}

void SpaceInvaders::render(std::span<uint8_t> grid) const {
  if (grid.size() != kGridSize * kGridSize * kChannels) {
    throw Error("space_invaders: render buffer has " + std::to_string(grid.size()) +
                " bytes, expected " + std::to_string(kGridSize * kGridSize * kChannels));
  }
  const SpaceInvadersState& s = state_;
  // Mostly empty: clear everything, then visit only the set bits of each row mask.
  std::memset(grid.data(), 0, grid.size());
  const int direction_channel = s.alien_dir < 0 ? kAlienLeft : kAlienRight;
  for (int y = 0; y < kGridSize; ++y) {
    uint8_t* const row = grid.data() + y * kGridSize * kChannels;
    for (unsigned bits = s.aliens.rows[y]; bits != 0; bits &= bits - 1) {
      uint8_t* const cell = row + std::countr_zero(bits) * kChannels;
      cell[kAlien] = 1;
      cell[direction_channel] = 1;
    }
    for (unsigned bits = s.friendly_bullets.rows[y]; bits != 0; bits &= bits - 1) {
      row[std::countr_zero(bits) * kChannels + kFriendlyBullet] = 1;
    }
    for (unsigned bits = s.enemy_bullets.rows[y]; bits != 0; bits &= bits - 1) {
      row[std::countr_zero(bits) * kChannels + kEnemyBullet] = 1;
    }
  }
  grid[(SpaceInvadersState::kCannonRow * kGridSize + s.cannon_x) * kChannels + kCannon] = 1;
}

std::unique_ptr<Game> make_space_invaders(bool ramping) {
  return std::make_unique<SpaceInvaders>(ramping);
}

}  // namespace arq::minatar
