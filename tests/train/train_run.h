#pragma once
// Helpers shared by the trainer tests: a fresh run folder and a quiet training call.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "arq/agents/factory.h"
#include "arq/train/trainer.h"

namespace arq::test {

// An empty path in the temporary folder, unique to this test process.
inline std::filesystem::path fresh_run_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("arq_train_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

// Trains `config` into `dir` without a progress line; stop = -1 runs to the end.
inline TrainSummary train_quietly(const Config& config, const std::filesystem::path& dir,
                                  bool resume = false, int64_t stop = -1) {
  TrainRequest request;
  request.config = config;
  request.run_dir = dir.string();
  request.resume = resume;
  request.quiet = true;
  request.stop_after_steps = stop;
  return train(request, make_agent);
}

}  // namespace arq::test
