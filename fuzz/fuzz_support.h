#pragma once
// Shared by the fuzz targets (one parser each, *_fuzz.cc). A target feeds its input to the parser
// the way arq does and returns normally when the parser refuses it with arq::Error: that is the
// documented answer to bad input. Anything else escapes and is a finding: another exception type
// (std::terminate), a crash, a sanitizer report, a broken invariant (std::abort).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "arq/core/error.h"

namespace arq::fuzz {

// A folder of this process's own under the system's temporary folder (TMPDIR), for parsers that
// read paths; removed when the process exits normally.
inline const std::filesystem::path& scratch_dir() {
  struct Scratch {
    std::filesystem::path path;
    Scratch() {
      path = std::filesystem::temp_directory_path() /
             ("arq-fuzz-" + std::to_string(static_cast<long long>(getpid())));
      std::filesystem::create_directories(path);
    }
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Scratch scratch;
  return scratch.path;
}

// Writes a new file each time: truncating the old one instead makes ext4 flush it to disk on
// close (auto_da_alloc), which would cost milliseconds per input.
inline void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  ::unlink(path.c_str());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write '%s'\n", path.c_str());
    std::abort();
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`; arq::Error (the parser's refusal, naming the problem) is a normal outcome.
// With ARQ_FUZZ_VERBOSE set, each input's outcome is printed (to see what a corpus exercises).
template <typename Parse>
void allow_user_errors(Parse&& parse) {
  static const bool verbose = std::getenv("ARQ_FUZZ_VERBOSE") != nullptr;
  try {
    parse();
    if (verbose) std::fprintf(stderr, "  accepted\n");
  } catch (const Error& error) {
    if (std::string_view(error.what()).empty()) {
      std::fprintf(stderr, "fuzz: an arq::Error without a message\n");
      std::abort();
    }
    if (verbose) std::fprintf(stderr, "  refused: %s\n", error.what());
  }
}

// A broken invariant: prints what and aborts, so libFuzzer saves the input.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

}  // namespace arq::fuzz
