#pragma once
// The one exception type arq throws for bad input: its message names the offending
// file/flag/value and what was expected, and the CLI prints it as one line.
#include <stdexcept>
#include <string>

namespace arq {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace arq
