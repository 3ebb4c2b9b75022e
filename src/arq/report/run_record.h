#pragma once
// What a report needs from one run folder: who ran (method label, environment, seed), whether
// it finished, its evaluation curve (eval.csv) and its training episodes' returns (episodes.csv).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arq::report {

struct EvalPoint {
  int64_t step = 0;
  double mean_return = 0.0;
};

// One training episode: the environment step it ended at and its undiscounted return, earned
// under the training policy (for the Q-learners: ε-greedy with training's ε).
struct TrainingEpisode {
  int64_t step = 0;
  double episode_return = 0.0;
};

// How many of the last training episodes training_return() averages: MinAtar's paper reports
// "average return over the final 100 episodes" of training.
inline constexpr size_t kTrainingReturnEpisodes = 100;

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
  // In step order; empty when the run folder has no episodes.csv (runs of older builds).
  std::vector<TrainingEpisode> training_episodes;
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
  // The mean return of the last kTrainingReturnEpisodes training episodes (all of them when
  // fewer ended), up to the cut once cut; empty without training episodes. A third measure
  // beside the two above: the one MinAtar's paper and many training scripts report.
  std::optional<double> training_return() const;
  // Whether the tables take the run as it stands: complete, or, once cut, it reached the step.
  bool finished() const { return cut_step ? reached_cut_step : complete; }
};

// The run as it was at environment step `step`, so that runs of different lengths are compared
// at one step: evaluations and training episodes that ended after `step` are dropped. The run
// reached `step` if it was evaluated at it, or beyond it (then its last evaluation before `step`
// stands for it, as evaluations land on multiples of the evaluation frequency, which `step` may
// fall between). A run evaluated only before `step` has not reached it, even if it is complete; nor
// has one first evaluated after it (it has nothing to show for `step`). Throws arq::Error unless
// step > 0.
RunRecord cut_at_step(RunRecord run, int64_t step);

// Finds run folders (folders holding eval.csv) under each input, recursively. Runs inside a
// sweep folder take their method label from its manifest.tsv; others use config.toml's
// run.agent. Unreadable folders are skipped with a line in `warnings`.
std::vector<RunRecord> load_runs(const std::vector<std::string>& inputs,
                                 std::vector<std::string>* warnings);

// Reads one run folder; `method` empty means "use run.agent". Throws arq::Error naming the file.
RunRecord load_run(const std::string& dir, const std::string& method = "");

}  // namespace arq::report
