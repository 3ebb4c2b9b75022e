// `arq --version` names the commit the binary was built from, read at build time (not at the last
// CMake configure), so it is the checkout's current HEAD after any commit and rebuild.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>

#include "cli/arq_process.h"

namespace {

// The output of a shell command, or nullopt if it failed.
std::optional<std::string> command_output(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char buffer[256];
  size_t count;
  while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
  if (pclose(pipe) != 0) return std::nullopt;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

TEST(Version, NamesTheCurrentGitCommit) {
  const std::string git = "git -C '" + std::string(ARQ_SOURCE_DIR) + "' ";
  const auto toplevel = command_output(git + "rev-parse --show-toplevel");
  const auto head = command_output(git + "rev-parse --short=12 HEAD");
  if (!toplevel || !head) GTEST_SKIP() << "no git checkout here: the build records 'unknown'";
  const arq::test::CommandResult result = arq::test::run_arq("--version");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string expected = "commit " + *head;
  const auto at = result.output.find(expected);
  ASSERT_NE(at, std::string::npos)
      << "expected " << expected << " in: " << result.output << "(rebuild after committing)";
  const std::string rest = result.output.substr(at + expected.size());
  EXPECT_TRUE(rest.starts_with(",") || rest.starts_with("-dirty,")) << result.output;
}

}  // namespace
