#include "arq/core/printable.h"

#include <cstdint>
#include <cstdio>

namespace arq {
namespace {

void append_escaped(std::string& out, uint8_t byte) {
  if (byte == '\n') {
    out += "\\n";
    return;
  }
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02X", byte);
  out += buffer;
}

// The length of the well-formed UTF-8 sequence (2 to 4 bytes, no overlong forms, surrogates or
// C1 controls) starting at text[i], or 0.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ||
      (code >= 0x80 && code <= 0x9F)) {
    return 0;
  }
  return length;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<uint8_t>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      out.push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    const size_t length = byte >= 0x80 ? utf8_sequence_length(text, i) : 0;
    if (length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      append_escaped(out, byte);
      ++i;
    }
  }
  return out;
}

}  // namespace arq
