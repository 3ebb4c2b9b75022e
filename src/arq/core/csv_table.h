#pragma once
// Reads the numeric CSV files the trainer writes (metrics.csv, eval.csv, episodes.csv). A last
// line without its newline is a row the trainer was writing when it stopped, and is ignored.
#include <string>
#include <vector>

namespace arq {

struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;  // each with columns.size() values ("nan" allowed)

  // Index of a column; throws arq::Error naming `source` when it is missing.
  size_t column(const std::string& name, const std::string& source) const;
};

// Throws arq::Error naming the file and line for a malformed complete line.
CsvTable read_csv(const std::string& path);

}  // namespace arq
