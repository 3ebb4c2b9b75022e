#pragma once
// What a report needs from one run folder: who ran (method label, environment, seed), whether
// it finished, and its evaluation curve (eval.csv).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arq::experiments {

struct EvalPoint {
  int64_t step = 0;
  double mean_return = 0.0;
};

struct RunRecord {
  std::string dir;
  std::string method;  // the sweep's method label, else run.agent
  std::string env;
  int64_t seed = 0;
  std::optional<int64_t> total_steps;
  bool complete = false;
  std::vector<EvalPoint> evals;  // in step order

  // The last evaluation's mean return (the final one when the run is complete).
  double final_return() const;
};

// Finds run folders (folders holding eval.csv) under each input, recursively. Runs inside a
// sweep folder take their method label from its manifest.tsv; others use config.toml's
// run.agent. Unreadable folders are skipped with a line in `warnings`.
std::vector<RunRecord> load_runs(const std::vector<std::string>& inputs,
                                 std::vector<std::string>* warnings);

// Reads one run folder; `method` empty means "use run.agent". Throws arq::Error naming the file.
RunRecord load_run(const std::string& dir, const std::string& method = "");

}  // namespace arq::experiments
