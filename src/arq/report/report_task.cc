#include "arq/report/report_task.h"

#include <charconv>
#include <cstdint>
#include <vector>

#include "arq/report/paper_results.h"

namespace arq::report {
namespace {

struct ParsedId {
  std::string base;                   // the id before the first ':'
  std::vector<std::string> suffixes;  // without their ':'
};

ParsedId parse(const std::string& env_id) {
  ParsedId parsed;
  size_t colon = env_id.find(':');
  parsed.base = env_id.substr(0, colon);
  while (colon != std::string::npos) {
    const size_t next = env_id.find(':', colon + 1);
    parsed.suffixes.push_back(env_id.substr(colon + 1, next - colon - 1));
    colon = next;
  }
  return parsed;
}

bool is_dmc(const std::string& id) {
  return id.starts_with("dmc/");
}

// N of "repeat<N>" (N >= 1), or 0 when the suffix is something else.
int64_t repeat_count(const std::string& suffix) {
  if (!suffix.starts_with("repeat") || suffix.size() == 6) return 0;
  int64_t count = 0;
  const char* first = suffix.data() + 6;
  const char* last = suffix.data() + suffix.size();
  const auto [end, error] = std::from_chars(first, last, count);
  return error == std::errc() && end == last && count >= 1 ? count : 0;
}

// "-v1" of "minatar/breakout-v1", or empty.
std::string minatar_version(const std::string& base) {
  if (!base.starts_with("minatar/")) return "";
  const size_t dash = base.rfind("-v");
  if (dash == std::string::npos || dash + 2 >= base.size() ||
      base.find_first_not_of("0123456789", dash + 2) != std::string::npos) {
    return "";
  }
  return base.substr(dash);
}

}  // namespace

std::string task_key(const std::string& env_id) {
  if (!is_dmc(env_id)) return env_id;
  const ParsedId parsed = parse(env_id);
  std::string key = parsed.base;
  std::string unknown;
  int64_t repeat = 1;
  for (const auto& suffix : parsed.suffixes) {
    if (suffix == "bangbang") continue;
    if (const int64_t count = repeat_count(suffix); count > 0) {
      repeat *= count;
    } else {
      unknown += ":" + suffix;
    }
  }
  if (repeat > 1) key += ":repeat" + std::to_string(repeat);
  return key + unknown;
}

int64_t environment_steps_per_agent_step(const std::string& env_id) {
  if (!is_dmc(env_id)) return 1;
  int64_t repeat = 1;
  for (const auto& suffix : parse(env_id).suffixes) {
    if (const int64_t count = repeat_count(suffix); count > 0) repeat *= count;
  }
  return repeat;
}

std::string action_interface(const std::string& env_id) {
  if (!is_dmc(env_id)) return "";
  for (const auto& suffix : parse(env_id).suffixes) {
    if (suffix == "bangbang") return "bang-bang";
  }
  return "continuous";
}

std::string published_task(const std::string& key) {
  if (key.find(':') != std::string::npos) return "";
  if (key.starts_with("minatar/") && minatar_version(key) != "-v1") return "";
  return paper_task_name(key);
}

std::string task_label(const std::string& key) {
  const ParsedId parsed = parse(key);
  const std::string name = paper_task_name(parsed.base);
  if (name.empty()) return key;
  std::vector<std::string> qualifiers;
  const std::string version = minatar_version(parsed.base);
  if (parsed.base.starts_with("minatar/") && version != "-v1") {
    qualifiers.push_back(version.empty() ? parsed.base : version.substr(1));
  }
  for (const auto& suffix : parsed.suffixes) {
    const int64_t count = repeat_count(suffix);
    qualifiers.push_back(count > 0 ? "repeat " + std::to_string(count) : ":" + suffix);
  }
  if (qualifiers.empty()) return name;
  std::string label = name + " (";
  for (size_t i = 0; i < qualifiers.size(); ++i) label += (i ? ", " : "") + qualifiers[i];
  return label + ")";
}

}  // namespace arq::report
