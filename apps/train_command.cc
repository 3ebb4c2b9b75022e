// arq train: one training run from a TOML preset plus overrides, into a run folder.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "apps/commands.h"
#include "arq/agents/factory.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/train/checkpoint.h"
#include "arq/train/resume_rules.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"

namespace arq::cli {
namespace {

struct TrainArgs {
  std::string config_path;
  std::string env_id;
  std::optional<int64_t> seed;
  std::string total_steps;
  std::vector<std::string> overrides;
  std::string run_dir;
  std::string runs_root = "runs";
  bool resume = false;
  bool quiet = false;
  bool help_config = false;
  std::string stop_after;
  std::string command_line;
};

// The config the options describe: defaults, then --config, --env, --seed, --total-steps, --set.
Config config_from_options(const TrainArgs& args) {
  Config config = make_train_config();
  if (!args.config_path.empty()) {
    if (!std::filesystem::exists(args.config_path)) {
      throw Error("--config '" + args.config_path + "': no such file");
    }
    config.load_toml_file(args.config_path);
  }
  if (!args.env_id.empty()) config.set("run.env", args.env_id, "--env");
  if (args.seed) config.set("run.seed", *args.seed, "--seed");
  if (!args.total_steps.empty()) {
    config.set("run.total_steps", parse_integer(args.total_steps, "--total-steps"),
               "--total-steps");
  }
  for (const auto& assignment : args.overrides) config.apply_override(assignment);
  return config;
}

// The config to continue the run in run_dir with (rules: arq/train/resume_rules.h). Any change
// that is kept is recorded in config.toml at once, before the run goes on.
Config resumed_run_config(const TrainArgs& args, const std::filesystem::path& run_dir) {
  const std::string saved_path = (run_dir / "config.toml").string();
  Config saved = make_train_config();
  saved.load_toml_file(saved_path);
  const Config resumed =
      resumed_config(saved, saved_path, config_from_options(args), !args.total_steps.empty(),
                     checkpoint_status(run_dir.string()), run_dir.string());
  const std::string text = resumed.to_toml();
  if (text != saved.to_toml()) write_file_atomic(saved_path, text);
  return resumed;
}

void run_train(const TrainArgs& args) {
  if (args.help_config) {
    std::fputs(make_train_config().describe().c_str(), stdout);
    return;
  }
  if (args.resume && args.run_dir.empty()) {
    throw Error("--resume needs --run-dir (the folder of the run to continue)");
  }
  // --resume on a folder that holds no run yet starts it from the options (so one command can
  // both start and continue a run, as sweeps do).
  const bool resume_saved =
      args.resume && std::filesystem::exists(std::filesystem::path(args.run_dir) / "config.toml");
  const Config config =
      resume_saved ? resumed_run_config(args, args.run_dir) : config_from_options(args);

  TrainRequest request;
  request.config = config;
  request.resume = args.resume;
  request.quiet = args.quiet;
  request.command_line = args.command_line;
  if (!args.stop_after.empty()) {
    request.stop_after_steps = parse_integer(args.stop_after, "--stop-after");
    if (request.stop_after_steps < 1) {
      throw Error("--stop-after must be a positive number of steps, got " + args.stop_after);
    }
  }
  if (!args.run_dir.empty()) {
    request.run_dir = args.run_dir;
  } else {
    request.run_dir = (std::filesystem::path(args.runs_root) / default_run_name(config)).string();
  }
  std::fprintf(stderr, "arq train: %s on %s, seed %lld, %lld steps -> %s\n",
               config.get_string("run.agent").c_str(), config.get_string("run.env").c_str(),
               static_cast<long long>(config.get_int("run.seed")),
               static_cast<long long>(config.get_int("run.total_steps")), request.run_dir.c_str());
  const TrainSummary summary = train(request, make_agent);
  std::printf("run folder: %s\n", summary.run_dir.c_str());
  std::printf("steps: %lld, episodes: %lld, last evaluation mean return: %.3f%s\n",
              static_cast<long long>(summary.steps), static_cast<long long>(summary.episodes),
              summary.final_eval_mean,
              summary.finished ? "" : " (stopped early; --resume continues)");
}

}  // namespace

void add_train_command(CLI::App& app, const std::string& command_line) {
  auto args = std::make_shared<TrainArgs>();
  args->command_line = command_line;
  CLI::App* cmd = app.add_subcommand("train", "Train an agent (writes a run folder)");
  cmd->add_option("--config", args->config_path, "TOML preset, e.g. configs/arq-minatar-cpu.toml");
  cmd->add_option("--env", args->env_id, "Environment id (sets run.env)");
  cmd->add_option("--seed", args->seed, "Seed (sets run.seed)");
  cmd->add_option("--total-steps", args->total_steps,
                  "Environment steps (sets run.total_steps; 1e6 ok)");
  cmd->add_option("--set", args->overrides,
                  "Override a config key: --set optim.lr=1e-4 (repeatable)");
  cmd->add_option("--run-dir", args->run_dir,
                  "Run folder (default: runs/<env>__<agent>__<seed>__<time>)");
  cmd->add_option("--runs-root", args->runs_root, "Parent of new run folders");
  cmd->add_flag("--resume", args->resume,
                "Continue the run in --run-dir from its last checkpoint, with its own config.toml "
                "(other options must match it; --total-steps extends the run; "
                "run.checkpoint_frequency and run.log_frequency may change)");
  cmd->add_option("--stop-after", args->stop_after,
                  "Checkpoint and stop at the first episode end after this many steps");
  cmd->add_flag("--quiet", args->quiet, "No live progress line");
  cmd->add_flag("--help-config", args->help_config, "List every config key with its default");
  cmd->callback([args] { run_train(*args); });
}

}  // namespace arq::cli
