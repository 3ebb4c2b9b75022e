#pragma once
// Environment ids of the DMC tasks: "dmc/<task>" is the continuous task, and suffixes add
// wrappers in the order written:
//   ":bangbang"   discrete actions, the 2^d corners of [-1, 1]^d (BangBangEnv), as ARQ uses DMC;
//   ":repeat<N>"  each agent step repeats the action N times (ActionRepeatEnv).
// Examples: "dmc/walker-walk", "dmc/walker-walk:bangbang", "dmc/cheetah-run:repeat2:bangbang".
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arq/env/env.h"

namespace arq::dmc {

inline bool is_dmc_id(std::string_view id) {
  return id.starts_with("dmc/");
}

// Throws arq::Error naming the id and what was expected when the task or a suffix is unknown.
std::unique_ptr<Env> make_dmc_env(std::string_view id);

// "dmc/<task>" and "dmc/<task>:bangbang" for every task (repeat suffixes are open-ended).
std::vector<std::string> dmc_env_ids();

}  // namespace arq::dmc
