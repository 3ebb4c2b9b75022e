#pragma once
// Runs the built `arq` binary as a user would, for the command-line tests.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace arq::test {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// `command` through the shell.
inline CommandResult run_shell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer;
  size_t count;
  while ((count = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), count);
  }
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// `arq <arguments>` through the shell; arguments are passed as written.
inline CommandResult run_arq(const std::string& arguments) {
  return run_shell(std::string(ARQ_BINARY) + " " + arguments);
}

// Expects `arq <arguments>` to fail with an error that mentions `must_mention`.
inline void expect_clear_error(const std::string& arguments, const std::string& must_mention) {
  const CommandResult result = run_arq(arguments);
  EXPECT_NE(result.exit_code, 0) << arguments;
  EXPECT_NE(result.output.find(must_mention), std::string::npos)
      << arguments << "\noutput: " << result.output;
  EXPECT_NE(result.output.find("error"), std::string::npos) << result.output;
}

// A path in the temporary folder, unique to this test process.
inline std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("arq_cli_test_" + std::to_string(getpid()) + "_" + name);
}

}  // namespace arq::test
