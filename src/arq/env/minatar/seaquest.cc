#include "arq/env/minatar/seaquest.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "arq/env/minatar/games.h"

namespace arq::minatar {
namespace {

enum Channel : int {
  kSubFront = 0,
  kSubBack = 1,
  kFriendlyBullet = 2,
  kTrail = 3,
  kEnemyBullet = 4,
  kEnemyFish = 5,
  kEnemySub = 6,
  kOxygenGauge = 7,
  kDiverGauge = 8,
  kDiver = 9,
};

constexpr std::array<std::string_view, Seaquest::kChannels> kChannelNames = {
    "sub_front",  "sub_back",  "friendly_bullet", "trail",       "enemy_bullet",
    "enemy_fish", "enemy_sub", "oxygen_guage",    "diver_guage", "diver"};
constexpr std::array<int, 6> kMinimalActions = {kNoop, kLeft, kUp, kRight, kDown, kFire};
constexpr int kRowsBelowSurface = SeaquestState::kLowestSubRow;  // where enemies and divers swim
constexpr int kRowBytes = kGridSize * Seaquest::kChannels;

// The gauge row holds nothing but the two gauges, so every possible gauge row is precomputed:
// [oxygen cells 0..10][diver cells 0..6].
using GaugeRow = std::array<uint8_t, kRowBytes>;
using GaugeRows =
    std::array<std::array<GaugeRow, SeaquestState::kMaxDivers + 1>, SeaquestState::kGaugeCells + 1>;
constexpr GaugeRows make_gauge_rows() {
  GaugeRows rows{};
  for (int oxygen = 0; oxygen <= SeaquestState::kGaugeCells; ++oxygen) {
    for (int divers = 0; divers <= SeaquestState::kMaxDivers; ++divers) {
      GaugeRow& row = rows[oxygen][divers];
      for (int x = 0; x < oxygen; ++x) row[x * Seaquest::kChannels + kOxygenGauge] = 1;
      // Columns 9 - count .. 8; the last column is never used.
      for (int x = kLastColumn - divers; x < kLastColumn; ++x) {
        row[x * Seaquest::kChannels + kDiverGauge] = 1;
      }
    }
  }
  return rows;
}
constexpr GaugeRows kGaugeRows = make_gauge_rows();

int step_of(bool right) {
  return right ? 1 : -1;
}
bool off_screen(int x) {
  return x < 0 || x > kLastColumn;
}

template <typename Entity>
bool at(const Entity& entity, int x, int y) {
  return entity.x == x && entity.y == y;
}

// Index of the first element of `list` in cell (x, y), or -1.
template <typename List>
int first_at(const List& list, int x, int y) {
  for (int i = 0; i < list.size(); ++i) {
    if (at(list[i], x, y)) return i;
  }
  return -1;
}

// Python's `for e in reversed(list)` keeps a numeric index that starts at len-1, is re-checked
// against the current length before each item and decreases by one per item, whatever the body
// removed. `visit(i)` handles list[i].
template <typename List, typename Visit>
void for_each_reversed(List& list, Visit&& visit) {
  for (int i = list.size() - 1; i >= 0 && i < list.size(); --i) visit(i);
}

// list.remove(e) where e is the object being visited at `index`. The first value-equal element
// goes: e itself or an earlier twin. Returns where e lives afterwards, because the loop body keeps
// using it: one slot lower if a twin went, else `detached`, a copy outside the list.
template <typename T, int N>
T* remove_visited(SeaquestList<T, N>& list, int index, T& detached) {
  detached = list[index];
  const int removed = list.remove_first_equal(detached);
  return removed == index ? &detached : &list[index - 1];
}

}  // namespace

std::span<const std::string_view> Seaquest::channel_names() const {
  return kChannelNames;
}
std::span<const int> Seaquest::minimal_action_set() const {
  return kMinimalActions;
}

void Seaquest::reset(NumpyRandomState& /*rng*/) {
  state_ = SeaquestState{};
}

void Seaquest::spawn_enemy(NumpyRandomState& rng) {
  SeaquestState& s = state_;
  // All three draws happen even when the spawn is then cancelled.
  const bool right = rng.rand() < 0.5;
  const bool is_sub = rng.rand() < 1.0 / 3.0;
  const int y = static_cast<int>(rng.randint(1, 1 + kRowsBelowSurface));
  const int x = right ? 0 : kLastColumn;
  auto blocks = [&](const auto& enemy) { return enemy.y == y && enemy.right != right; };
  // No spawn into a row where an enemy travels the other way.
  if (std::any_of(s.enemy_subs.begin(), s.enemy_subs.end(), blocks) ||
      std::any_of(s.fish.begin(), s.fish.end(), blocks)) {
    return;
  }
  if (is_sub) {
    s.enemy_subs.push_back({x, y, right, s.move_speed, SeaquestState::kEnemyShotInterval});
  } else {
    s.fish.push_back({x, y, right, s.move_speed});
  }
}

void Seaquest::spawn_diver(NumpyRandomState& rng) {
  const bool right = rng.rand() < 0.5;
  const int y = static_cast<int>(rng.randint(1, 1 + kRowsBelowSurface));
  state_.divers.push_back({right ? 0 : kLastColumn, y, right, SeaquestState::kDiverMoveInterval});
}

int Seaquest::update_friendly_bullets() {
  SeaquestState& s = state_;
  int reward = 0;
  for_each_reversed(s.friendly_bullets, [&](int i) {
    SeaquestBullet& bullet = s.friendly_bullets[i];
    bullet.x += step_of(bullet.right);
    const SeaquestBullet moved = bullet;
    if (off_screen(moved.x)) {
      s.friendly_bullets.remove_first_equal(moved);
      return;
    }
    // Fish are checked before subs; one bullet destroys at most one enemy.
    if (const int hit = first_at(s.fish, moved.x, moved.y); hit >= 0) {
      s.fish.erase_at(hit);
      s.friendly_bullets.remove_first_equal(moved);
      ++reward;
    } else if (const int sub_hit = first_at(s.enemy_subs, moved.x, moved.y); sub_hit >= 0) {
      s.enemy_subs.erase_at(sub_hit);
      s.friendly_bullets.remove_first_equal(moved);
      ++reward;
    }
  });
  return reward;
}

void Seaquest::update_divers() {
  SeaquestState& s = state_;
  auto can_collect = [&](const SeaquestDiver& diver) {
    return at(diver, s.sub_x, s.sub_y) && s.diver_count < SeaquestState::kMaxDivers;
  };
  for_each_reversed(s.divers, [&](int i) {
    SeaquestDiver& diver = s.divers[i];
    if (can_collect(diver)) {
      s.divers.remove_first_equal(SeaquestDiver(diver));
      ++s.diver_count;
    } else if (diver.move_timer == 0) {
      diver.move_timer = SeaquestState::kDiverMoveInterval;
      diver.x += step_of(diver.right);
      if (off_screen(diver.x)) {
        s.divers.remove_first_equal(SeaquestDiver(diver));
      } else if (can_collect(diver)) {
        s.divers.remove_first_equal(SeaquestDiver(diver));
        ++s.diver_count;
      }
    } else {
      --diver.move_timer;
    }
  });
}

int Seaquest::update_enemy_subs() {
  SeaquestState& s = state_;
  int reward = 0;
  for_each_reversed(s.enemy_subs, [&](int i) {
    SeaquestEnemySub detached;
    SeaquestEnemySub* sub = &s.enemy_subs[i];
    if (at(*sub, s.sub_x, s.sub_y)) s.terminal = true;
    if (sub->move_timer == 0) {
      sub->move_timer = s.move_speed;
      sub->x += step_of(sub->right);
      if (off_screen(sub->x)) {
        sub = remove_visited(s.enemy_subs, i, detached);
      } else if (at(*sub, s.sub_x, s.sub_y)) {
        s.terminal = true;
      } else if (const int hit = first_at(s.friendly_bullets, sub->x, sub->y); hit >= 0) {
        sub = remove_visited(s.enemy_subs, i, detached);
        s.friendly_bullets.erase_at(hit);
        ++reward;
      }
    } else {
      --sub->move_timer;
    }
    // Even a sub removed just above still fires (its bullet may start off screen at x = -1 or 10,
    // and then leaves in the enemy-bullet update of this same step).
    if (sub->shot_timer == 0) {
      sub->shot_timer = SeaquestState::kEnemyShotInterval;
      s.enemy_bullets.push_back({sub->x, sub->y, sub->right});
    } else {
      --sub->shot_timer;
    }
  });
  return reward;
}

void Seaquest::update_enemy_bullets() {
  SeaquestState& s = state_;
  for_each_reversed(s.enemy_bullets, [&](int i) {
    SeaquestBullet& bullet = s.enemy_bullets[i];
    if (at(bullet, s.sub_x, s.sub_y)) s.terminal = true;
    bullet.x += step_of(bullet.right);
    if (off_screen(bullet.x)) {
      s.enemy_bullets.remove_first_equal(SeaquestBullet(bullet));
    } else if (at(bullet, s.sub_x, s.sub_y)) {
      s.terminal = true;
    }
  });
}

int Seaquest::update_fish() {
  SeaquestState& s = state_;
  int reward = 0;
  for_each_reversed(s.fish, [&](int i) {
    SeaquestFish& fish = s.fish[i];
    if (at(fish, s.sub_x, s.sub_y)) s.terminal = true;
    if (fish.move_timer == 0) {
      fish.move_timer = s.move_speed;
      fish.x += step_of(fish.right);
      if (off_screen(fish.x)) {
        s.fish.remove_first_equal(SeaquestFish(fish));
      } else if (at(fish, s.sub_x, s.sub_y)) {
        s.terminal = true;
      } else if (const int hit = first_at(s.friendly_bullets, fish.x, fish.y); hit >= 0) {
        s.fish.remove_first_equal(SeaquestFish(fish));
        s.friendly_bullets.erase_at(hit);
        ++reward;
      }
    } else {
      --fish.move_timer;
    }
  });
  return reward;
}

int Seaquest::surface() {
  SeaquestState& s = state_;
  s.surfaced = true;
  int bonus = 0;
  if (s.diver_count == SeaquestState::kMaxDivers) {
    s.diver_count = 0;
    bonus = s.oxygen * SeaquestState::kGaugeCells / SeaquestState::kMaxOxygen;
  }
  s.oxygen = SeaquestState::kMaxOxygen;
  // Unconditional, so a six-diver surfacing leaves -1 (the original's behaviour).
  --s.diver_count;
  constexpr int kMinSpawnSpeed = SeaquestState::kMinSpawnSpeed;
  constexpr int kMinMoveSpeed = SeaquestState::kMinMoveSpeed;
  if (ramping_ && (s.enemy_spawn_speed > kMinSpawnSpeed || s.move_speed > kMinMoveSpeed)) {
    if (s.move_speed > kMinMoveSpeed && s.ramp_index % 2 == 1) --s.move_speed;
    if (s.enemy_spawn_speed > kMinSpawnSpeed) --s.enemy_spawn_speed;
    ++s.ramp_index;
  }
  return bonus;
}

GameStep Seaquest::act(int action, NumpyRandomState& rng) {
  SeaquestState& s = state_;
  if (s.terminal) return {0, true};
  int reward = 0;
  if (s.enemy_spawn_timer == 0) {
    spawn_enemy(rng);
    s.enemy_spawn_timer = s.enemy_spawn_speed;
  }
  if (s.diver_spawn_timer == 0) {
    spawn_diver(rng);
    s.diver_spawn_timer = SeaquestState::kDiverSpawnSpeed;
  }

  if (action == kFire && s.shot_timer == 0) {
    s.friendly_bullets.push_back({s.sub_x, s.sub_y, s.sub_right});
    s.shot_timer = SeaquestState::kShotCoolDown;
  } else if (action == kLeft) {
    s.sub_x = std::max(0, s.sub_x - 1);
    s.sub_right = false;
  } else if (action == kRight) {
    s.sub_x = std::min(kLastColumn, s.sub_x + 1);
    s.sub_right = true;
  } else if (action == kUp) {
    s.sub_y = std::max(SeaquestState::kSurfaceRow, s.sub_y - 1);
  } else if (action == kDown) {
    s.sub_y = std::min(SeaquestState::kLowestSubRow, s.sub_y + 1);
  }

  reward += update_friendly_bullets();
  update_divers();
  reward += update_enemy_subs();
  update_enemy_bullets();
  reward += update_fish();

  s.enemy_spawn_timer -= s.enemy_spawn_timer > 0;
  s.diver_spawn_timer -= s.diver_spawn_timer > 0;
  s.shot_timer -= s.shot_timer > 0;
  if (s.oxygen <= 0) s.terminal = true;
  if (s.sub_y > SeaquestState::kSurfaceRow) {
    --s.oxygen;
    s.surfaced = false;
  } else if (!s.surfaced) {
    // Surfacing needs a diver on board; a negative count (after a six-diver surfacing) passes.
    if (s.diver_count == 0) {
      s.terminal = true;
    } else {
      reward += surface();
    }
  }
  return {reward, s.terminal};
}

void Seaquest::render(std::span<uint8_t> grid) const {
  if (grid.size() != kGridSize * kGridSize * kChannels) {
    throw Error("seaquest: render buffer has " + std::to_string(grid.size()) + " bytes, expected " +
                std::to_string(kGridSize * kGridSize * kChannels));
  }
  const SeaquestState& s = state_;
  static_assert(SeaquestState::kGaugeRow == kLastRow);  // every row above it is cleared here
  std::memset(grid.data(), 0, grid.size() - kRowBytes);
  constexpr int kGaugeCells = SeaquestState::kGaugeCells;
  const int oxygen_cells =
      std::min(kGaugeCells, std::max(0, s.oxygen) * kGaugeCells / SeaquestState::kMaxOxygen);
  // Nothing shows for counts <= 0.
  const int diver_cells = std::clamp(s.diver_count, 0, SeaquestState::kMaxDivers);
  std::memcpy(grid.data() + SeaquestState::kGaugeRow * kRowBytes,
              kGaugeRows[oxygen_cells][diver_cells].data(), kRowBytes);
  // Entities are always on screen when act() returns; the bounds check only protects against
  // hand-built states.
  auto mark = [&](int y, int x, int channel) {
    if (static_cast<unsigned>(x) < kGridSize && static_cast<unsigned>(y) < kGridSize) {
      grid[(y * kGridSize + x) * kChannels + channel] = 1;
    }
  };
  auto mark_with_trail = [&](const auto& entity, int channel) {
    mark(entity.y, entity.x, channel);
    mark(entity.y, entity.x - step_of(entity.right), kTrail);
  };
  mark(s.sub_y, s.sub_x, kSubFront);
  mark(s.sub_y, s.sub_x - step_of(s.sub_right), kSubBack);
  for (const auto& bullet : s.friendly_bullets) mark(bullet.y, bullet.x, kFriendlyBullet);
  for (const auto& bullet : s.enemy_bullets) mark(bullet.y, bullet.x, kEnemyBullet);
  for (const auto& fish : s.fish) mark_with_trail(fish, kEnemyFish);
  for (const auto& sub : s.enemy_subs) mark_with_trail(sub, kEnemySub);
  for (const auto& diver : s.divers) mark_with_trail(diver, kDiver);
}

std::unique_ptr<Game> make_seaquest(bool ramping) {
  return std::make_unique<Seaquest>(ramping);
}

}  // namespace arq::minatar
