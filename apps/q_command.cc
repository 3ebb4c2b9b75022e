// arq q: the per-layer Q-values and activations of a local agent's checkpoint over the
// observations of a rollout file, as JSON lines (see docs/checkpoints.md to recompute them).
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "arq/analysis/q_probe.h"
#include "arq/core/text_io.h"

namespace arq::cli {
namespace {

struct QArgs {
  std::string checkpoint;
  std::string observations;
  std::string out;
};

void run_q(const QArgs& args) {
  auto checkpoint = analysis::load_local_checkpoint(args.checkpoint, "arq q");
  const auto observations = analysis::read_rollout_observations(args.observations);
  write_file_atomic(args.out, analysis::q_trace_jsonl(checkpoint, observations));
  std::fprintf(stderr, "%s %s at step %lld: %lld observations -> %s\n",
               checkpoint.config.get_string("run.agent").c_str(),
               checkpoint.config.get_string("run.env").c_str(),
               static_cast<long long>(checkpoint.step),
               static_cast<long long>(observations.count()), args.out.c_str());
}

}  // namespace

void add_q_command(CLI::App& app) {
  auto args = std::make_shared<QArgs>();
  CLI::App* cmd = app.add_subcommand(
      "q",
      "Per-layer Q-values and activations of an ARQ/AD checkpoint over a rollout's observations");
  cmd->add_option("--checkpoint", args->checkpoint, "Run folder (or its checkpoints/ folder)")
      ->required();
  cmd->add_option("--obs", args->observations, "Rollout file written by `arq rollout`")->required();
  cmd->add_option("--out", args->out, "Output JSON-lines file")->required();
  cmd->callback([args] { run_q(*args); });
}

}  // namespace arq::cli
