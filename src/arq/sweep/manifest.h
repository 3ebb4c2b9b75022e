#pragma once
// The manifest: every run of a sweep, one line each, in a tab-separated file beside the runs:
//   <root>/manifest.tsv   id, method, env, seed, total_steps, command (the exact shell command)
//   <root>/runs/<id>/     the run folder the command writes
//   <root>/logs/<id>.log  the command's output, appended per attempt
// Task i (0-based, as in Slurm's SLURM_ARRAY_TASK_ID) is the i-th run line.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arq/sweep/sweep_spec.h"

namespace arq::sweep {

struct ManifestEntry {
  std::string id;      // unique, file-name safe: <method>__<env>[__<grid>]__s<seed>
  std::string method;  // label for reports (method name plus grid values)
  std::string env;
  int64_t seed = 0;
  std::optional<int64_t> total_steps;  // when the sweep fixes it; else the run's config decides
  std::string command;
};

struct Manifest {
  std::string root;  // folder holding manifest.tsv, runs/ and logs/
  std::vector<ManifestEntry> entries;

  std::string manifest_path() const;
  std::string run_dir(const ManifestEntry& entry) const;
  std::string log_path(const ManifestEntry& entry) const;
};

struct ExpandOptions {
  std::string out_dir;                 // replaces the sweep file's `out` when non-empty
  std::string trainer;                 // replaces the sweep file's `trainer` when non-empty
  std::string default_trainer;         // used when neither names one, e.g. "/abs/arq train"
  std::vector<int64_t> seeds;          // replaces the sweep file's seeds when non-empty
  std::vector<std::string> overrides;  // appended after everything else (last wins)
};

// seeds x environments x methods x grid values: an upper bound of the runs expand_sweep builds
// (a method with its own envs runs on fewer), counted without building anything. A double, so
// that a file asking for more than 2^64 runs still gets a number. `seeds` replaces spec.seeds
// when non-empty, as ExpandOptions::seeds does.
double sweep_run_bound(const SweepSpec& spec, const std::vector<int64_t>& seeds = {});

// At most this many runs in one sweep, by sweep_run_bound.
inline constexpr size_t kMaxSweepRuns = 100'000;

// Every combination seed x env x method x grid values, seeds outermost so that a sweep stopped
// early has whole seeds across every task and method. Paths in commands are absolute. More than
// kMaxSweepRuns combinations are an error naming the count, raised before anything is built.
Manifest expand_sweep(const SweepSpec& spec, const ExpandOptions& options);

void write_manifest(const Manifest& manifest);
// Reads a manifest.tsv; throws arq::Error naming the file and line on malformed input.
Manifest read_manifest(const std::string& path);

// Quotes one word for POSIX sh only when it needs it.
std::string shell_quote(const std::string& word);

// "1000", "1e6", "1_000_000" -> integer; throws arq::Error naming `what` otherwise.
int64_t parse_step_count(const std::string& text, const std::string& what);

}  // namespace arq::sweep
