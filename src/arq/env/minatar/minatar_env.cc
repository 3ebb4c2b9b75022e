#include "arq/env/minatar/minatar_env.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "arq/core/error.h"
#include "arq/core/json_error.h"
#include "arq/core/numpy_random_json.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {

MinAtarEnv::MinAtarEnv(const MinAtarConfig& config)
    : config_(config),
      game_(make_game(config.game, config.difficulty_ramping)),
      grid_size_(static_cast<size_t>(kGridSize * kGridSize * game_->num_channels())) {
  if (!(config.sticky_action_prob >= 0.0 && config.sticky_action_prob <= 1.0)) {
    throw Error("sticky_action_prob must be in [0, 1], got " +
                std::to_string(config.sticky_action_prob));
  }
  const auto minimal = game_->minimal_action_set();
  spec_.num_actions =
      config.minimal_action_set ? static_cast<int>(minimal.size()) : kNumGameActions;
  for (int i = 0; i < spec_.num_actions; ++i) {
    action_set_[i] = config.minimal_action_set ? minimal[i] : i;
  }
  spec_.id = "minatar/" + config.game + (config.minimal_action_set ? "-v1" : "-v0");
  spec_.obs_shape = {kGridSize, kGridSize, game_->num_channels()};
  spec_.binary_observations = true;
}

void MinAtarEnv::reset(std::optional<uint32_t> seed) {
  if (seed) {
    rng_.seed_with(*seed);
    seeded_ = true;
  } else if (!seeded_) {
    // The original falls back to an OS-seeded stream; so do we, but only once.
    rng_.seed_with(std::random_device{}());
    seeded_ = true;
  }
  game_->reset(rng_);
  game_->render({grid_.data(), grid_size()});
  started_ = true;
}

StepResult MinAtarEnv::step(int action) {
  if (!started_) throw Error(spec_.id + ": step() called before reset()");
  if (action < 0 || action >= spec_.num_actions) {
    throw Error(spec_.id + ": action " + std::to_string(action) + " out of range [0, " +
                std::to_string(spec_.num_actions) + ")");
  }
  int game_action = action_set_[action];
  // The sticky draw happens on every call, whatever the probability or game state.
  if (rng_.rand() < config_.sticky_action_prob) game_action = last_action_;
  last_action_ = game_action;
  const GameStep result = game_->act(game_action, rng_);
  game_->render({grid_.data(), grid_size()});
  return {static_cast<double>(result.reward), result.terminal, false};
}

void MinAtarEnv::observation(std::span<float> out) const {
  const size_t size = grid_size();
  if (out.size() != size) {
    throw Error(spec_.id + ": observation buffer has " + std::to_string(out.size()) +
                " floats, expected " + std::to_string(size));
  }
  for (size_t i = 0; i < size; ++i) out[i] = grid_[i];
}

std::string MinAtarEnv::stream_state() const {
  nlohmann::json json = {
      {"format", "minatar-stream-1"}, {"seeded", seeded_}, {"last_action", last_action_}};
  add_numpy_random_state(rng_.state(), json);
  return json.dump();
}

void MinAtarEnv::restore_stream_state(const std::string& text) {
  try {
    const auto json = nlohmann::json::parse(text);
    if (json.at("format") != "minatar-stream-1") throw Error("unknown format");
    const NumpyRandomState::State state = numpy_random_state_from(json);
    const int last_action = json.at("last_action").get<int>();
    if (last_action < 0 || last_action >= kNumGameActions) throw Error("last_action out of range");
    rng_.set_state(state);
    last_action_ = last_action;
    seeded_ = json.at("seeded").get<bool>();
    started_ = false;  // the caller resets next
  } catch (const nlohmann::json::exception& e) {
    throw Error(spec_.id + ": invalid saved stream state: " + json_error_text(e));
  } catch (const Error& e) {
    throw Error(spec_.id + ": invalid saved stream state: " + e.what());
  }
}

void MinAtarEnv::packed_observation(std::span<uint8_t> out) const {
  const size_t size = grid_size();
  if (out.size() != packed_size()) {
    throw Error(spec_.id + ": packed buffer has " + std::to_string(out.size()) +
                " bytes, expected " + std::to_string(packed_size()));
  }
  for (uint8_t& byte : out) byte = 0;
  for (size_t k = 0; k < size; ++k) {
    if (grid_[k]) out[k >> 3] |= static_cast<uint8_t>(0x80u >> (k & 7));
  }
}

std::optional<MinAtarConfig> parse_minatar_id(const std::string& id) {
  const std::string prefix = "minatar/";
  if (id.rfind(prefix, 0) != 0 || id.size() <= prefix.size() + 3) return std::nullopt;
  const std::string version = id.substr(id.size() - 3);
  const std::string game = id.substr(prefix.size(), id.size() - prefix.size() - 3);
  const auto& games = game_names();
  if (version != "-v0" && version != "-v1") return std::nullopt;
  if (std::find(games.begin(), games.end(), game) == games.end()) return std::nullopt;
  MinAtarConfig config;
  config.game = game;
  config.minimal_action_set = version == "-v1";
  return config;
}

std::string packed_hex(std::span<const uint8_t> packed) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(packed.size() * 2);
  for (uint8_t byte : packed) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 15]);
  }
  return text;
}

}  // namespace arq::minatar
