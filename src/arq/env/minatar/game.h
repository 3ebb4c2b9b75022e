#pragma once
// One MinAtar game: the rules of MinAtar's environments/<game>.py (docs/minatar.md), with all
// randomness drawn from the shared NumpyRandomState the Environment wrapper owns (sticky draw
// first, then ours).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "arq/core/numpy_random.h"

namespace arq::minatar {

inline constexpr int kGridSize = 10;  // rows and columns; row 0 is the top, column 0 the left
inline constexpr int kLastRow = kGridSize - 1;
inline constexpr int kLastColumn = kGridSize - 1;
inline constexpr int kMaxChannels = 10;
inline constexpr int kNumGameActions = 6;  // n l u r d f

enum GameAction : int { kNoop = 0, kLeft = 1, kUp = 2, kRight = 3, kDown = 4, kFire = 5 };

struct GameStep {
  int reward = 0;
  bool terminal = false;
};

class Game {
 public:
  virtual ~Game() = default;

  virtual std::string_view name() const = 0;  // module name, e.g. "space_invaders"
  virtual std::span<const std::string_view> channel_names() const = 0;
  virtual std::span<const int> minimal_action_set() const = 0;

  // Starts a new episode (draws from rng only where the original does).
  virtual void reset(NumpyRandomState& rng) = 0;
  // Applies a game action 0..5; returns (0, true) without change once terminal.
  virtual GameStep act(int action, NumpyRandomState& rng) = 0;
  // Writes the observation: 100*C bytes, 0 or 1, index (y*10 + x)*C + c. Overwrites every byte.
  virtual void render(std::span<uint8_t> grid) const = 0;
  // ramp_index for Asterix, Seaquest and Space Invaders; nullopt for the others.
  virtual std::optional<int> difficulty_ramp() const { return std::nullopt; }

  int num_channels() const { return static_cast<int>(channel_names().size()); }
};

}  // namespace arq::minatar
