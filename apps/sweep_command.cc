// arq sweep: expands a sweep file into a manifest of runs and executes it locally (N workers),
// as a Slurm array script, or under MPI. See docs/experiments.md.
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/sweep/local_sweep.h"
#include "arq/sweep/manifest.h"
#include "arq/sweep/mpi_sweep.h"
#include "arq/sweep/run_state.h"
#include "arq/sweep/slurm_script.h"
#include "arq/sweep/sweep_spec.h"

namespace arq::cli {
namespace {

namespace fs = std::filesystem;
using namespace arq::sweep;

struct SweepArgs {
  std::string source;  // sweep .toml or manifest .tsv
  std::string out_dir;
  int workers = 0;
  bool dry_run = false;
  std::string slurm_script;
  bool mpi = false;
  int64_t task = -1;
  std::vector<int64_t> seeds;
  std::vector<std::string> overrides;
  std::string trainer;
  std::string only;
};

std::string this_binary() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string("arq") : self.string();
}

bool is_manifest(const std::string& path) {
  return fs::path(path).extension() == ".tsv";
}

void print_status(const Manifest& manifest, const std::vector<size_t>& tasks) {
  size_t complete = 0;
  for (size_t task : tasks) {
    const ManifestEntry& entry = manifest.entries[task];
    const RunStatus status = inspect_run(manifest.run_dir(entry), entry.total_steps);
    complete += status.state == RunState::kComplete;
    std::printf("%4zu  %-10s %-48s %s\n", task, to_string(status.state), entry.id.c_str(),
                status.detail.c_str());
  }
  std::printf("%zu of %zu runs complete; manifest: %s\n", complete, tasks.size(),
              manifest.manifest_path().c_str());
}

void finish(const SweepTotals& totals) {
  std::printf("%s\n", totals.summary().c_str());
  for (const auto& failure : totals.failures) std::printf("  %s\n", failure.message.c_str());
  if (stop_requested() || totals.interrupted > 0) {
    throw Error(
        "sweep stopped before the end; run the same command again to finish what is missing");
  }
  if (totals.failed > 0) {
    throw Error(std::to_string(totals.failed) +
                " run(s) failed (logs above); rerunning the sweep "
                "retries them and skips the complete ones");
  }
}

void run_sweep(const SweepArgs& args) {
  Manifest manifest;
  std::string job_name;
  SlurmOptions slurm;
  const bool from_manifest = is_manifest(args.source);
  if (from_manifest) {
    if (!args.out_dir.empty() || !args.seeds.empty() || !args.overrides.empty() ||
        !args.trainer.empty()) {
      throw Error("--out, --seeds, --set and --trainer change how a sweep file expands; '" +
                  args.source + "' is a manifest that is already expanded");
    }
    manifest = read_manifest(args.source);
    job_name = slugify(fs::path(manifest.root).filename().string());
  } else {
    const SweepSpec spec = load_sweep_file(args.source);
    ExpandOptions options;
    options.out_dir = args.out_dir;
    options.trainer = args.trainer;
    options.default_trainer = shell_quote(this_binary()) + " train";
    options.seeds = args.seeds;
    options.overrides = args.overrides;
    manifest = expand_sweep(spec, options);
    job_name = spec.name;
    slurm = spec.slurm;
  }

  std::vector<size_t> tasks;
  for (size_t i = 0; i < manifest.entries.size(); ++i) {
    if (args.only.empty() || manifest.entries[i].id.find(args.only) != std::string::npos)
      tasks.push_back(i);
  }
  if (tasks.empty()) throw Error("no run of the sweep matches --only '" + args.only + "'");

  // Only rank 0 of an MPI job may write the manifest; everyone else writes it right away.
  auto write_if_expanded = [&] {
    if (!from_manifest) write_manifest(manifest);
  };

  if (args.task >= 0) {
    if (static_cast<size_t>(args.task) >= manifest.entries.size()) {
      throw Error("--task " + std::to_string(args.task) + ": the manifest has only " +
                  std::to_string(manifest.entries.size()) + " runs (tasks 0.." +
                  std::to_string(manifest.entries.size() - 1) + ")");
    }
    write_if_expanded();
    install_stop_handlers();
    finish(run_local(manifest, {static_cast<size_t>(args.task)}, 1, stdout));
    return;
  }
  if (args.mpi) {
    install_stop_handlers();
    bool is_root = false;
    const SweepTotals totals = run_mpi(manifest, tasks, write_if_expanded, stdout, &is_root);
    if (is_root) finish(totals);
    return;
  }
  write_if_expanded();
  if (!args.slurm_script.empty()) {
    if (!args.only.empty())
      throw Error("--only cannot be combined with --slurm (array task i is manifest task i)");
    write_file_atomic(args.slurm_script,
                      make_slurm_script(manifest, job_name, slurm, this_binary()));
    fs::permissions(args.slurm_script,
                    fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    fs::create_directories(fs::path(manifest.root) / "logs");
    std::printf("wrote %s: %zu array tasks over %s\nsubmit with: sbatch %s\n",
                args.slurm_script.c_str(), manifest.entries.size(),
                manifest.manifest_path().c_str(), args.slurm_script.c_str());
    return;
  }
  if (args.dry_run) {
    print_status(manifest, tasks);
    return;
  }
  int workers = args.workers;
  if (workers == 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::printf("sweep: %zu runs on %d worker(s); manifest %s\n", tasks.size(), workers,
              manifest.manifest_path().c_str());
  std::fflush(stdout);
  install_stop_handlers();
  finish(run_local(manifest, tasks, workers, stdout));
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run a grid of training runs (sweep file or manifest) locally, on Slurm or with MPI");
  cmd->add_option("source", args->source, "Sweep file (.toml) or an expanded manifest (.tsv)")
      ->required();
  cmd->add_option("--out", args->out_dir,
                  "Folder for manifest.tsv, runs/ and logs/ (default: the file's `out`)");
  cmd->add_option("--workers", args->workers,
                  "Runs at once on this machine (default: number of cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--dry-run", args->dry_run,
                "Write the manifest and show each run's state; run nothing");
  cmd->add_option("--slurm", args->slurm_script,
                  "Write an sbatch --array script to this file instead of running");
  cmd->add_flag("--mpi", args->mpi, "Run under mpirun: ranks pull runs from the manifest");
  cmd->add_option("--task", args->task,
                  "Run only manifest task I (what each Slurm array task does)");
  cmd->add_option("--seeds", args->seeds, "Replace the sweep's seeds, e.g. --seeds 1,2,3")
      ->delimiter(',');
  cmd->add_option("--set", args->overrides, "key=value for every run (repeatable; last wins)");
  cmd->add_option("--trainer", args->trainer,
                  "Command run with the training flags (default: this arq's `train`)");
  cmd->add_option("--only", args->only, "Only runs whose id contains this text");
  cmd->callback([args] { run_sweep(*args); });
}

}  // namespace arq::cli
