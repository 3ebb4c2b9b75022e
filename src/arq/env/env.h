#pragma once
// The environment interface, with Gymnasium's semantics: reset(seed) then step(action) ->
// reward, terminated (the MDP ended: do not bootstrap), truncated (a time limit: bootstrap).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace arq {

struct EnvSpec {
  std::string id;              // e.g. "minatar/breakout-v1"
  std::vector<int> obs_shape;  // MinAtar: {10, 10, C} in (y, x, channel) order
  int num_actions = 0;         // discrete action count; 0 for continuous control
  int action_dim = 0;          // continuous action dimension; 0 for discrete
  // Every observation value is 0 or 1 (MinAtar's channels), so replay can store them as bits.
  bool binary_observations = false;
  int obs_size() const {
    int size = 1;
    for (int d : obs_shape) size *= d;
    return size;
  }
  bool discrete() const { return num_actions > 0; }
};

struct StepResult {
  double reward = 0.0;
  bool terminated = false;
  bool truncated = false;
  bool done() const { return terminated || truncated; }
};

class Env {
 public:
  virtual ~Env() = default;

  virtual const EnvSpec& spec() const = 0;

  // Starts an episode. With a seed the environment's random stream is reseeded first;
  // without one it continues (Gymnasium's convention).
  virtual void reset(std::optional<uint32_t> seed = std::nullopt) = 0;

  // Discrete action index in [0, spec().num_actions). Throws arq::Error when out of range
  // or when the environment is continuous.
  virtual StepResult step(int action) = 0;

  // Continuous action of spec().action_dim values in [-1, 1]. Throws arq::Error for a wrong
  // dimension, a NaN, or a discrete environment.
  virtual StepResult step_continuous(std::span<const double> action);

  // The current observation as floats, spec().obs_size() values.
  virtual void observation(std::span<float> out) const = 0;

  // The environment's random stream (and anything else that survives a reset) as text, taken
  // between episodes. Restoring it and calling reset() continues exactly the same sequence of
  // episodes: this is what makes a resumed training run bit-identical.
  virtual std::string stream_state() const = 0;
  virtual void restore_stream_state(const std::string& state) = 0;
};

}  // namespace arq
