#pragma once
// The schema of `arq train` configs: every key any agent reads, with defaults and help.
// Presets in configs/*.toml set the paper's (or CPU-sized) values on top of these.
#include "arq/core/config.h"

namespace arq {

Config make_train_config();

}  // namespace arq
