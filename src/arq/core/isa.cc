#include "arq/core/isa.h"

#include <atomic>
#include <cstdlib>

#include "arq/core/error.h"

namespace arq {
namespace {

constexpr int kUnset = -1;
std::atomic<int> active_level{kUnset};

std::string supported_names() {
  std::string names;
  for (const IsaLevel level : all_isa_levels()) {
    if (!cpu_supports(level)) continue;
    if (!names.empty()) names += ", ";
    names += isa_name(level);
  }
  return names;
}

IsaLevel checked(IsaLevel level, std::string_view what) {
  if (!cpu_supports(level)) {
    throw Error(std::string(what) + ": this CPU lacks " + std::string(isa_name(level)) +
                " (it supports " + supported_names() + ")");
  }
  return level;
}

IsaLevel parse_or_throw(std::string_view value, std::string_view what) {
  const std::optional<IsaLevel> level = parse_isa_level(value);
  if (!level) {
    throw Error(std::string(what) + ": unknown ISA level '" + std::string(value) +
                "'; expected auto | " + isa_level_names());
  }
  return *level;
}

// ARQ_ISA, else the widest level.
IsaLevel default_level() {
  const char* variable = std::getenv(kIsaEnvironmentVariable);
  if (variable == nullptr || *variable == '\0' || std::string_view(variable) == "auto") {
    return widest_supported_isa_level();
  }
  const std::string what = std::string("environment variable ") + kIsaEnvironmentVariable;
  return checked(parse_or_throw(variable, what), what);
}

}  // namespace

const std::vector<IsaLevel>& all_isa_levels() {
  static const std::vector<IsaLevel> levels = {IsaLevel::kAvx2, IsaLevel::kAvx512};
  return levels;
}

std::string_view isa_name(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx2:
      return "avx2";
    case IsaLevel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

std::optional<IsaLevel> parse_isa_level(std::string_view name) {
  for (const IsaLevel level : all_isa_levels()) {
    if (isa_name(level) == name) return level;
  }
  return std::nullopt;
}

std::string isa_level_names() {
  std::string names;
  for (const IsaLevel level : all_isa_levels()) {
    if (!names.empty()) names += " | ";
    names += isa_name(level);
  }
  return names;
}

bool cpu_supports(IsaLevel level) {
  // libgcc's CPU model also checks XCR0, i.e. that the OS saves the wider registers.
  __builtin_cpu_init();
  switch (level) {
    case IsaLevel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case IsaLevel::kAvx512:
      return cpu_supports(IsaLevel::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl");
  }
  return false;
}

bool cpu_supports_avx512_bf16() {
  __builtin_cpu_init();
  return cpu_supports(IsaLevel::kAvx512) && __builtin_cpu_supports("avx512bf16");
}

IsaLevel widest_supported_isa_level() {
  IsaLevel widest = IsaLevel::kAvx2;
  for (const IsaLevel level : all_isa_levels()) {
    if (cpu_supports(level)) widest = level;
  }
  return widest;
}

IsaLevel active_isa_level() {
  int level = active_level.load(std::memory_order_relaxed);
  if (level == kUnset) {
    int expected = kUnset;
    active_level.compare_exchange_strong(expected, static_cast<int>(default_level()));
    level = active_level.load(std::memory_order_relaxed);
  }
  return static_cast<IsaLevel>(level);
}

void set_isa_level(IsaLevel level, std::string_view what) {
  active_level.store(static_cast<int>(checked(level, what)), std::memory_order_relaxed);
}

IsaLevel apply_isa_setting(std::string_view value, std::string_view what) {
  const IsaLevel level = value == "auto" ? default_level() : parse_or_throw(value, what);
  set_isa_level(level, what);
  return level;
}

}  // namespace arq
