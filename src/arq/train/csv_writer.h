#pragma once
// Append-only CSV with a fixed header. Rows are flushed as written so a crash loses at most the
// row being written; on resume the file is cut back to the rows before the checkpoint's step.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace arq {

class CsvWriter {
 public:
  // Opens `path` for appending; writes the header if the file is new or empty. If it exists with
  // another header, throws arq::Error naming the file.
  CsvWriter(const std::string& path, const std::vector<std::string>& columns);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void row(const std::vector<double>& values);
  const std::string& path() const { return path_; }

  // Drops every row whose first column (the step) is >= `step`: used when resuming so the file
  // matches the checkpoint exactly.
  static void truncate_from_step(const std::string& path, int64_t step);

 private:
  std::string path_;
  size_t columns_;
  FILE* file_ = nullptr;
};

// Shortest round-trip text of a double ("0.1", "12", "1e-08").
std::string format_number(double value);

}  // namespace arq
