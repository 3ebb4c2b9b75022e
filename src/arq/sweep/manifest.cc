#include "arq/sweep/manifest.h"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq::sweep {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader = "id\tmethod\tenv\tseed\ttotal_steps\tcommand";

std::string config_key(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}

// The step budget a run will have, when the sweep can know it without the trainer's defaults:
// the sweep's total_steps, else the last run.total_steps override, else the preset's value.
std::optional<int64_t> resolve_total_steps(const SweepSpec& spec, const std::string& preset,
                                           const std::vector<std::string>& overrides) {
  if (spec.total_steps) return spec.total_steps;
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    if (config_key(*it) == "run.total_steps") {
      return parse_step_count(it->substr(it->find('=') + 1), "--set run.total_steps");
    }
  }
  if (!preset.empty()) {
    try {
      const toml::table table = toml::parse_file(preset);
      if (auto steps = table["run"]["total_steps"].value<int64_t>()) return *steps;
    } catch (const toml::parse_error& e) {
      throw Error("preset '" + preset + "': " + std::string(e.description()));
    }
  }
  return std::nullopt;
}

std::vector<std::vector<std::string>> grid_points(const std::vector<GridAxis>& grid) {
  std::vector<std::vector<std::string>> points = {{}};
  for (const auto& axis : grid) {
    std::vector<std::vector<std::string>> next;
    for (const auto& point : points) {
      for (const auto& value : axis.values) {
        auto extended = point;
        extended.push_back(axis.key + "=" + value);
        next.push_back(std::move(extended));
      }
    }
    points = std::move(next);
  }
  return points;
}

// 1e10 -> "10000000000": counts beyond 64 bits still print in full.
std::string whole_number(double value) {
  char text[400];
  std::snprintf(text, sizeof(text), "%.0f", value);
  return text;
}

// "local.goodness=rms" -> "goodness=rms": the last key segment is enough to tell runs apart.
std::string short_assignment(const std::string& assignment) {
  const std::string key = config_key(assignment);
  const auto dot = key.rfind('.');
  return (dot == std::string::npos ? key : key.substr(dot + 1)) + assignment.substr(key.size());
}

std::vector<std::string> split_tabs(const std::string& line, size_t max_fields) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (fields.size() + 1 < max_fields) {
    const auto tab = line.find('\t', start);
    if (tab == std::string::npos) break;
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  fields.push_back(line.substr(start));
  return fields;
}

void require_no_tabs(const std::string& text, const std::string& what) {
  if (text.find_first_of("\t\n") != std::string::npos) {
    throw Error(what + " '" + text + "' contains a tab or newline, which the manifest cannot hold");
  }
}

}  // namespace

std::string Manifest::manifest_path() const {
  return (fs::path(root) / "manifest.tsv").string();
}
std::string Manifest::run_dir(const ManifestEntry& entry) const {
  return (fs::path(root) / "runs" / entry.id).string();
}
std::string Manifest::log_path(const ManifestEntry& entry) const {
  return (fs::path(root) / "logs" / (entry.id + ".log")).string();
}

std::string shell_quote(const std::string& word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_./=:,@%+-").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

int64_t parse_step_count(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : text) {
    if (c != '_' && c != ' ') cleaned.push_back(c);
  }
  double value = 0.0;
  const auto [end, error] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), value);
  if (cleaned.empty() || error != std::errc() || end != cleaned.data() + cleaned.size() ||
      !std::isfinite(value) || value != std::floor(value) || std::fabs(value) > 9e18) {
    throw Error(what + ": expected an integer such as 1000, 1e6 or 1_000_000, got '" + text + "'");
  }
  return static_cast<int64_t>(value);
}

double sweep_run_bound(const SweepSpec& spec, const std::vector<int64_t>& seeds) {
  double runs = static_cast<double>(seeds.empty() ? spec.seeds.size() : seeds.size()) *
                static_cast<double>(all_envs(spec).size()) *
                static_cast<double>(spec.methods.size());
  for (const auto& axis : spec.grid) runs *= static_cast<double>(axis.values.size());
  return runs;
}

