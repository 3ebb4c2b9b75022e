#include "arq/core/csv_table.h"

#include <cmath>
#include <cstdlib>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq {
namespace {

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

double parse_field(const std::string& text, const std::string& where) {
  if (text == "nan" || text == "NaN" || text == "-nan") return NAN;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw Error(where + ": expected a number, got '" + text + "'");
  }
  return value;
}

}  // namespace

size_t CsvTable::column(const std::string& name, const std::string& source) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  throw Error("'" + source + "' has no column '" + name + "'");
}

CsvTable read_csv(const std::string& path) {
  const std::string text = read_file(path);
  CsvTable table;
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    const auto newline = text.find('\n', start);
    if (newline == std::string::npos) break;  // a row cut off mid-write
    std::string line = text.substr(start, newline - start);
    start = newline + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = split_commas(line);
    if (table.columns.empty()) {
      table.columns = fields;
      continue;
    }
    const std::string where = "'" + path + "' line " + std::to_string(line_number);
    if (fields.size() != table.columns.size()) {
      throw Error(where + ": " + std::to_string(fields.size()) + " fields, the header has " +
                  std::to_string(table.columns.size()));
    }
    std::vector<double> row;
    row.reserve(fields.size());
    for (const auto& field : fields) row.push_back(parse_field(field, where));
    table.rows.push_back(std::move(row));
  }
  if (table.columns.empty()) throw Error("'" + path + "' is empty (no header line)");
  return table;
}

}  // namespace arq
