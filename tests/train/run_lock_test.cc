// One trainer per run folder: a second one fails with an error naming the folder, and the lock
// goes with the process that held it.
#include "arq/train/run_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "arq/core/error.h"
#include "arq/train/train_config.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

TEST(RunLock, ASecondTrainerOnTheSameFolderFailsClearly) {
  const fs::path dir = test::fresh_run_dir("run_lock");
  fs::create_directories(dir);
  Config c = make_train_config();
  for (const char* line :
       {"run.agent=dqn", "run.total_steps=300", "run.learning_starts=100", "replay.capacity=300",
        "replay.batch_size=4", "dqn.hidden=8", "dqn.conv_channels=2", "run.eval_episodes=1"}) {
    c.apply_override(line);
  }
  {
    const RunLock held(dir.string());  // as a running trainer holds it
    try {
      test::train_quietly(c, dir);
      FAIL() << "a second trainer ran";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("in use by another arq train process"),
                std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
    // Another process cannot take it either (flock locks belong to the open file).
    const pid_t child = ::fork();
    if (child == 0) {
      try {
        const RunLock again(dir.string());
        ::_exit(0);
      } catch (const Error&) {
        ::_exit(7);
      }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
  }
  EXPECT_TRUE(test::train_quietly(c, dir).finished);  // released with its holder
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
