// End-to-end tests of `arq sweep` (the real binary) with a fake trainer and with tiny real runs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "arq/sweep/manifest.h"
#include "arq/sweep/mpi_sweep.h"
#include "arq/sweep/run_state.h"
#include "test_folder.h"

namespace arq::sweep {
namespace {

using testing::read_text;
using testing::TempFolder;
using testing::write_text;

const std::string kFakeTrainer = std::string(ARQ_TEST_DATA_DIR) + "/../sweep/fake_trainer.sh";

struct Invocation {
  pid_t pid;
  std::string run;
  int first_step;
};

std::vector<Invocation> invocations(const std::string& log) {
  std::vector<Invocation> result;
  std::istringstream in(read_text(log));
  Invocation i;
  while (in >> i.pid >> i.run >> i.first_step) result.push_back(i);
  return result;
}

// Runs a shell command; returns its exit code, output in *output.
int run_command(const std::string& command, std::string* output) {
  TempFolder scratch;
  const std::string out = scratch / "out.txt";
  const int status = std::system((command + " > " + out + " 2>&1").c_str());
  *output = read_text(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The sweep writes its manifest before starting any run.
Manifest read_manifest_when_ready(const std::string& path) {
  for (int poll = 0; poll < 400 && !std::filesystem::exists(path); ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return read_manifest(path);
}

bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || stat.size() < close + 3 || stat[close + 2] != 'Z';
}

std::string sweep_file(const TempFolder& folder, int total_steps, const std::string& extra = "") {
  const std::string path = folder / "sweep.toml";
  write_text(path,
             "name = \"tiny\"\nout = \"" + (folder / "out") + "\"\ntrainer = \"bash " +
                 kFakeTrainer + "\"\ntotal_steps = " + std::to_string(total_steps) +
                 "\nseeds = [1, 2]\nenvs = [\"minatar/breakout-v1\", \"minatar/asterix-v1\"]\n"
                 "[[method]]\nname = \"fake\"\n" +
                 extra);
  return path;
}

TEST(SweepRun, KilledMidwayThenRerunFinishesOnlyWhatIsMissing) {
  TempFolder folder;
  const std::string log = folder / "invocations.txt";
  const std::string sweep = sweep_file(folder, 400);
  const std::string environment = "FAKE_TRAINER_LOG=" + log + " FAKE_TRAINER_PAUSE=0.4 ";
  const std::string command = environment + "exec " + std::string(ARQ_BINARY) + " sweep " + sweep +
                              " --workers 2 > " + (folder / "first.txt") + " 2>&1";

  const pid_t sweep_pid = ::fork();
  ASSERT_GE(sweep_pid, 0);
  if (sweep_pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill the sweep (hard, as a lost terminal or an OOM kill would) once one run is complete and
  // another is between checkpoints.
  const Manifest expected = read_manifest_when_ready(folder / "out/manifest.tsv");
  bool killed = false;
  for (int poll = 0; poll < 600 && !killed; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    size_t complete = 0, midway = 0;
    for (const auto& entry : expected.entries) {
      const RunStatus status = inspect_run(expected.run_dir(entry), entry.total_steps);
      complete += status.state == RunState::kComplete;
      midway += status.state == RunState::kResumable;
    }
    if (complete >= 1 && midway >= 1) {
      ::kill(sweep_pid, SIGKILL);
      killed = true;
    }
  }
  int status = 0;
  ::waitpid(sweep_pid, &status, 0);
  ASSERT_TRUE(killed) << read_text(folder / "first.txt");
  // The runs it had started get SIGTERM from the kernel when their parent dies; wait for them.
  for (const auto& i : invocations(log)) {
    for (int poll = 0; poll < 400 && process_alive(i.pid); ++poll) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_FALSE(process_alive(i.pid)) << "run " << i.run << " outlived the killed sweep";
  }

  std::map<std::string, RunStatus> before;
  for (const auto& entry : expected.entries) {
    before[entry.id] = inspect_run(expected.run_dir(entry), entry.total_steps);
  }
  const size_t first_invocations = invocations(log).size();

  std::string output;
  ASSERT_EQ(run_command("FAKE_TRAINER_LOG=" + log + " FAKE_TRAINER_PAUSE=0.01 " + ARQ_BINARY +
                            " sweep " + sweep + " --workers 2",
                        &output),
            0)
      << output;
  const auto all = invocations(log);
  std::map<std::string, int> restarted_at;
  for (size_t i = first_invocations; i < all.size(); ++i)
    restarted_at[all[i].run] = all[i].first_step;
  size_t complete_before = 0;
  for (const auto& entry : expected.entries) {
    EXPECT_EQ(inspect_run(expected.run_dir(entry), entry.total_steps).state, RunState::kComplete)
        << entry.id;
    const RunStatus& old = before[entry.id];
    if (old.state == RunState::kComplete) {
      ++complete_before;
      EXPECT_EQ(restarted_at.count(entry.id), 0u) << entry.id << " was complete but ran again";
    } else {
      ASSERT_EQ(restarted_at.count(entry.id), 1u) << entry.id << " was not finished";
      EXPECT_EQ(restarted_at[entry.id], old.state == RunState::kResumable ? old.checkpoint_step : 0)
          << entry.id << " did not resume from its checkpoint";
    }
  }
  EXPECT_GE(complete_before, 1u);
  EXPECT_NE(output.find(std::to_string(complete_before) + " already complete"), std::string::npos)
      << output;

  // A third run has nothing left to do.
  ASSERT_EQ(run_command("FAKE_TRAINER_LOG=" + log + " " + ARQ_BINARY + " sweep " + sweep, &output),
            0);
  EXPECT_EQ(invocations(log).size(), all.size());
  EXPECT_NE(output.find("4 runs: 4 already complete, 0 succeeded, 0 failed"), std::string::npos)
      << output;
}

TEST(SweepRun, AFailingRunIsReportedWithItsLogAndTheOthersFinish) {
  TempFolder folder;
  const std::string sweep =
      sweep_file(folder, 200, "[[method]]\nname = \"crashy\"\nset = [\"fake.fail=true\"]\n");
  std::string output;
  const int code =
      run_command(std::string(ARQ_BINARY) + " sweep " + sweep + " --workers 2 --seeds 1", &output);
  EXPECT_NE(code, 0);
  EXPECT_NE(output.find("4 runs: 0 already complete, 2 succeeded, 2 failed"), std::string::npos)
      << output;
  const std::string log = folder / "out/logs/crashy__minatar-breakout-v1__s1.log";
  EXPECT_NE(output.find("crashy__minatar-breakout-v1__s1: FAILED with exit code 3; log: " + log),
            std::string::npos)
      << output;
  EXPECT_NE(read_text(log).find("simulated crash"), std::string::npos);
  EXPECT_EQ(inspect_run(folder / "out/runs/fake__minatar-asterix-v1__s1").state,
            RunState::kComplete);
}

TEST(SweepRun, DryRunAndSingleTask) {
  TempFolder folder;
  const std::string sweep = sweep_file(folder, 200);
  std::string output;
  ASSERT_EQ(run_command(std::string(ARQ_BINARY) + " sweep " + sweep + " --dry-run", &output), 0)
      << output;
  EXPECT_NE(output.find("0 of 4 runs complete"), std::string::npos) << output;
  // Task 2 of the manifest, as Slurm array task 2 would run it.
  ASSERT_EQ(
      run_command(std::string(ARQ_BINARY) + " sweep " + (folder / "out/manifest.tsv") + " --task 2",
                  &output),
      0)
      << output;
  const Manifest manifest = read_manifest(folder / "out/manifest.tsv");
  for (size_t i = 0; i < manifest.entries.size(); ++i) {
    EXPECT_EQ(inspect_run(manifest.run_dir(manifest.entries[i])).state == RunState::kComplete,
              i == 2);
  }
  EXPECT_NE(
      run_command(std::string(ARQ_BINARY) + " sweep " + (folder / "out/manifest.tsv") + " --task 9",
                  &output),
      0);
  EXPECT_NE(output.find("only 4 runs"), std::string::npos) << output;
}

TEST(SweepRun, SlurmScriptIsValidBashAndRunsManifestTasks) {
  TempFolder folder;
  const std::string sweep =
      sweep_file(folder, 200, "[slurm]\ntime = \"02:00:00\"\nmax_parallel = 3\n");
  const std::string script = folder / "tiny.sh";
  std::string output;
  ASSERT_EQ(
      run_command(std::string(ARQ_BINARY) + " sweep " + sweep + " --slurm " + script, &output), 0)
      << output;
  const std::string text = read_text(script);
  EXPECT_NE(text.find("#SBATCH --array=0-3%3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#SBATCH --time=02:00:00\n"), std::string::npos);
  EXPECT_NE(text.find(" sweep " + (folder / "out/manifest.tsv") + " --task \"$task\""),
            std::string::npos);
  ASSERT_EQ(run_command("bash -n " + script, &output), 0) << output;
  // Without Slurm's variable the script refuses to run.
  EXPECT_NE(run_command("env -u SLURM_ARRAY_TASK_ID bash " + script, &output), 0);
  // As array task 1 it runs manifest task 1.
  ASSERT_EQ(run_command("SLURM_ARRAY_TASK_ID=1 bash " + script, &output), 0) << output;
  const Manifest manifest = read_manifest(folder / "out/manifest.tsv");
  EXPECT_EQ(inspect_run(manifest.run_dir(manifest.entries[1])).state, RunState::kComplete);
  EXPECT_EQ(inspect_run(manifest.run_dir(manifest.entries[0])).state, RunState::kNotStarted);
}

TEST(SweepRun, MpiRanksShareTheManifest) {
  if (!mpi_available()) {
    GTEST_SKIP()
        << "arq was built without MPI (install libopenmpi-dev openmpi-bin and reconfigure)";
  }
  std::string output;
  if (run_command("command -v mpirun", &output) != 0) GTEST_SKIP() << "mpirun is not installed";
  TempFolder folder;
  const std::string log = folder / "invocations.txt";
  const std::string sweep = sweep_file(folder, 200);
  ASSERT_EQ(
      run_command(
          "FAKE_TRAINER_LOG=" + log +
              " OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
              // OpenMPI itself leaks at exit; LeakSanitizer would fail sanitizer builds for it.
              " ASAN_OPTIONS=detect_leaks=0 mpirun --oversubscribe"
              " -n 2 " +
              ARQ_BINARY + " sweep " + sweep + " --mpi",
          &output),
      0)
      << output;
  EXPECT_NE(output.find("4 runs: 0 already complete, 4 succeeded, 0 failed"), std::string::npos)
      << output;
  EXPECT_EQ(invocations(log).size(), 4u);  // each run exactly once
  EXPECT_NE(output.find("[rank 1] start"), std::string::npos) << output;
}

TEST(SweepRun, MpiFlagExplainsItselfWhenNotBuilt) {
  if (mpi_available()) GTEST_SKIP() << "this build has MPI; the message is for builds without it";
  TempFolder folder;
  std::string output;
  EXPECT_NE(run_command(std::string(ARQ_BINARY) + " sweep " + sweep_file(folder, 200) + " --mpi",
                        &output),
            0);
  EXPECT_NE(output.find("built without MPI"), std::string::npos) << output;
}

TEST(SweepRun, RealTrainingRunsSurviveAKillAndFinish) {
  std::string output;
  if (run_command(std::string(ARQ_BINARY) + " train --help", &output) != 0) {
    GTEST_SKIP() << "this arq has no train command yet";
  }
  TempFolder folder;
  const std::string preset = std::string(ARQ_TEST_DATA_DIR) + "/../../configs/arq-minatar-cpu.toml";
  const std::string sweep = folder / "real.toml";
  write_text(
      sweep,
      "out = \"" + (folder / "out") +
          "\"\ntotal_steps = 3000\nseeds = [1, 2]\n"
          "envs = [\"minatar/breakout-v1\", \"minatar/freeway-v1\"]\n"
          "set = [\"run.learning_starts=200\", \"run.eval_frequency=1000\", "
          "\"run.eval_episodes=1\","
          " \"run.eval_max_steps=300\", \"run.checkpoint_frequency=250\", \"replay.capacity=2000\","
          " \"replay.batch_size=8\", \"local.widths=8,8,8\", \"local.heads=2\"]\n"
          "[[method]]\nname = \"ARQ\"\nconfig = \"" +
          preset + "\"\n");
  const std::string command = std::string(ARQ_BINARY) + " sweep " + sweep + " --workers 2";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string quiet = command + " > /dev/null 2>&1";
    ::execl("/bin/sh", "sh", "-c", ("exec " + quiet).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const Manifest manifest = read_manifest_when_ready(folder / "out/manifest.tsv");
  bool killed = false;
  for (int poll = 0; poll < 2000 && !killed; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (const auto& entry : manifest.entries) {
      if (inspect_run(manifest.run_dir(entry), entry.total_steps).state == RunState::kResumable) {
        ::kill(pid, SIGTERM);  // a polite stop, as Ctrl-C or Slurm's time limit gives
        killed = true;
        break;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_EQ(run_command(command, &output), 0) << output;
  for (const auto& entry : manifest.entries) {
    EXPECT_EQ(inspect_run(manifest.run_dir(entry), entry.total_steps).state, RunState::kComplete)
        << entry.id;
  }
}

}  // namespace
}  // namespace arq::sweep
