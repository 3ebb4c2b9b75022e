#pragma once
// Line-oriented text files, plain or gzip (chosen by a ".gz" suffix), and atomic whole-file
// writes (temporary file in the same folder, fsync, rename) so a crash never leaves half a file.
#include <memory>
#include <string>
#include <vector>

namespace arq {

// Reads every line of a plain or gzip-compressed text file (gzip is detected from the content).
std::vector<std::string> read_lines(const std::string& path);

// Reads a whole file as bytes.
std::string read_file(const std::string& path);

// Writes `contents` to `path` atomically: readers see the old file or the new one, never a part.
void write_file_atomic(const std::string& path, const std::string& contents);

// A streaming text writer; "-" is standard output, a ".gz" suffix compresses.
class TextWriter {
 public:
  explicit TextWriter(const std::string& path);
  ~TextWriter();
  TextWriter(const TextWriter&) = delete;
  TextWriter& operator=(const TextWriter&) = delete;

  void write(const std::string& text);
  void close();  // flushes; throws arq::Error if anything failed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arq
