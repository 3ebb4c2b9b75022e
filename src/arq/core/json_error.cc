#include "arq/core/json_error.h"

namespace arq {

std::string json_error_text(const std::exception& error) {
  std::string text = error.what();
  if (text.starts_with("[json.exception.")) {
    const auto end = text.find("] ");
    if (end != std::string::npos) text = text.substr(end + 2);
  }
  return text;
}

}  // namespace arq
