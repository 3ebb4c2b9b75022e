#pragma once
// Runs the built `arq` binary as a user would, for the command-line tests.
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

// A path in the temporary folder, unique to this test process.
inline std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("arq_cli_test_" + std::to_string(getpid()) + "_" + name);
}

}  // namespace arq::test
