#include "arq/train/csv_writer.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  // Whole numbers (steps, counts, most returns) are written as integers, never as "1e+05".
  if (std::abs(value) < 1e15 && std::floor(value) == value) {
    const auto integer = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
    return std::string(buffer, integer.ptr);
  }
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& columns)
    : path_(path), columns_(columns.size()) {
  std::string header;
  for (const auto& column : columns) header += (header.empty() ? "" : ",") + column;
  const bool exists = std::filesystem::exists(path) && std::filesystem::file_size(path) > 0;
  if (exists) {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    if (first != header) {
      throw Error("'" + path + "' has header '" + first + "', expected '" + header + "'");
    }
  }
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) throw Error("cannot open '" + path + "' for appending");
  if (!exists) {
    std::fputs((header + "\n").c_str(), file_);
    std::fflush(file_);
  }
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void CsvWriter::row(const std::vector<double>& values) {
  if (values.size() != columns_) {
    throw Error("'" + path_ + "': row has " + std::to_string(values.size()) + " values, expected " +
                std::to_string(columns_));
  }
  std::string line;
  for (double value : values) line += (line.empty() ? "" : ",") + format_number(value);
  line += "\n";
  if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    throw Error("cannot write to '" + path_ + "'");
  }
}

void CsvWriter::truncate_from_step(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  const auto lines = read_lines(path);
  std::string kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (i > 0) {
      const auto comma = lines[i].find(',');
      double row_step = 0.0;
      const std::string first = lines[i].substr(0, comma);
      std::from_chars(first.data(), first.data() + first.size(), row_step);
      if (row_step >= static_cast<double>(step)) continue;
    }
    kept += lines[i] + "\n";
  }
  write_file_atomic(path, kept);
}

CsvWriter::ResumeCut CsvWriter::plan_resume_cut(const std::string& path, int64_t steps_done,
                                                int64_t bytes_at_checkpoint) {
  ResumeCut cut;
  cut.path = path;
  cut.exists = std::filesystem::exists(path);
  if (!cut.exists) return cut;
  const std::string text = read_file(path);
  const std::string at = "resuming from the checkpoint at step " + std::to_string(steps_done);
  if (bytes_at_checkpoint > static_cast<int64_t>(text.size())) {
    throw Error(at + ": '" + path + "' has " + std::to_string(text.size()) +
                " bytes, fewer than the " + std::to_string(bytes_at_checkpoint) +
                " it had at that checkpoint; nothing was changed");
  }
  if (bytes_at_checkpoint > 0 && text[static_cast<size_t>(bytes_at_checkpoint) - 1] != '\n') {
    throw Error(at + ": '" + path + "' does not end a row where that checkpoint left it " +
                "(edited since?); nothing was changed");
  }
  size_t begin = 0;
  bool header = true;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string line = text.substr(begin, end - begin);
    const bool before_cut =
        bytes_at_checkpoint < 0 || static_cast<int64_t>(end) <= bytes_at_checkpoint;
    if (header) {
      header = false;
      cut.kept += line;
      begin = end;
      continue;
    }
    double row_step = 0.0;
    const auto [ptr, error] = std::from_chars(line.data(), line.data() + line.size(), row_step);
    const bool parsed = error == std::errc() && ptr != line.data();
    const bool kept_by_step = parsed && row_step <= static_cast<double>(steps_done);
    if (bytes_at_checkpoint < 0) {
      if (kept_by_step) {
        cut.kept += line;
        ++cut.kept_rows;
      }
    } else if (before_cut) {
      if (!kept_by_step) {
        throw Error(at + ": '" + path + "' has a row before that checkpoint's end at step '" +
                    line.substr(0, line.find(',')) + "'; the log and the checkpoint disagree, " +
                    "nothing was changed");
      }
      cut.kept += line;
      ++cut.kept_rows;
    } else if (parsed && row_step <= static_cast<double>(steps_done)) {
      throw Error(at + ": '" + path + "' has a row written after that checkpoint at step " +
                  line.substr(0, line.find(',')) +
                  "; the log and the checkpoint disagree, nothing was changed");
    }
    begin = end;
  }
  return cut;
}

void CsvWriter::apply(const ResumeCut& cut) {
  if (cut.exists) write_file_atomic(cut.path, cut.kept);
}

}  // namespace arq
