// arq analyze: analyses of a trained agent's internals. `arq analyze pca` projects a local
// agent's hidden vectors onto their principal components (the ARQ paper's action-conditioning
// figure), from a rollout file's states or from states collected by playing the checkpoint.
#include <cstdio>
#include <memory>
#include <optional>

#include "apps/commands.h"
#include "arq/analysis/pca_analysis.h"
#include "arq/core/error.h"

namespace arq::cli {
namespace {

struct PcaArgs {
  std::string checkpoint;
  std::string observations;
  std::optional<int64_t> play;
  double epsilon = 0.05;
  uint32_t seed = 12345;
  std::string out;
  int layer = 0;
  bool no_png = false;
};

void run_pca(const PcaArgs& args) {
  if (args.observations.empty() == !args.play.has_value()) {
    throw Error("give either --obs ROLLOUT.jsonl or --play N (the states to analyse)");
  }
  if (!(args.epsilon >= 0.0 && args.epsilon <= 1.0)) {
    throw Error("--epsilon must be in [0, 1], got " + std::to_string(args.epsilon));
  }
  auto checkpoint = analysis::load_local_checkpoint(args.checkpoint, "arq analyze pca");
  const auto observations =
      args.play ? analysis::play_observations(checkpoint, *args.play, args.epsilon, args.seed)
                : analysis::read_rollout_observations(args.observations);
  analysis::PcaAnalysisOptions options;
  options.layer = args.layer;
  options.out_dir = args.out;
  options.png = !args.no_png;
  const auto result = analysis::analyze_pca(checkpoint, observations, options);
  const auto& s = result.summary;
  std::printf("%s %s at step %lld, layer %d, %lld states\n", s["agent"].get<std::string>().c_str(),
              s["env_id"].get<std::string>().c_str(), static_cast<long long>(checkpoint.step),
              args.layer, static_cast<long long>(observations.count()));
  for (const char* part : {"y", "h"}) {
    if (!s.contains(part)) continue;
    const auto& p = s[part];
    std::printf(
        "  %s: explained variance PC1 %.3f PC2 %.3f; corr(PC1, Q) %+.3f; share of variance "
        "explained by action: %.3f (PC1: %.3f)\n",
        part, p["explained_variance_ratio"][0].get<double>(),
        p["explained_variance_ratio"].size() > 1 ? p["explained_variance_ratio"][1].get<double>()
                                                 : 0.0,
        p["corr_pc1_q"].get<double>(), p["action_share_of_variance"].get<double>(),
        p["action_share_of_pc1_variance"].get<double>());
  }
  for (const auto& note : result.notes) std::printf("  note: %s\n", note.c_str());
  std::printf("wrote %zu files to %s\n", result.files.size(), args.out.c_str());
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  CLI::App* analyze = app.add_subcommand("analyze", "Analyses of a trained agent's internals");
  analyze->require_subcommand(1);
  auto args = std::make_shared<PcaArgs>();
  CLI::App* pca = analyze->add_subcommand(
      "pca",
      "PCA of an ARQ/AD layer's per-(state, action) vectors y and activations h, coloured by "
      "action, against Q");
  pca->add_option("--checkpoint", args->checkpoint, "Run folder (or its checkpoints/ folder)")
      ->required();
  auto* obs = pca->add_option("--obs", args->observations, "Rollout file of the states");
  pca->add_option("--play", args->play,
                  "Collect N states by playing the checkpoint's policy instead of --obs")
      ->excludes(obs);
  pca->add_option("--epsilon", args->epsilon, "Exploration while playing (--play)");
  pca->add_option("--seed", args->seed, "Environment and exploration seed while playing");
  pca->add_option("--out", args->out, "Output folder")->required();
  pca->add_option("--layer", args->layer, "Layer to analyse (0 = the bottom layer)");
  pca->add_flag("--no-png", args->no_png, "SVG plots only (no gnuplot)");
  pca->callback([args] { run_pca(*args); });
}

}  // namespace arq::cli
