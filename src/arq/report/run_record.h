#pragma once
// What a report needs from one run folder: who ran (method label, environment, seed), whether
// it finished, and its evaluation curve (eval.csv).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arq::report {

struct EvalPoint {
  int64_t step = 0;
  double mean_return = 0.0;
};

struct RunRecord {
  std::string dir;
  std::string method;  // the sweep's method label, else run.agent
  std::string env;
  int64_t seed = 0;
  // Steps are environment steps: a run with action repeat N (":repeatN") logs agent steps, which
  // load_run multiplies by N, recorded here.
  int64_t environment_steps_per_agent_step = 1;
  std::optional<int64_t> total_steps;
  bool complete = false;
  std::vector<EvalPoint> evals;  // in step order
  // Set by cut_at_step (`arq report --at-step`): the step the run is seen at, and whether it got
  // there.
  std::optional<int64_t> cut_step;
  bool reached_cut_step = false;

  // The last evaluation's mean return: the final one when the run is complete; once cut, the
  // one at (or last before) the step.
  double final_return() const;
  // The mean of every evaluation's mean return, step 0 included: the average height of the
  // learning curve as `arq report` draws it (up to the cut, once cut). Some published tables
  // report this rather than the final evaluation.
  double curve_mean() const;
  // Whether the tables take the run as it stands: complete, or, once cut, it reached the step.
  bool finished() const { return cut_step ? reached_cut_step : complete; }
};

// The run as it was at environment step `step`, so that runs of different lengths are compared
// at one step: evaluations after `step` are dropped. The run reached `step` if it was evaluated
// at it, or beyond it (then its last evaluation before `step` stands for it, as evaluations land
// on multiples of the evaluation frequency, which `step` may fall between). A run evaluated only
// before `step` has not reached it, even if it is complete; nor has one first evaluated after it
// (it has nothing to show for `step`). Throws arq::Error unless step > 0.
RunRecord cut_at_step(RunRecord run, int64_t step);

// Finds run folders (folders holding eval.csv) under each input, recursively. Runs inside a
// sweep folder take their method label from its manifest.tsv; others use config.toml's
// run.agent. Unreadable folders are skipped with a line in `warnings`.
std::vector<RunRecord> load_runs(const std::vector<std::string>& inputs,
                                 std::vector<std::string>* warnings);

// Reads one run folder; `method` empty means "use run.agent". Throws arq::Error naming the file.
RunRecord load_run(const std::string& dir, const std::string& method = "");

}  // namespace arq::report
