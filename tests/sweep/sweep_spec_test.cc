#include "arq/sweep/sweep_spec.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"
#include "arq/sweep/manifest.h"
#include "test_folder.h"

namespace arq::sweep {
namespace {

using testing::TempFolder;
using testing::write_text;

constexpr const char* kSweep = R"(
name = "demo"
total_steps = 2000
seeds = [1, 2]
envs = ["minatar/breakout-v1", "minatar/space_invaders-v1"]
set = ["run.eval_frequency=500"]

[[method]]
name = "ARQ"
config = "presets/arq.toml"

[[method]]
name = "ARQ w/o AC"
config = "presets/arq.toml"
set = ["local.action_conditioning=false"]

[[method]]
name = "AD"
agent = "ad"
)";

class SweepSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_text(folder_.path() / "presets" / "arq.toml", "[run]\nagent = \"arq\"\n");
  }
  TempFolder folder_;
};

TEST_F(SweepSpecTest, ParsesMethodsEnvsSeedsAndResolvesPresetsAgainstTheFile) {
  write_text(folder_.path() / "demo.toml", kSweep);
  const SweepSpec spec = load_sweep_file(folder_ / "demo.toml");
  EXPECT_EQ(spec.name, "demo");
  EXPECT_EQ(spec.out_dir, "results/sweeps/demo");
  ASSERT_EQ(spec.methods.size(), 3u);
  EXPECT_EQ(spec.methods[1].name, "ARQ w/o AC");
  EXPECT_EQ(spec.methods[1].slug, "ARQ-w-o-AC");
  EXPECT_EQ(spec.methods[0].config, (folder_.path() / "presets" / "arq.toml").string());
  EXPECT_EQ(spec.methods[2].overrides, std::vector<std::string>{"run.agent=ad"});
  EXPECT_EQ(spec.seeds, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(*spec.total_steps, 2000);
}

TEST_F(SweepSpecTest, ExpandsToEveryCombinationSeedsOutermost) {
  write_text(folder_.path() / "demo.toml", kSweep);
  ExpandOptions options;
  options.out_dir = folder_ / "out";
  options.default_trainer = "/opt/arq train";
  const Manifest manifest = expand_sweep(load_sweep_file(folder_ / "demo.toml"), options);
  ASSERT_EQ(manifest.entries.size(), 2u * 2u * 3u);
  EXPECT_EQ(manifest.entries[0].id, "ARQ__minatar-breakout-v1__s1");
  EXPECT_EQ(manifest.entries[1].id, "ARQ-w-o-AC__minatar-breakout-v1__s1");
  EXPECT_EQ(manifest.entries[3].env, "minatar/space_invaders-v1");
  EXPECT_EQ(manifest.entries[6].seed, 2);
  const ManifestEntry& no_ac = manifest.entries[1];
  EXPECT_EQ(no_ac.method, "ARQ w/o AC");
  EXPECT_EQ(*no_ac.total_steps, 2000);
  EXPECT_EQ(
      no_ac.command,
      "/opt/arq train --config " + (folder_.path() / "presets" / "arq.toml").string() +
          " --env minatar/breakout-v1 --seed 1 --total-steps 2000 --set run.eval_frequency=500"
          " --set local.action_conditioning=false --run-dir " +
          manifest.run_dir(no_ac) + " --resume --quiet");
  EXPECT_EQ(manifest.run_dir(no_ac), (folder_.path() / "out" / "runs" / no_ac.id).string());
}

TEST_F(SweepSpecTest, GridAxesMultiplyTheRunsAndLabelTheMethod) {
  write_text(folder_.path() / "grid.toml", R"(
seeds = { first = 3, count = 2 }
envs = ["minatar/breakout-v1"]
[[method]]
name = "ARQ"
[grid]
"local.goodness" = ["std", "rms", "msq"]
"local.widths" = [[8, 8], [16, 16]]
)");
  ExpandOptions options;
  options.default_trainer = "arq train";
  options.seeds = {5};
  options.overrides = {"run.total_steps=1e4"};
  const Manifest manifest = expand_sweep(load_sweep_file(folder_ / "grid.toml"), options);
  ASSERT_EQ(manifest.entries.size(), 6u);
  EXPECT_EQ(manifest.entries[0].id, "ARQ__minatar-breakout-v1__goodness=std__widths=8-8__s5");
  EXPECT_EQ(manifest.entries[0].method, "ARQ [goodness=std, widths=8,8]");
  EXPECT_NE(manifest.entries[0].command.find("--set local.widths=8,8 --set run.total_steps=1e4"),
            std::string::npos);
  EXPECT_EQ(*manifest.entries[5].total_steps, 10000);  // from the --set override
}

// Ten axes of ten values are 10^10 runs from a few lines: refused with the count, not expanded.
TEST_F(SweepSpecTest, AGridTooLargeToExpandIsRefusedWithItsSize) {
  std::string text =
      "seeds = [1]\nenvs = [\"minatar/breakout-v1\"]\n[[method]]\nname = \"A\"\n[grid]\n";
  for (int axis = 0; axis < 10; ++axis) {
    text += "\"key" + std::to_string(axis) + "\" = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  }
  write_text(folder_.path() / "huge.toml", text);
  ExpandOptions options;
  options.default_trainer = "arq train";
  try {
    expand_sweep(load_sweep_file(folder_ / "huge.toml"), options);
    FAIL() << "a sweep of 10^10 runs was expanded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("10000000000 runs, more than the 100000"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(SweepSpecTest, ExtendsMergesAndAppendsSet) {
  write_text(folder_.path() / "demo.toml", kSweep);
  write_text(folder_.path() / "cpu" / "small.toml", R"(
extends = "../demo.toml"
name = "demo-cpu"
total_steps = 100
seeds = [7]
set = ["replay.capacity=1000"]
[slurm]
time = "01:00:00"
)");
  const SweepSpec spec = load_sweep_file(folder_ / "cpu/small.toml");
  EXPECT_EQ(spec.name, "demo-cpu");
  EXPECT_EQ(*spec.total_steps, 100);
  EXPECT_EQ(spec.seeds, std::vector<int64_t>{7});
  EXPECT_EQ(spec.overrides,
            (std::vector<std::string>{"run.eval_frequency=500", "replay.capacity=1000"}));
  EXPECT_EQ(spec.methods.size(), 3u);  // inherited, presets still relative to the parent file
  EXPECT_EQ(spec.methods[0].config, (folder_.path() / "presets" / "arq.toml").string());
  EXPECT_EQ(spec.slurm.time, "01:00:00");
  EXPECT_EQ(spec.slurm.memory, "8G");
}

TEST_F(SweepSpecTest, BadFilesAreRejectedWithTheKeyNamed) {
  auto error_of = [&](const std::string& text) {
    write_text(folder_.path() / "bad.toml", text);
    try {
      load_sweep_file(folder_ / "bad.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string base = "seeds = [1]\nenvs = [\"minatar/breakout-v1\"]\n";
  EXPECT_NE(error_of(base + "[[method]]\nname = \"A\"\nconfig = \"missing.toml\"\n")
                .find("no such preset"),
            std::string::npos);
  EXPECT_NE(error_of(base + "seedz = [2]\n[[method]]\nname = \"A\"\n").find("'seedz': unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(base).find("[[method]]"), std::string::npos);
  EXPECT_NE(error_of("envs = [\"x\"]\n[[method]]\nname = \"A\"\n").find("'seeds'"),
            std::string::npos);
  EXPECT_NE(error_of("seeds = [1, 1]\nenvs = [\"x\"]\n[[method]]\nname = \"A\"\n").find("twice"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[[method]]\nname = \"A\"\nset = [\"nokey\"]\n").find("key=value"),
            std::string::npos);
  EXPECT_NE(
      error_of(base + "[[method]]\nname = \"A b\"\n[[method]]\nname = \"A-b\"\n").find("share"),
      std::string::npos);
  EXPECT_NE(error_of("extends = \"bad.toml\"\n").find("cycle"), std::string::npos);
  EXPECT_NE(error_of("seeds = [1\n").find("line"), std::string::npos);
  // A seed range is bounded before its list is built (fuzzing found a count of 10^15 that
  // allocated until the process ran out of memory), and its last seed must not overflow.
  const std::string rest = "envs = [\"x\"]\n[[method]]\nname = \"A\"\n";
  EXPECT_NE(error_of("seeds = { first = 1, count = 1033333333333333 }\n" + rest)
                .find("'seeds.count': must be in [1, 10000], got 1033333333333333"),
            std::string::npos);
  EXPECT_NE(error_of("seeds = { first = 1, count = 0 }\n" + rest).find("'seeds.count'"),
            std::string::npos);
  EXPECT_NE(
      error_of("seeds = { first = 9223372036854775807, count = 2 }\n" + rest).find("'seeds.first'"),
      std::string::npos);
  EXPECT_NE(error_of("seeds = { first = -1, count = 2 }\n" + rest).find("seeds must be >= 0"),
            std::string::npos);
}

// A method with its own `envs` runs on those instead of the sweep's: SAC on the plain DMC tasks
// next to Q-learners on their ":bangbang" forms.
TEST_F(SweepSpecTest, AMethodsOwnEnvsReplaceTheSweepsForThatMethod) {
  write_text(folder_.path() / "own.toml", R"(
seeds = [1, 2]
envs = ["dmc/walker-walk:bangbang", "dmc/cheetah-run:bangbang"]
[[method]]
name = "ARQ"
[[method]]
name = "SAC"
agent = "sac"
envs = ["dmc/walker-walk", "dmc/cheetah-run", "dmc/walker-walk:bangbang"]
)");
  const SweepSpec spec = load_sweep_file(folder_ / "own.toml");
  EXPECT_TRUE(spec.methods[0].envs.empty());
  EXPECT_EQ(method_envs(spec, spec.methods[0]), spec.envs);
  EXPECT_EQ(method_envs(spec, spec.methods[1]).size(), 3u);
  EXPECT_EQ(all_envs(spec),
            (std::vector<std::string>{"dmc/walker-walk:bangbang", "dmc/cheetah-run:bangbang",
                                      "dmc/walker-walk", "dmc/cheetah-run"}));

  ExpandOptions options;
  options.default_trainer = "arq train";
  options.out_dir = folder_ / "out";
  const Manifest manifest = expand_sweep(spec, options);
  std::vector<std::string> ids;
  for (const auto& entry : manifest.entries) ids.push_back(entry.id);
  // Seeds outermost, then every environment once, then the methods that run on it.
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "ARQ__dmc-walker-walk-bangbang__s1", "SAC__dmc-walker-walk-bangbang__s1",
                     "ARQ__dmc-cheetah-run-bangbang__s1", "SAC__dmc-walker-walk__s1",
                     "SAC__dmc-cheetah-run__s1", "ARQ__dmc-walker-walk-bangbang__s2",
                     "SAC__dmc-walker-walk-bangbang__s2", "ARQ__dmc-cheetah-run-bangbang__s2",
                     "SAC__dmc-walker-walk__s2", "SAC__dmc-cheetah-run__s2"}));
  const ManifestEntry& sac = manifest.entries[3];
  EXPECT_EQ(sac.env, "dmc/walker-walk");
  EXPECT_EQ(sac.method, "SAC");
  EXPECT_NE(sac.command.find(" --env dmc/walker-walk --seed 1 "), std::string::npos) << sac.command;

  // Without sweep-wide envs every method must name its own.
  const std::string methods_only = "seeds = [1]\n[[method]]\nname = \"A\"\nenvs = [\"x\"]\n";
  write_text(folder_.path() / "only.toml", methods_only);
  EXPECT_EQ(expand_sweep(load_sweep_file(folder_ / "only.toml"), options).entries.size(), 1u);
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {methods_only + "[[method]]\nname = \"B\"\n", "method 'B' has no envs of its own"},
           {"seeds = [1]\n[[method]]\nname = \"A\"\nenvs = []\n", "method[0].envs"},
           {"seeds = [1]\n[[method]]\nname = \"A\"\nenvs = \"x\"\n", "method[0].envs"}}) {
    write_text(folder_.path() / "bad.toml", text);
    try {
      load_sweep_file(folder_ / "bad.toml");
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST(Manifest, RoundTripsThroughTheFile) {
  TempFolder folder;
  Manifest manifest;
  manifest.root = folder / "sweep";
  manifest.entries.push_back(
      {"A__env__s1", "A [x=1]", "minatar/breakout-v1", 1, 500, "arq train --seed 1"});
  manifest.entries.push_back(
      {"B__env__s2", "B", "dmc/walker-walk", 2, std::nullopt, "arq train --set 'a=b c'"});
  write_manifest(manifest);
  const Manifest read = read_manifest(manifest.manifest_path());
  EXPECT_EQ(read.root, manifest.root);
  ASSERT_EQ(read.entries.size(), 2u);
  EXPECT_EQ(read.entries[0].method, "A [x=1]");
  EXPECT_EQ(*read.entries[0].total_steps, 500);
  EXPECT_FALSE(read.entries[1].total_steps.has_value());
  EXPECT_EQ(read.entries[1].command, "arq train --set 'a=b c'");
  testing::write_text(folder.path() / "broken.tsv",
                      "id\tmethod\tenv\tseed\ttotal_steps\tcommand\nA\tB\n");
  EXPECT_THROW(read_manifest(folder / "broken.tsv"), Error);
}

TEST(ShellQuote, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_quote("local.widths=8,8"), "local.widths=8,8");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(parse_step_count("1_000_000", "x"), 1000000);
  EXPECT_EQ(parse_step_count("4e6", "x"), 4000000);
  EXPECT_THROW(parse_step_count("1.5", "x"), Error);
}

}  // namespace
}  // namespace arq::sweep
