// `arq render` end to end: clear errors for bad input, and GIFs that decode to one frame per
// environment step (plus the reset frame) for random and checkpoint policies.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "arq/core/text_io.h"
#include "cli/arq_process.h"
#include "render/gif_decoder.h"

namespace {

namespace fs = std::filesystem;
using arq::render::testing::decode_gif;

using arq::test::run_arq;
using arq::test::temp_path;

void expect_clear_error(const std::string& arguments, const std::string& must_mention) {
  const auto result = run_arq(arguments);
  EXPECT_NE(result.exit_code, 0) << arguments;
  EXPECT_NE(result.output.find(must_mention), std::string::npos)
      << arguments << "\noutput: " << result.output;
  EXPECT_NE(result.output.find("error"), std::string::npos) << result.output;
}

// Episode lengths from the "episode N: return R, length L" lines. (Parsed by hand: GCC 12 with
// the sanitizers reports false maybe-uninitialized warnings inside libstdc++'s <regex>.)
std::vector<int> episode_lengths(const std::string& output) {
  std::vector<int> lengths;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("episode ");
    int episode = 0, length = 0;
    double episode_return = 0.0;
    if (at != std::string::npos &&
        std::sscanf(line.c_str() + at, "episode %d: return %lf, length %d", &episode,
                    &episode_return, &length) == 3) {
      lengths.push_back(length);
    }
  }
  return lengths;
}

TEST(RenderCli, RejectsBadInputClearly) {
  const std::string out = temp_path("bad.gif").string();
  expect_clear_error("render --out " + out, "--checkpoint");
  expect_clear_error("render --policy uniform --out " + out, "--env");
  expect_clear_error("render --policy sometimes --env minatar/breakout-v1 --out " + out,
                     "sometimes");
  expect_clear_error("render --policy uniform --env minatar/breakout-v1 --out frames.png",
                     "frames.png");
  expect_clear_error("render --policy uniform --env minatar/pong-v1 --out " + out,
                     "minatar/pong-v1");
  expect_clear_error("render --policy uniform --env minatar/breakout-v1 --scale 0 --out " + out,
                     "scale");
  expect_clear_error("render --policy uniform --env minatar/breakout-v1 --episodes 0 --out " + out,
                     "--episodes");
  expect_clear_error("render --checkpoint /nonexistent/run --out " + out, "/nonexistent/run");
  expect_clear_error("render --policy uniform --env minatar/breakout-v1 --out /nonexistent/x.gif",
                     "/nonexistent/x.gif");
  EXPECT_FALSE(fs::exists(out));
}

TEST(RenderCli, UniformMinAtarEpisodesBecomeFrames) {
  const fs::path out = temp_path("uniform.gif");
  const std::string command =
      "render --policy uniform --env minatar/breakout-v1 --episodes 2 "
      "--max-steps 40 --scale 2 --seed 3 --out " +
      out.string();
  const auto result = run_arq(command);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<int> lengths = episode_lengths(result.output);
  ASSERT_EQ(lengths.size(), 2u) << result.output;
  const std::string bytes = arq::read_file(out.string());
  const auto gif = decode_gif(bytes);
  EXPECT_EQ(gif.width, 20);
  EXPECT_EQ(gif.height, 20);
  EXPECT_EQ(gif.loop_count, 0);
  EXPECT_EQ(gif.palette[0], (arq::render::Rgb{0, 0, 0}));
  // Each episode: its reset frame and one frame per step.
  ASSERT_EQ(gif.frames.size(), static_cast<size_t>(lengths[0] + lengths[1] + 2));
  // Breakout starts with three rows of bricks (the brick colour, index 4) below an empty row.
  const auto& first = gif.frames[0];
  EXPECT_EQ(first[0], 0);
  EXPECT_EQ(first[2 * 20 + 5], 4);
  EXPECT_EQ(first[6 * 20 + 5], 4);
  // Same seed, same file.
  ASSERT_EQ(run_arq(command).exit_code, 0);
  EXPECT_EQ(arq::read_file(out.string()), bytes);
  fs::remove(out);
}

TEST(RenderCli, CheckpointPolicyPlaysItsOwnEnvironment) {
  const fs::path run_dir = temp_path("run");
  const auto trained = run_arq(
      "train --env minatar/breakout-v1 --total-steps 200 --set run.learning_starts=100 "
      "--set run.eval_episodes=1 --set run.eval_max_steps=50 --set replay.capacity=1000 "
      "--set local.widths=[16,16] --quiet --run-dir " +
      run_dir.string());
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const fs::path out = temp_path("greedy.gif");
  const auto result = run_arq("render --checkpoint " + (run_dir / "checkpoints").string() +
                              " --max-steps 30 --scale 1 --seed 2 --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("at step 200"), std::string::npos) << result.output;
  const std::vector<int> lengths = episode_lengths(result.output);
  ASSERT_EQ(lengths.size(), 1u) << result.output;
  const auto gif = decode_gif(arq::read_file(out.string()));
  EXPECT_EQ(gif.width, 10);
  EXPECT_EQ(gif.frames.size(), static_cast<size_t>(lengths[0] + 1));
  expect_clear_error(
      "render --checkpoint " + run_dir.string() + " --env minatar/asterix-v1 --out " + out.string(),
      "minatar/breakout-v1");
  expect_clear_error("render --policy uniform --checkpoint " + run_dir.string() +
                         " --env minatar/breakout-v1 --out " + out.string(),
                     "--checkpoint");
  fs::remove(out);
  fs::remove_all(run_dir);
}

TEST(RenderCli, UniformDmcWalker) {
  const fs::path out = temp_path("walker.gif");
  const auto result = run_arq(
      "render --policy uniform --env dmc/walker-walk --max-steps 6 "
      "--size 48 --seed 1 --out " +
      out.string());
  if (result.exit_code != 0 && result.output.find("offscreen rendering") != std::string::npos) {
    GTEST_SKIP() << "no headless OpenGL context on this machine: " << result.output;
  }
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto gif = decode_gif(arq::read_file(out.string()));
  EXPECT_EQ(gif.width, 48);
  EXPECT_EQ(gif.frames.size(), 7u);
  EXPECT_NE(gif.frames[0], gif.frames[6]) << "the walker falls and moves";
  expect_clear_error(
      "render --policy uniform --env dmc/walker-walk --camera nose --out " + out.string(), "nose");
  fs::remove(out);
}

}  // namespace
