#include "arq/env/minatar/games.h"

#include "arq/core/error.h"

namespace arq::minatar {

const std::vector<std::string>& game_names() {
  static const std::vector<std::string> names = {"asterix", "breakout", "freeway", "seaquest",
                                                 "space_invaders"};
  return names;
}

std::unique_ptr<Game> make_game(const std::string& name, bool ramping) {
  if (name == "breakout") return make_breakout();
  if (name == "freeway") return make_freeway();
  if (name == "space_invaders") return make_space_invaders(ramping);
  if (name == "seaquest") return make_seaquest(ramping);
  if (name == "asterix") return make_asterix(ramping);
  std::string known;
  for (const auto& game : game_names()) known += (known.empty() ? "" : ", ") + game;
  throw Error("unknown MinAtar game '" + name + "' (expected one of: " + known + ")");
}

}  // namespace arq::minatar
