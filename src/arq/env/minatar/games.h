#pragma once
// Constructors of the five games (one file each).
#include <memory>
#include <string>
#include <vector>

#include "arq/env/minatar/game.h"

namespace arq::minatar {

std::unique_ptr<Game> make_breakout();
std::unique_ptr<Game> make_freeway();
std::unique_ptr<Game> make_space_invaders(bool ramping);
std::unique_ptr<Game> make_seaquest(bool ramping);
std::unique_ptr<Game> make_asterix(bool ramping);

// By module name ("breakout", "freeway", "space_invaders", "seaquest", "asterix");
// throws arq::Error for any other name.
std::unique_ptr<Game> make_game(const std::string& name, bool ramping);
const std::vector<std::string>& game_names();

}  // namespace arq::minatar
