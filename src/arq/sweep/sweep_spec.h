#pragma once
// A sweep file (TOML) describes a grid of training runs: methods (a preset config plus --set
// overrides) x environments x seeds x optional grid axes over config keys. See
// docs/experiments.md for the format; configs/sweeps/ holds the paper's experiments.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace arq::sweep {

struct SweepMethod {
  std::string name;                    // label in reports, e.g. "ARQ w/o AC"
  std::string slug;                    // file-name-safe form used in run ids
  std::string config;                  // preset path (absolute once loaded); empty: defaults only
  std::vector<std::string> overrides;  // key=value, applied after the sweep-wide ones
  // Its own environments instead of the sweep's (e.g. SAC on the plain DMC task ids while the
  // Q-learners use their ":bangbang" forms); empty: the sweep's `envs`.
  std::vector<std::string> envs;
};

// One axis of the optional grid: a config key and the values it takes.
struct GridAxis {
  std::string key;
  std::vector<std::string> values;  // in --set syntax
};

struct SlurmOptions {
  std::string time = "48:00:00";
  std::string memory = "8G";
  std::string partition;
  std::string account;
  int64_t max_parallel = 0;                   // %N on the array; 0 = no cap
  std::vector<std::string> extra_directives;  // verbatim "#SBATCH ..." bodies, e.g. "--qos=long"
};

struct SweepSpec {
  std::string name;
  std::string source_path;  // the sweep file
  std::string out_dir;      // manifest, runs/, logs/
  std::string trainer;      // shell words run before the arguments; empty: "<arq> train"
  std::optional<int64_t> total_steps;
  std::vector<int64_t> seeds;
  std::vector<std::string> envs;       // of every method without its own; may be empty if all have
  std::vector<std::string> overrides;  // for every run, before the method's
  std::vector<SweepMethod> methods;
  std::vector<GridAxis> grid;
  SlurmOptions slurm;
};

// Reads a sweep file, following `extends = "other.toml"` (relative to the file): keys of the
// child replace the parent's, except `set`, which is appended to the parent's. Relative preset
// paths are resolved against the file that names them. Throws arq::Error naming the file and key.
SweepSpec load_sweep_file(const std::string& path);
SweepSpec parse_sweep(const std::string& toml_text, const std::string& source_path);

// The environments `method` runs on: its own, or else the sweep's.
const std::vector<std::string>& method_envs(const SweepSpec& spec, const SweepMethod& method);

// Every environment some method runs on, each once: the sweep's in order, then the methods' own
// in order of first appearance. Manifests list runs in this order (within each seed).
std::vector<std::string> all_envs(const SweepSpec& spec);

// Turns "ARQ w/o AC" into "ARQ-w-o-AC": letters, digits, '.', '_', '-', '=' only.
std::string slugify(const std::string& text);

}  // namespace arq::sweep
