#pragma once
// A tiny trained local agent, for the command-line tests that read a checkpoint.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/arq_process.h"

namespace arq::test {

// Trains `agent` on `env` for 300 steps (about a quarter of a second) into a fresh
// temp_path(name), checkpointing at the end; `extra` adds options such as "--set key=value".
inline std::filesystem::path train_tiny_local(const std::string& name, const std::string& env,
                                              const std::string& agent, const std::string& extra) {
  const std::filesystem::path dir = temp_path(name);
  std::filesystem::remove_all(dir);
  const CommandResult result = run_arq(
      "train --env " + env + " --total-steps 300 --quiet --run-dir " + dir.string() +
      " --set run.agent=" + agent +
      " --set local.widths=[16,12,12] --set run.learning_starts=100 --set replay.batch_size=16"
      " --set run.eval_frequency=0 --set run.checkpoint_frequency=300 --set replay.capacity=1000 " +
      extra);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return dir;
}

}  // namespace arq::test
