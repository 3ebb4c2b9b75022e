#include "arq/sweep/run_state.h"

#include <gtest/gtest.h>

#include "test_folder.h"

namespace arq::sweep {
namespace {

using testing::fabricate_run;
using testing::TempFolder;

TEST(RunState, FollowsTheCompletionRule) {
  TempFolder folder;
  EXPECT_EQ(inspect_run(folder / "missing").state, RunState::kNotStarted);

  fabricate_run(folder.path() / "done", "arq", "minatar/breakout-v1", 1, 400,
                {{0, 0}, {200, 1}, {400, 2}}, 400);
  EXPECT_EQ(inspect_run(folder / "done").state, RunState::kComplete);
  EXPECT_EQ(inspect_run(folder / "done", 400).state, RunState::kComplete);
  // The sweep now asks for more steps than the folder was trained for: not complete.
  EXPECT_EQ(inspect_run(folder / "done", 800).state, RunState::kResumable);

  fabricate_run(folder.path() / "midway", "arq", "minatar/breakout-v1", 1, 400, {{0, 0}, {200, 1}},
                230);
  const RunStatus midway = inspect_run(folder / "midway");
  EXPECT_EQ(midway.state, RunState::kResumable);
  EXPECT_EQ(midway.checkpoint_step, 230);
  EXPECT_EQ(midway.last_eval_step, 200);

  fabricate_run(folder.path() / "early", "arq", "minatar/breakout-v1", 1, 400, {{0, 0}});
  EXPECT_EQ(inspect_run(folder / "early").state, RunState::kPartial);
}

TEST(RunState, IgnoresARowCutOffMidWrite) {
  TempFolder folder;
  fabricate_run(folder.path() / "run", "arq", "minatar/breakout-v1", 1, 400, {{0, 0}, {200, 1}},
                200);
  // The trainer died while writing the final row: no newline, so the row does not count.
  std::ofstream(folder.path() / "run" / "eval.csv", std::ios::app) << "400,3.5,0,0";
  EXPECT_EQ(inspect_run(folder / "run").state, RunState::kResumable);
  std::ofstream(folder.path() / "run" / "eval.csv", std::ios::app) << ",0,10\n";
  EXPECT_EQ(inspect_run(folder / "run").state, RunState::kComplete);
}

}  // namespace
}  // namespace arq::sweep
