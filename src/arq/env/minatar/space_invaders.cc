#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {

// Placeholder until the game is ported.
std::unique_ptr<Game> make_space_invaders(bool /*ramping*/) { throw Error("MinAtar game 'space_invaders' is not implemented yet"); }

}  // namespace arq::minatar
