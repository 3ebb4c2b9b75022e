#include "arq/core/numpy_random_json.h"

#include "arq/core/error.h"
#include "arq/core/json_error.h"

namespace arq {

void add_numpy_random_state(const NumpyRandomState::State& state, nlohmann::json& json) {
  json["mt_key"] = state.key;
  json["mt_position"] = state.position;
  json["mt_words_drawn"] = state.words_drawn;
  json["has_gauss"] = state.has_gauss;
  json["gauss"] = state.gauss;
}

NumpyRandomState::State numpy_random_state_from(const nlohmann::json& json) {
  NumpyRandomState::State state;
  try {
    state.key = json.at("mt_key").get<std::array<uint32_t, NumpyRandomState::kStateWords>>();
    state.position = json.at("mt_position").get<int>();
    state.words_drawn = json.at("mt_words_drawn").get<uint64_t>();
    state.has_gauss = json.value("has_gauss", false);
    state.gauss = json.value("gauss", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw Error("random generator state: " + json_error_text(e));
  }
  return state;
}

}  // namespace arq
