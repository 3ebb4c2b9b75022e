#pragma once
// A NumpyRandomState's full state as JSON fields, for the environments' saved stream states
// (checkpoints): one spelling of the fields, read back with clear errors.
#include <nlohmann/json.hpp>

#include "arq/core/numpy_random.h"

namespace arq {

// Adds mt_key, mt_position, mt_words_drawn, has_gauss and gauss to `json` (an object).
void add_numpy_random_state(const NumpyRandomState::State& state, nlohmann::json& json);

// Reads the fields written by add_numpy_random_state. has_gauss/gauss may be absent (states
// saved before they were recorded; such streams never drew a gaussian). Throws arq::Error naming
// the missing or malformed field.
NumpyRandomState::State numpy_random_state_from(const nlohmann::json& json);

}  // namespace arq
