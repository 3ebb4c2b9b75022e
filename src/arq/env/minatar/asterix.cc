#include "arq/core/error.h"
#include "arq/env/minatar/games.h"

namespace arq::minatar {

// Placeholder until the game is ported.
std::unique_ptr<Game> make_asterix(bool /*ramping*/) { throw Error("MinAtar game 'asterix' is not implemented yet"); }

}  // namespace arq::minatar
