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

// Training produced a non-finite value (or a loss past run.max_td_loss): the run stops without
// writing a checkpoint, so its last good checkpoint stays. The message names the step, the
// network or layer and the tensor. The CLI exits with its own code (4).
class DivergenceError : public Error {
 public:
  using Error::Error;
};

}  // namespace arq
