#include "arq/env/minatar/breakout.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <string>

#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {
namespace {

constexpr std::array<std::string_view, Breakout::kChannels> kChannelNames = {"paddle", "ball",
                                                                             "trail", "brick"};
constexpr std::array<int, 3> kMinimalActions = {kNoop, kLeft, kRight};
constexpr std::array<int, 4> kDeltaX = {-1, +1, +1, -1};
constexpr std::array<int, 4> kDeltaY = {-1, -1, +1, +1};

// With the numbering up-left, up-right, down-right, down-left these are pure bit operations.
int flip_horizontal(int dir) {
  return dir ^ 1;
}  // 0<->1, 2<->3
int flip_vertical(int dir) {
  return 3 - dir;
}  // 0<->3, 1<->2
int reverse(int dir) {
  return dir ^ 2;
}  // 0<->2, 1<->3

// Bit position of the brick channel (byte 3 of a cell) inside a cell read as a uint32_t.
static_assert(Breakout::kBrick == 3 && Breakout::kChannels == 4);
constexpr int kBrickByteShift = std::endian::native == std::endian::little ? 24 : 0;

}  // namespace

void BreakoutState::fill_bricks() {
  bricks.fill(0);
  std::fill(bricks.begin() + kFirstBrickRow * kGridSize,
            bricks.begin() + (kLastBrickRow + 1) * kGridSize, uint8_t{1});
}

std::span<const std::string_view> Breakout::channel_names() const {
  return kChannelNames;
}
std::span<const int> Breakout::minimal_action_set() const {
  return kMinimalActions;
}

void Breakout::reset(NumpyRandomState& rng) {
  BreakoutState& s = state_;
  s.ball_y = BreakoutState::kBallStartY;
  if (rng.randint(2) == 0) {
    s.ball_x = 0;
    s.ball_dir = kDownRight;
  } else {
    s.ball_x = kLastColumn;
    s.ball_dir = kDownLeft;
  }
  s.paddle_x = BreakoutState::kPaddleStartX;
  s.fill_bricks();
  s.strike = false;
  s.last_x = s.ball_x;
  s.last_y = s.ball_y;
  s.terminal = false;
}

GameStep Breakout::act(int action, NumpyRandomState& /*rng*/) {
  BreakoutState& s = state_;
  if (s.terminal) return {0, true};
  int reward = 0;
  if (action == kLeft) s.paddle_x = std::max(0, s.paddle_x - 1);
  if (action == kRight) s.paddle_x = std::min(kLastColumn, s.paddle_x + 1);

  s.last_x = s.ball_x;
  s.last_y = s.ball_y;
  int next_x = s.ball_x + kDeltaX[s.ball_dir];
  int next_y = s.ball_y + kDeltaY[s.ball_dir];
  bool strike_toggle = false;
  if (next_x < 0 || next_x > kLastColumn) {
    // The ball stays in the wall column for this step instead of reflecting off it.
    next_x = std::clamp(next_x, 0, kLastColumn);
    s.ball_dir = flip_horizontal(s.ball_dir);
  }
  if (next_y < 0) {
    next_y = 0;
    s.ball_dir = flip_vertical(s.ball_dir);
  } else if (s.brick(next_x, next_y)) {
    strike_toggle = true;
    if (!s.strike) {
      reward += 1;
      s.strike = true;
      s.set_brick(next_x, next_y, false);
      next_y = s.last_y;
      s.ball_dir = flip_vertical(s.ball_dir);
    }
  } else if (next_y == BreakoutState::kPaddleRow) {
    // Bricks come back only when the ball reaches the paddle row with the field empty.
    if (std::none_of(s.bricks.begin(), s.bricks.end(), [](uint8_t b) { return b != 0; })) {
      s.fill_bricks();
    }
    // The original tests the ball's old column against the paddle first.
    if (s.ball_x == s.paddle_x) {
      s.ball_dir = flip_vertical(s.ball_dir);
      next_y = s.last_y;
    } else if (next_x == s.paddle_x) {
      s.ball_dir = reverse(s.ball_dir);
      next_y = s.last_y;
    } else {
      s.terminal = true;
    }
  }
  if (!strike_toggle) s.strike = false;
  s.ball_x = next_x;
  s.ball_y = next_y;
  return {reward, s.terminal};
}

void Breakout::render(std::span<uint8_t> grid) const {
  if (grid.size() != kGridSize * kGridSize * kChannels) {
    throw Error("breakout: render buffer has " + std::to_string(grid.size()) + " bytes, expected " +
                std::to_string(kGridSize * kGridSize * kChannels));
  }
  const BreakoutState& s = state_;
  // Every cell is written whole as four bytes (paddle, ball, trail, brick) = (0, 0, 0, brick),
  // which the compiler vectorizes; this replaces both the memset and a strided byte loop.
  for (int i = 0; i < kGridSize * kGridSize; ++i) {
    const uint32_t word = uint32_t{s.bricks[i]} << kBrickByteShift;
    std::memcpy(grid.data() + i * kChannels, &word, sizeof(word));
  }
  auto cell = [&](int y, int x, int channel) -> uint8_t& {
    return grid[(y * kGridSize + x) * kChannels + channel];
  };
  cell(s.ball_y, s.ball_x, kBall) = 1;
  cell(BreakoutState::kPaddleRow, s.paddle_x, kPaddle) = 1;
  cell(s.last_y, s.last_x, kTrail) = 1;
}

std::unique_ptr<Game> make_breakout() {
  return std::make_unique<Breakout>();
}

}  // namespace arq::minatar
