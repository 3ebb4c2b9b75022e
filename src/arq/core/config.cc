#include "arq/core/config.h"

#include <toml++/toml.h>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "arq/core/error.h"
#include "arq/core/printable.h"

namespace arq {
namespace {

const char* type_name(const Config::Value& value) {
  switch (value.index()) {
    case 0:
      return "boolean";
    case 1:
      return "integer";
    case 2:
      return "float";
    case 3:
      return "string";
    default:
      return "integer list";
  }
}

std::string format_double(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  std::string text = out.str();
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// "0.99", "1e-08", "4294967295": the shortest text that reads back as the same double.
std::string format_double_short(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// A TOML basic string. Control characters (a TOML file may hold them as escapes) are written as
// \uXXXX, since TOML forbids them raw: a run's config.toml must always read back.
std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string format_value(const Config::Value& value) {
  switch (value.index()) {
    case 0:
      return std::get<bool>(value) ? "true" : "false";
    case 1:
      return std::to_string(std::get<int64_t>(value));
    case 2:
      return format_double(std::get<double>(value));
    case 3:
      return quote(std::get<std::string>(value));
    default: {
      std::string out = "[";
      for (int64_t v : std::get<std::vector<int64_t>>(value)) {
        out += (out.size() > 1 ? ", " : "") + std::to_string(v);
      }
      return out + "]";
    }
  }
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

double parse_double(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : text) {
    if (c != '_') cleaned.push_back(c);
  }
  double value = 0.0;
  const auto [end, error] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), value);
  if (cleaned.empty() || error != std::errc() || end != cleaned.data() + cleaned.size() ||
      !std::isfinite(value)) {
    throw Error(what + ": expected a number, got '" + text + "'");
  }
  return value;
}

// Converts a TOML node to the declared type of `like`, or explains the mismatch.
Config::Value from_toml(const toml::node& node, const Config::Value& like, const std::string& key,
                        const std::string& source) {
  auto mismatch = [&] {
    return Error(source + ": key '" + key + "' must be a " + type_name(like) + ", got " +
                 std::string(toml::impl::node_type_friendly_names[static_cast<int>(node.type())]));
  };
  switch (like.index()) {
    case 0:
      if (auto v = node.value_exact<bool>()) return *v;
      throw mismatch();
    case 1:
      if (auto v = node.value_exact<int64_t>()) return *v;
      if (auto v = node.value_exact<double>()) {
        if (std::floor(*v) == *v && std::abs(*v) < 9e15) return static_cast<int64_t>(*v);
      }
      throw mismatch();
    case 2:
      if (auto v = node.value_exact<double>()) return *v;
      if (auto v = node.value_exact<int64_t>()) return static_cast<double>(*v);
      throw mismatch();
    case 3:
      if (auto v = node.value_exact<std::string>()) return *v;
      throw mismatch();
    default: {
      const toml::array* array = node.as_array();
      if (array == nullptr) throw mismatch();
      std::vector<int64_t> values;
      for (const auto& element : *array) {
        auto v = element.value_exact<int64_t>();
        if (!v) throw Error(source + ": key '" + key + "' must be a list of integers");
        values.push_back(*v);
      }
      return values;
    }
  }
}

}  // namespace

int64_t parse_integer(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : trim(text)) {
    if (c != '_') cleaned.push_back(c);
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), value);
  if (!cleaned.empty() && error == std::errc() && end == cleaned.data() + cleaned.size()) {
    return value;
  }
  // Scientific notation such as 1e6 is accepted when it is a whole number.
  double as_double = 0.0;
  const auto [end2, error2] =
      std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), as_double);
  if (!cleaned.empty() && error2 == std::errc() && end2 == cleaned.data() + cleaned.size() &&
      std::floor(as_double) == as_double && std::abs(as_double) < 9e15) {
    return static_cast<int64_t>(as_double);
  }
  throw Error(what + ": expected an integer, got '" + text + "'");
}

bool ConfigRange::contains(double value) const {
  const bool above_min = min_exclusive ? value > min : value >= min;
  const bool below_max = max_exclusive ? value < max : value <= max;
  return above_min && below_max;
}

