#include "arq/analysis/pca_analysis.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "arq/analysis/pca.h"
#include "arq/core/error.h"
#include "arq/core/number_text.h"
#include "arq/core/text_io.h"
#include "arq/env/minatar/minatar_env.h"
#include "arq/plot/line_plot.h"
#include "arq/plot/scatter_plot.h"

namespace arq::analysis {

using namespace arq::plot;  // the figures
namespace {

namespace fs = std::filesystem;

// "1 (left)" for MinAtar, whose agent actions map to named game actions; else the index.
std::vector<std::string> action_labels(const Env& env, int actions) {
  std::vector<std::string> labels;
  const auto* minatar = dynamic_cast<const minatar::MinAtarEnv*>(&env);
  static const char* kGameActions[] = {"noop", "left", "up", "right", "down", "fire"};
  for (int a = 0; a < actions; ++a) {
    std::string label = "action " + std::to_string(a);
    if (minatar != nullptr)
      label += " (" + std::string(kGameActions[minatar->action_set()[a]]) + ")";
    labels.push_back(label);
  }
  return labels;
}

std::string number(double value) {
  return significant_digits(value, 9);
}

// What the summary reports for one set of vectors.
nlohmann::json describe(const Pca& pca, const Eigen::MatrixXd& data, const Eigen::MatrixXd& pcs,
                        const std::vector<double>& q, const std::vector<int>& groups) {
  const std::vector<double> pc1(pcs.col(0).data(), pcs.col(0).data() + pcs.rows());
  std::vector<double> ratios;
  for (Eigen::Index k = 0; k < std::min<Eigen::Index>(2, pca.explained_variance_ratio.size()); ++k)
    ratios.push_back(pca.explained_variance_ratio(k));
  return {
      {"dimensions", data.cols()},
      {"explained_variance_ratio", ratios},
      {"corr_pc1_q", pearson_correlation(pc1, q)},
      {"action_share_of_variance", between_group_share(data, groups)},
      {"action_share_of_pc1_variance", between_group_share(pcs.col(0), groups)},
  };
}

ScatterSpec scatter(const std::string& title, const std::string& x_label,
                    const std::string& y_label, const std::vector<std::string>& labels,
                    const std::vector<int>& groups, const Eigen::VectorXd& x,
                    const std::vector<double>& y) {
  ScatterSpec plot{title, x_label, y_label, {}};
  for (const auto& label : labels) plot.groups.push_back({label, {}, {}});
  for (size_t i = 0; i < groups.size(); ++i) {
    plot.groups[groups[i]].x.push_back(x(static_cast<Eigen::Index>(i)));
    plot.groups[groups[i]].y.push_back(y[i]);
  }
  return plot;
}

}  // namespace

PcaAnalysisResult analyze_pca(LocalCheckpoint& checkpoint, const RolloutObservations& observations,
                              const PcaAnalysisOptions& options) {
  check_rollout_fits(checkpoint, observations);
  local::LayerStack& stack = checkpoint.stack();
  const int layers = stack.layers();
  if (options.layer < 0 || options.layer >= layers) {
    throw Error("--layer " + std::to_string(options.layer) + ": the checkpoint has layers 0.." +
                std::to_string(layers - 1));
  }
  if (observations.count() < 2) throw Error("pca needs at least 2 observations");
  local::LocalCell& cell = stack.cell(options.layer);
  const int actions = cell.actions();
  const int64_t states = observations.count();

  // One acting pass: the layer's inputs, Q and h, and the acting Q, per state.
  nn::Matrix inputs(states, cell.input_width());
  Eigen::MatrixXd hidden(states, cell.hidden());
  Eigen::MatrixXd layer_q(states, actions), acting_q(states, actions);
  std::vector<int> greedy(static_cast<size_t>(states));
  probe_observations(stack, observations, [&](int64_t i, const local::StackProbe& probe) {
    inputs.row(i) = probe.inputs[options.layer].row(0);
    hidden.row(i) = probe.hidden[options.layer].row(0).cast<double>();
    layer_q.row(i) = probe.q[options.layer].row(0).cast<double>();
    acting_q.row(i).setZero();
    for (int l = 0; l < layers; ++l) acting_q.row(i) += probe.q[l].row(0).cast<double>();
    acting_q.row(i) /= layers;
    Eigen::Index best = 0;
    acting_q.row(i).maxCoeff(&best);
    greedy[static_cast<size_t>(i)] = static_cast<int>(best);
  });

  const auto labels = action_labels(*checkpoint.env, actions);
  const std::string layer_name = "layer " + std::to_string(options.layer);
  const local::CellOptions& cell_options = cell.options();
  PcaAnalysisResult result;
  nlohmann::json& summary = result.summary;
  summary = {{"checkpoint_step", checkpoint.step},
             {"env_id", checkpoint.config.get_string("run.env")},
             {"agent", checkpoint.config.get_string("run.agent")},
             {"action_conditioning", cell_options.action_conditioning},
             {"goodness", local::to_string(cell_options.goodness)},
             {"layer", options.layer},
             {"states", states},
             {"actions", labels}};
  fs::create_directories(options.out_dir);
  const fs::path root = fs::absolute(options.out_dir);
  std::vector<std::pair<std::string, ScatterSpec>> plots;

  // y of every (state, action) pair, rows s·A + a.
  const Eigen::MatrixXd y = local::action_vectors(cell, inputs);
  if (y.cols() >= 2) {
    std::vector<int> pair_action(static_cast<size_t>(y.rows()));
    std::vector<double> pair_q(pair_action.size());
    double worst = 0.0, scale = 0.0;
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      pair_action[r] = static_cast<int>(r % actions);
      pair_q[r] = layer_q(r / actions, r % actions);
      // The double recomputation of y must read out as the agent's own Q.
      worst = std::max(
          worst, std::fabs(local::read_out_q(cell_options, y.row(r).transpose()) - pair_q[r]));
      scale = std::max(scale, std::fabs(pair_q[r]));
    }
    const Pca pca = fit_pca(y, 2);
    const Eigen::MatrixXd pcs = pca.project(y);
    summary["y"] = describe(pca, y, pcs, pair_q, pair_action);
    summary["y"]["q_from_y_max_relative_error"] = scale > 0 ? worst / scale : worst;
    std::string csv = "state,t,episode,action,pc1,pc2,q,q_acting\n";
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      const Eigen::Index s = r / actions;
      csv += std::to_string(s) + "," + std::to_string(observations.times[s]) + "," +
             std::to_string(observations.episodes[s]) + "," + std::to_string(r % actions) + "," +
             number(pcs(r, 0)) + "," + number(pcs(r, 1)) + "," + number(pair_q[r]) + "," +
             number(acting_q(s, r % actions)) + "\n";
    }
    write_file_atomic((root / "pca.csv").string(), csv);
    result.files.push_back("pca.csv");
    const std::string what = "y = M̂_a·h of every (state, action), " + layer_name;
    plots.emplace_back("y_pc1_pc2", scatter(what, "PC1", "PC2", labels, pair_action, pcs.col(0),
                                            std::vector<double>(pcs.col(1).data(),
                                                                pcs.col(1).data() + pcs.rows())));
    plots.emplace_back("y_pc1_q", scatter(what, "PC1", "Q (" + layer_name + ")", labels,
                                          pair_action, pcs.col(0), pair_q));
  } else {
    result.notes.push_back("AD reads Q straight from a one-entry y (y = Q): only h is projected");
  }

  // h of every state, coloured by the greedy action; its Q is the layer's best action value.
  std::vector<double> state_q(static_cast<size_t>(states));
  for (int64_t s = 0; s < states; ++s) state_q[s] = layer_q.row(s).maxCoeff();
  const Pca h_pca = fit_pca(hidden, 2);
  Eigen::MatrixXd h_pcs = h_pca.project(hidden);
  if (h_pcs.cols() < 2) h_pcs.conservativeResize(Eigen::NoChange, 2), h_pcs.col(1).setZero();
  summary["h"] = describe(h_pca, hidden, h_pcs, state_q, greedy);
  std::string h_csv = "state,t,episode,greedy,pc1,pc2,max_q,max_q_acting\n";
  for (int64_t s = 0; s < states; ++s) {
    h_csv += std::to_string(s) + "," + std::to_string(observations.times[s]) + "," +
             std::to_string(observations.episodes[s]) + "," + std::to_string(greedy[s]) + "," +
             number(h_pcs(s, 0)) + "," + number(h_pcs(s, 1)) + "," + number(state_q[s]) + "," +
             number(acting_q.row(s).maxCoeff()) + "\n";
  }
  write_file_atomic((root / "h_pca.csv").string(), h_csv);
  result.files.push_back("h_pca.csv");
  const std::string h_what = "h of every state, " + layer_name + ", by greedy action";
  plots.emplace_back("h_pc1_pc2", scatter(h_what, "PC1", "PC2", labels, greedy, h_pcs.col(0),
                                          std::vector<double>(h_pcs.col(1).data(),
                                                              h_pcs.col(1).data() + h_pcs.rows())));
  plots.emplace_back("h_pc1_q", scatter(h_what, "PC1", "max_a Q (" + layer_name + ")", labels,
                                        greedy, h_pcs.col(0), state_q));

  const std::string gnuplot = options.png ? find_gnuplot() : "";
  if (options.png && gnuplot.empty()) {
    result.notes.push_back("gnuplot not found: plots written as SVG only (install gnuplot-nox)");
  }
  for (const auto& [stem, plot] : plots) {
    write_file_atomic((root / (stem + ".svg")).string(), render_scatter_svg(plot));
    result.files.push_back(stem + ".svg");
    if (gnuplot.empty()) continue;
    // The data and program name this folder, so they are removed once the PNG exists.
    const fs::path data = root / (stem + ".dat"), program = root / (stem + ".gp");
    write_file_atomic(data.string(), scatter_gnuplot_data(plot));
    write_file_atomic(program.string(),
                      scatter_gnuplot_program(plot, stem + ".dat", stem + ".png"));
    std::string error;
    if (run_gnuplot(gnuplot, program.string(), &error)) {
      result.files.push_back(stem + ".png");
    } else {
      result.notes.push_back(error + ": kept the SVG");
    }
    fs::remove(data);
    fs::remove(program);
  }
  summary["notes"] = result.notes;
  write_file_atomic((root / "summary.json").string(), summary.dump(2) + "\n");
  result.files.push_back("summary.json");
  return result;
}

}  // namespace arq::analysis