Manifest expand_sweep(const SweepSpec& spec, const ExpandOptions& options) {
  Manifest manifest;
  manifest.root = fs::absolute(options.out_dir.empty() ? spec.out_dir : options.out_dir)
                      .lexically_normal()
                      .string();
  std::string trainer = !options.trainer.empty() ? options.trainer : spec.trainer;
  if (trainer.empty()) trainer = options.default_trainer;
  if (trainer.empty()) throw Error("sweep '" + spec.name + "': no trainer command to run");
  const std::vector<int64_t>& seeds = options.seeds.empty() ? spec.seeds : options.seeds;
  for (const auto& assignment : options.overrides) {
    if (assignment.find('=') == std::string::npos) {
      throw Error("--set '" + assignment + "': expected key=value");
    }
  }

  // Counted before anything is built: ten grid axes of ten values are 10^10 runs from a short
  // file, and expanding them would exhaust memory instead of saying so.
  if (const double runs = sweep_run_bound(spec, seeds); runs > static_cast<double>(kMaxSweepRuns)) {
    throw Error("sweep '" + spec.name + "': seeds x environments x methods x grid values is " +
                whole_number(runs) + " runs, more than the " + std::to_string(kMaxSweepRuns) +
                " one sweep may have; split it into smaller sweeps");
  }
  const auto points = grid_points(spec.grid);
  std::set<std::string> ids;
  const std::vector<std::string> envs = all_envs(spec);
  for (int64_t seed : seeds) {
    for (const auto& env : envs) {
      require_no_tabs(env, "environment");
      for (const auto& method : spec.methods) {
        const auto& runs_on = method_envs(spec, method);
        if (std::find(runs_on.begin(), runs_on.end(), env) == runs_on.end()) continue;
        for (const auto& point : points) {
          ManifestEntry entry;
          entry.env = env;
          entry.seed = seed;
          entry.method = method.name;
          std::string env_slug = slugify(env);
          std::string id = method.slug + "__" + (env_slug.empty() ? "env" : env_slug);
          std::string grid_label;
          for (const auto& assignment : point) {
            grid_label += (grid_label.empty() ? "" : ", ") + short_assignment(assignment);
            id += "__" + slugify(short_assignment(assignment));
          }
          if (!grid_label.empty()) entry.method += " [" + grid_label + "]";
          require_no_tabs(entry.method, "method name");
          entry.id = id + "__s" + std::to_string(seed);
          if (!ids.insert(entry.id).second) {
            throw Error("sweep '" + spec.name + "': two runs would share the id '" + entry.id +
                        "' (grid values that differ only in punctuation?)");
          }

          std::vector<std::string> overrides = spec.overrides;
          overrides.insert(overrides.end(), method.overrides.begin(), method.overrides.end());
          overrides.insert(overrides.end(), point.begin(), point.end());
          overrides.insert(overrides.end(), options.overrides.begin(), options.overrides.end());
          entry.total_steps = resolve_total_steps(spec, method.config, overrides);

          std::string command = trainer;
          if (!method.config.empty()) {
            command +=
                " --config " + shell_quote(fs::absolute(method.config).lexically_normal().string());
          }
          command += " --env " + shell_quote(env) + " --seed " + std::to_string(seed);
          if (spec.total_steps) command += " --total-steps " + std::to_string(*spec.total_steps);
          for (const auto& assignment : overrides) command += " --set " + shell_quote(assignment);
          command += " --run-dir " + shell_quote(manifest.run_dir(entry)) + " --resume --quiet";
          require_no_tabs(command, "command");
          entry.command = std::move(command);
          manifest.entries.push_back(std::move(entry));
        }
      }
    }
  }
  return manifest;
}

void write_manifest(const Manifest& manifest) {
  fs::create_directories(manifest.root);
  std::string text =
      "# arq sweep manifest: one run per line; task i (from 0) is the i-th line after the "
      "header.\n";
  text += std::string(kHeader) + "\n";
  for (const auto& e : manifest.entries) {
    text += e.id + "\t" + e.method + "\t" + e.env + "\t" + std::to_string(e.seed) + "\t" +
            (e.total_steps ? std::to_string(*e.total_steps) : "") + "\t" + e.command + "\n";
  }
  write_file_atomic(manifest.manifest_path(), text);
}

Manifest read_manifest(const std::string& path) {
  if (!fs::exists(path)) throw Error("manifest '" + path + "' does not exist");
  Manifest manifest;
  manifest.root = fs::absolute(path).parent_path().lexically_normal().string();
  bool seen_header = false;
  int line_number = 0;
  for (const auto& line : read_lines(path)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "manifest '" + path + "' line " + std::to_string(line_number);
    if (!seen_header) {
      if (line != kHeader)
        throw Error(where + ": expected the header '" + std::string(kHeader) + "'");
      seen_header = true;
      continue;
    }
    const auto fields = split_tabs(line, 6);
    if (fields.size() != 6 || fields[0].empty() || fields[5].empty()) {
      throw Error(
          where +
          ": expected 6 tab-separated fields (id, method, env, seed, total_steps, command)");
    }
    ManifestEntry entry;
    entry.id = fields[0];
    if (slugify(entry.id) != entry.id)
      throw Error(where + ": id '" + entry.id + "' is not file-name safe");
    entry.method = fields[1];
    entry.env = fields[2];
    entry.seed = parse_step_count(fields[3], where + " seed");
    if (!fields[4].empty()) entry.total_steps = parse_step_count(fields[4], where + " total_steps");
    entry.command = fields[5];
    manifest.entries.push_back(std::move(entry));
  }
  if (!seen_header) throw Error("manifest '" + path + "' has no header line");
  return manifest;
}

}  // namespace arq::sweep
