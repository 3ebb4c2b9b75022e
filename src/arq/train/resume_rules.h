#pragma once
// The rules of `arq train --resume`, in one place.
//
// A resumed run keeps the config it was started with (config.toml in its folder). The options of
// the resuming command may repeat its values, so the command that started a run can continue it,
// but not change them, with two exceptions:
//   - --total-steps may grow the run (extend it). The checkpoint must hold its replay buffer,
//     since the extended run continues from it exactly.
//   - keys that only decide when files are written, not what is learned (kKeysAResumeMayChange):
//     a checkpointed run gives the same bits whatever they are, so a run started with sparse
//     checkpoints can continue with dense ones.
// Any change that is kept is written to config.toml at once, so a later plain --resume (say
// after a crash) keeps it.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "arq/core/config.h"
#include "arq/train/checkpoint.h"

namespace arq {

inline constexpr std::array<std::string_view, 2> kKeysAResumeMayChange = {
    "run.checkpoint_frequency", "run.log_frequency"};

// The config of the run in `run_dir` to continue with: `saved` (read from `saved_path`) with the
// requested changes that are allowed. `requested` is the config the resuming command's options
// describe; a key whose source there is "default" was not given and is not compared.
// `total_steps_given` says whether --total-steps was given; `status` is the run's last
// checkpoint, if any. Throws arq::Error naming the key, the saved file and the option otherwise.
Config resumed_config(const Config& saved, const std::string& saved_path, const Config& requested,
                      bool total_steps_given, const std::optional<CheckpointStatus>& status,
                      const std::string& run_dir);

}  // namespace arq
