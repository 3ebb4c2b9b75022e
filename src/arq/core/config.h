#pragma once
// Run configuration: a declared schema of dotted keys ("agent.lr") with types, defaults and help,
// filled from a TOML preset and then `key=value` overrides. Unknown keys and wrong types are
// errors that name the key and the file or flag they came from.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace arq {

// The values a number key (or every element of an integer list) may take, checked whenever
// the key is set, so a bad value is refused with its key and source before anything runs.
struct ConfigRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  static ConfigRange at_least(double lo) { return {lo}; }
  static ConfigRange above(double lo) {
    return {lo, std::numeric_limits<double>::infinity(), true};
  }
  static ConfigRange between(double lo, double hi) { return {lo, hi}; }
  bool contains(double value) const;
  std::string text() const;  // "in [0, 1]", ">= 1", "> 0"
};

class Config {
 public:
  using Value = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>>;

  using Range = ConfigRange;

  // Declares a key with its default (which fixes its type), a one-line description and, for
  // numbers, the range of values it accepts.
  void declare(const std::string& key, Value default_value, const std::string& description,
               Range range = {});
  bool has(const std::string& key) const { return entries_.count(key) > 0; }

  // Reads a TOML file; every leaf must be a declared key of the declared type.
  void load_toml_file(const std::string& path);
  void load_toml_string(const std::string& text, const std::string& source_name);
  // "section.key=value"; the value is parsed by the key's type (ints accept 1e6, 1_000_000).
  void apply_override(const std::string& assignment);
  void set(const std::string& key, Value value, const std::string& source);

  bool get_bool(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  const std::string& get_string(const std::string& key) const;
  const std::vector<int64_t>& get_ints(const std::string& key) const;

  // Where a key's value came from: "default", a file name, or "--set".
  const std::string& source(const std::string& key) const;

  // Every declared key, sorted; a key's typed value; and that value as TOML spells it
  // ("0.0003", "[64, 48]", "\"arq\"") for messages.
  std::vector<std::string> keys() const;
  const Value& value(const std::string& key) const { return entry(key).value; }
  std::string value_text(const std::string& key) const;

  // The fully resolved config as TOML (sections sorted, each key with its value).
  std::string to_toml() const;
  // Every key with type, default and description, for `arq train --help-config`.
  std::string describe() const;

 private:
  struct Entry {
    Value value;
    Value default_value;
    std::string description;
    std::string source = "default";
    Range range;
  };
  const Entry& entry(const std::string& key) const;
  // Throws arq::Error naming key, source and range unless `value` is in the key's range.
  void check_range(const std::string& key, const Value& value, const std::string& source) const;
  std::map<std::string, Entry> entries_;
};

// Parses "1000", "1e6", "1_000_000" as an exact non-negative or negative integer; throws on
// fractions or garbage, naming `what`.
int64_t parse_integer(const std::string& text, const std::string& what);

}  // namespace arq
