#pragma once
// MinAtar's Environment wrapper plus its gym BaseEnv: sticky actions drawn from the one stream
// the game shares, v0 (all six actions) or v1 (the minimal action set), Gymnasium reset/step.
#include <array>
#include <memory>
#include <string>

#include "arq/core/numpy_random.h"
#include "arq/env/env.h"
#include "arq/env/minatar/game.h"

namespace arq::minatar {

struct MinAtarConfig {
  std::string game = "breakout";
  bool minimal_action_set = true;  // v1; false = v0
  double sticky_action_prob = 0.1;
  bool difficulty_ramping = true;
};

class MinAtarEnv final : public Env {
 public:
  explicit MinAtarEnv(const MinAtarConfig& config);

  const EnvSpec& spec() const override { return spec_; }
  void reset(std::optional<uint32_t> seed = std::nullopt) override;
  StepResult step(int action) override;
  void observation(std::span<float> out) const override;
  std::string stream_state() const override;
  void restore_stream_state(const std::string& state) override;

  // The observation as bytes (0/1), 100*C of them in (y, x, c) order.
  std::span<const uint8_t> grid() const { return {grid_.data(), grid_size()}; }
  // numpy.packbits of the observation: MSB-first, ceil(100*C/8) bytes.
  void packed_observation(std::span<uint8_t> out) const;
  size_t packed_size() const { return (grid_size() + 7) / 8; }

  const MinAtarConfig& config() const { return config_; }
  const Game& game() const { return *game_; }
  // Game action for each agent action index (v0: identity over 0..5).
  std::span<const int> action_set() const {
    return {action_set_.data(), static_cast<size_t>(spec_.num_actions)};
  }
  // Game action applied by the last step, after the sticky draw (the harness's "ea").
  int last_applied_action() const { return last_action_; }
  uint64_t rng_words_drawn() const { return rng_.words_drawn(); }
  std::optional<int> difficulty_ramp() const { return game_->difficulty_ramp(); }

 private:
  size_t grid_size() const { return grid_size_; }

  MinAtarConfig config_;
  EnvSpec spec_;
  std::unique_ptr<Game> game_;
  size_t grid_size_;  // 100 * channels, cached: the game's channel count never changes
  NumpyRandomState rng_;
  bool seeded_ = false;
  bool started_ = false;
  int last_action_ = 0;  // survives reset(), as in the original
  std::array<int, kNumGameActions> action_set_{};
  std::array<uint8_t, kGridSize * kGridSize * kMaxChannels> grid_{};
};

// Parses "minatar/<game>-v0|v1" (other fields keep their defaults); nullopt for other ids.
std::optional<MinAtarConfig> parse_minatar_id(const std::string& id);

// "hex(packbits(obs))", the reference files' observation encoding.
std::string packed_hex(std::span<const uint8_t> packed);

}  // namespace arq::minatar
