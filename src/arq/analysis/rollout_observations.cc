#include "arq/analysis/rollout_observations.h"

#include <climits>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "arq/core/error.h"
#include "arq/core/json_error.h"
#include "arq/core/text_io.h"

namespace arq::analysis {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A JSON integer in [lo, hi], else nullopt. nlohmann's get<int>() converts a fraction, a string
// or a number beyond the type without a word (a double beyond it is even undefined behaviour).
std::optional<int64_t> integer_in(const nlohmann::json& value, int64_t lo, int64_t hi) {
  if (value.is_number_unsigned()) {  // JSON's 0 and every positive integer land here
    const uint64_t n = value.get<uint64_t>();
    if (n > static_cast<uint64_t>(hi) || static_cast<int64_t>(n) < lo) return std::nullopt;
    return static_cast<int64_t>(n);
  }
  if (!value.is_number_integer()) return std::nullopt;
  const int64_t n = value.get<int64_t>();
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

}  // namespace

std::string observation_env(const std::string& env_id) {
  return env_id.substr(0, env_id.find(':'));
}

RolloutObservations read_rollout_observations(const std::string& path) {
  const std::vector<std::string> lines = read_lines(path);
  RolloutObservations out;
  out.path = path;
  auto fail = [&](size_t index, const std::string& what) -> Error {
    return Error("rollout '" + path + "' line " + std::to_string(index + 1) + ": " + what);
  };
  if (lines.empty()) throw Error("rollout '" + path + "' is empty: expected a header line");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(lines[0]);
  } catch (const nlohmann::json::exception&) {
    throw fail(0, "expected the JSON header of an `arq rollout` file");
  }
  if (!header.is_object() || header.value("type", "") != "header" || !header.contains("env_id")) {
    throw fail(0, "expected a header record with \"type\": \"header\" and \"env_id\"");
  }
  if (!header["env_id"].is_string()) throw fail(0, "the header's env_id must be a string");
  out.env_id = header["env_id"].get<std::string>();
  bool packed = false;
  const std::string size_problem = "the observation size must be a positive integer";
  if (header.contains("obs_size")) {
    const auto n = integer_in(header["obs_size"], 1, INT_MAX);
    if (!n) throw fail(0, size_problem + " (obs_size)");
    out.observation_size = static_cast<int>(*n);
  } else if (header.contains("obs_shape")) {
    const nlohmann::json& shape = header["obs_shape"];
    if (!shape.is_array() || shape.empty()) throw fail(0, "obs_shape must be a non-empty array");
    int64_t product = 1;
    for (const auto& d : shape) {
      const auto n = integer_in(d, 1, INT_MAX);
      if (!n || *n > INT_MAX / product) throw fail(0, size_problem + " (obs_shape)");
      product *= *n;
    }
    out.observation_size = static_cast<int>(product);
    packed = true;  // MinAtar: hex(packbits(grid)), bit k = observation value k, MSB first
  } else {
    throw fail(0, "the header gives neither obs_size nor obs_shape");
  }
  const size_t size = static_cast<size_t>(out.observation_size);

  int episode = -1;
  std::vector<float> row;  // sized once a record matches the header (which may claim anything)
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(lines[i]);
    } catch (const nlohmann::json::exception&) {
      throw fail(i, "not valid JSON");
    }
    try {
      if (!record.is_object() || !record.contains("t") || !record.contains("obs")) {
        throw fail(i, "expected a record with \"t\" and \"obs\"");
      }
      const bool reset = record.contains("reset");
      if (!reset && episode < 0) throw fail(i, "a step record before the first reset record");
      if (!reset && (record.value("term", false) || record.value("trunc", false))) continue;
      const nlohmann::json& obs = record["obs"];
      if (packed) {
        if (!obs.is_string()) throw fail(i, "expected \"obs\" as a hex string");
        const std::string& hex = obs.get_ref<const std::string&>();
        if (hex.size() != 2 * ((size + 7) / 8)) {
          throw fail(i, "\"obs\" has " + std::to_string(hex.size()) + " hex digits, expected " +
                            std::to_string(2 * ((size + 7) / 8)) + " for " + std::to_string(size) +
                            " observation values");
        }
        row.resize(size);
        for (size_t k = 0; k < size; ++k) {
          const int digit = hex_digit(hex[k / 4]);
          if (digit < 0) throw fail(i, "\"obs\" is not a hex string");
          row[k] = static_cast<float>((digit >> (3 - k % 4)) & 1);
        }
      } else {
        if (!obs.is_array() || obs.size() != size) {
          throw fail(i, "\"obs\" must be an array of " + std::to_string(size) + " numbers");
        }
        row.resize(size);
        for (size_t k = 0; k < size; ++k) {
          if (!obs[k].is_number()) throw fail(i, "\"obs\" must hold numbers only");
          row[k] = static_cast<float>(obs[k].get<double>());
          if (!std::isfinite(row[k])) throw fail(i, "\"obs\" holds a number beyond float range");
        }
      }
      if (reset) {
        const auto n = integer_in(record["reset"], 0, INT_MAX);
        if (!n) throw fail(i, "\"reset\" must be an episode index >= 0");
        episode = static_cast<int>(*n);
      }
      const auto t = integer_in(record["t"], 0, INT64_MAX - 1);
      if (!t) throw fail(i, "\"t\" must be a step count >= 0");
      out.values.insert(out.values.end(), row.begin(), row.end());
      out.times.push_back(reset ? *t : *t + 1);
      out.episodes.push_back(episode);
      out.lines.push_back(static_cast<int>(i + 1));
      out.starts.push_back(reset ? 1 : 0);
    } catch (const nlohmann::json::exception& e) {
      throw fail(i, "malformed record (" + json_error_text(e) + ")");
    }
  }
  if (out.count() == 0) throw Error("rollout '" + path + "' has no observation records");
  return out;
}

}  // namespace arq::analysis