std::string ConfigRange::text() const {
  const bool bounded_below = std::isfinite(min), bounded_above = std::isfinite(max);
  if (bounded_below && bounded_above) {
    return std::string("in ") + (min_exclusive ? "(" : "[") + format_double_short(min) + ", " +
           format_double_short(max) + (max_exclusive ? ")" : "]");
  }
  if (bounded_below) return (min_exclusive ? "> " : ">= ") + format_double_short(min);
  if (bounded_above) return (max_exclusive ? "< " : "<= ") + format_double_short(max);
  return "any number";
}

void Config::declare(const std::string& key, Value default_value, const std::string& description,
                     Range range) {
  const auto dot = key.find('.');
  if (dot == std::string::npos || dot == 0 || key.find('.', dot + 1) != std::string::npos) {
    throw Error("config key '" + key + "' must be of the form section.name");
  }
  entries_[key] = Entry{default_value, default_value, description, "default", range};
  check_range(key, entries_[key].value, "the default");
}

void Config::check_range(const std::string& key, const Value& value,
                         const std::string& source) const {
  const Range& range = entry(key).range;
  auto check = [&](double number, const std::string& shown) {
    if (!range.contains(number)) {
      throw Error(source + ": key '" + key + "' must be " + range.text() + ", got " + shown);
    }
  };
  if (const auto* i = std::get_if<int64_t>(&value))
    check(static_cast<double>(*i), std::to_string(*i));
  if (const auto* d = std::get_if<double>(&value)) check(*d, format_double_short(*d));
  if (const auto* list = std::get_if<std::vector<int64_t>>(&value)) {
    if (list->empty()) throw Error(source + ": key '" + key + "' must list at least one value");
    for (int64_t i : *list) check(static_cast<double>(i), std::to_string(i) + " (in the list)");
  }
}

const Config::Entry& Config::entry(const std::string& key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) throw Error("unknown config key '" + key + "'");
  return it->second;
}

void Config::set(const std::string& key, Value value, const std::string& source) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    throw Error(source + ": unknown config key '" + key +
                "' (run `arq train --help-config` for the list)");
  }
  if (it->second.value.index() != value.index()) {
    throw Error(source + ": key '" + key + "' must be a " + type_name(it->second.value) +
                ", got a " + type_name(value));
  }
  check_range(key, value, source);
  it->second.value = std::move(value);
  it->second.source = source;
}

void Config::load_toml_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw Error("config file '" + path + "': no such file");
  if (!std::filesystem::is_regular_file(status)) {
    throw Error("config file '" + path + "': not a regular file (a TOML file is expected)");
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw Error("config file '" + path + "' line " + std::to_string(where.line) + ": " +
                std::string(e.description()));
  }
  std::ostringstream text;
  text << table;
  load_toml_string(text.str(), path);
}

void Config::load_toml_string(const std::string& text, const std::string& source_name) {
  toml::table table;
  try {
    table = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw Error(source_name + " line " + std::to_string(e.source().begin.line) + ": " +
                std::string(e.description()));
  }
  for (const auto& [section_key, section] : table) {
    const std::string section_name(section_key.str());
    const toml::table* inner = section.as_table();
    if (inner == nullptr) {
      throw Error(source_name + ": top-level key '" + section_name +
                  "' must be a [section] (keys look like section.name)");
    }
    for (const auto& [leaf_key, leaf] : *inner) {
      const std::string key = section_name + "." + std::string(leaf_key.str());
      const auto it = entries_.find(key);
      if (it == entries_.end()) {
        throw Error(source_name + ": unknown config key '" + key +
                    "' (run `arq train --help-config` for the list)");
      }
      set(key, from_toml(leaf, it->second.value, key, source_name), source_name);
    }
  }
}

