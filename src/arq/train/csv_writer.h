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

  // Drops every row whose first column (the step) is >= `step`.
  static void truncate_from_step(const std::string& path, int64_t step);

  // Resuming from a checkpoint at `steps_done` keeps the first `bytes_at_checkpoint` bytes of
  // the log (its size when the checkpoint was written; -1 for checkpoints of older arq versions,
  // which recorded none: then the rows up to steps_done). plan() changes nothing and throws
  // arq::Error naming the file unless the log agrees with the checkpoint: at least that long,
  // cut at a row end, every kept row at a step <= steps_done and every dropped one after it. So
  // only rows written after the checkpoint are ever removed.
  struct ResumeCut {
    std::string path;
    bool exists = false;
    std::string kept;
    int64_t kept_rows = 0;  // data rows, header excluded
  };
  static ResumeCut plan_resume_cut(const std::string& path, int64_t steps_done,
                                   int64_t bytes_at_checkpoint);
  static void apply(const ResumeCut& cut);

 private:
  std::string path_;
  size_t columns_;
  FILE* file_ = nullptr;
};

// Shortest round-trip text of a double ("0.1", "12", "1e-08").
std::string format_number(double value);

}  // namespace arq