void Config::apply_override(const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) {
    throw Error("--set '" + assignment + "': expected key=value");
  }
  const std::string key = trim(assignment.substr(0, equals));
  const std::string text = trim(assignment.substr(equals + 1));
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    throw Error("--set '" + assignment + "': unknown config key '" + key +
                "' (run `arq train --help-config` for the list)");
  }
  const std::string what = "--set " + key;
  Value value;
  switch (it->second.value.index()) {
    case 0:
      if (text == "true" || text == "1") {
        value = true;
      } else if (text == "false" || text == "0") {
        value = false;
      } else {
        throw Error(what + ": expected true or false, got '" + text + "'");
      }
      break;
    case 1:
      value = parse_integer(text, what);
      break;
    case 2:
      value = parse_double(text, what);
      break;
    case 3: {
      std::string unquoted = text;
      if (unquoted.size() >= 2 && unquoted.front() == '"' && unquoted.back() == '"') {
        unquoted = unquoted.substr(1, unquoted.size() - 2);
      }
      // A TOML file cannot hold bytes that are not UTF-8, so neither may the run's config.toml.
      if (printable(unquoted) != unquoted) {
        throw Error(what + ": expected printable UTF-8 text, got '" + printable(text) + "'");
      }
      value = unquoted;
      break;
    }
    default: {
      // A TOML array of integers, brackets optional: "[400, 200]" or "400,200". Parsed by the
      // TOML reader, so "[64," and "[64,,48]" are errors, not a shorter list.
      const std::string array = text.starts_with("[") ? text : "[" + text + "]";
      toml::table table;
      try {
        table = toml::parse("value = " + array);
      } catch (const toml::parse_error& e) {
        throw Error(what + ": expected a list of integers such as [400, 200], got '" + text +
                    "' (" + std::string(e.description()) + ")");
      }
      value = from_toml(*table.get("value"), it->second.value, key, "--set");
    }
  }
  set(key, value, "--set");
}

bool Config::get_bool(const std::string& key) const {
  const auto& e = entry(key);
  if (const auto* v = std::get_if<bool>(&e.value)) return *v;
  throw Error("config key '" + key + "' is not a boolean");
}
int64_t Config::get_int(const std::string& key) const {
  const auto& e = entry(key);
  if (const auto* v = std::get_if<int64_t>(&e.value)) return *v;
  throw Error("config key '" + key + "' is not an integer");
}
double Config::get_double(const std::string& key) const {
  const auto& e = entry(key);
  if (const auto* v = std::get_if<double>(&e.value)) return *v;
  throw Error("config key '" + key + "' is not a float");
}
const std::string& Config::get_string(const std::string& key) const {
  const auto& e = entry(key);
  if (const auto* v = std::get_if<std::string>(&e.value)) return *v;
  throw Error("config key '" + key + "' is not a string");
}
const std::vector<int64_t>& Config::get_ints(const std::string& key) const {
  const auto& e = entry(key);
  if (const auto* v = std::get_if<std::vector<int64_t>>(&e.value)) return *v;
  throw Error("config key '" + key + "' is not an integer list");
}
const std::string& Config::source(const std::string& key) const {
  return entry(key).source;
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [key, e] : entries_) out.push_back(key);
  return out;
}

std::string Config::value_text(const std::string& key) const {
  return format_value(value(key));
}

std::string Config::to_toml() const {
  std::string out;
  std::string section;
  for (const auto& [key, e] : entries_) {
    const auto dot = key.find('.');
    const std::string this_section = key.substr(0, dot);
    if (this_section != section) {
      out += (out.empty() ? "[" : "\n[") + this_section + "]\n";
      section = this_section;
    }
    out += key.substr(dot + 1) + " = " + format_value(e.value) + "\n";
  }
  return out;
}

std::string Config::describe() const {
  std::string out;
  for (const auto& [key, e] : entries_) {
    const bool numeric = e.default_value.index() == 1 || e.default_value.index() == 2 ||
                         e.default_value.index() == 4;
    const std::string range =
        numeric && e.range.text() != "any number" ? ", " + e.range.text() : "";
    out += key + " (" + type_name(e.default_value) + ", default " + format_value(e.default_value) +
           range + "): " + e.description + "\n";
  }
  return out;
}

}  // namespace arq
