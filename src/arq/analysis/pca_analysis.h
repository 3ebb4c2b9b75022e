#pragma once
// `arq analyze pca`: how a local agent's hidden vectors are organised (the ARQ paper's
// action-conditioning figure). For every (state, action) pair of one layer the vector
// y_a = M̂_a·h that the goodness reads, and for every state the activation h, are projected onto
// their first two principal components. Written: pca.csv (per pair: PC1, PC2, Q, action),
// h_pca.csv (per state), summary.json (explained variance ratios, corr(PC1, Q), and the share of
// the variance that action identity explains: between-action / total sum of squares, of y and
// of PC1) and scatter plots (SVG, and PNG through gnuplot when installed).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arq/analysis/q_probe.h"

namespace arq::analysis {

struct PcaAnalysisOptions {
  int layer = 0;
  std::string out_dir;
  bool png = true;  // needs gnuplot on PATH; SVG is always written
};

struct PcaAnalysisResult {
  nlohmann::json summary;
  std::vector<std::string> files;  // relative to out_dir
  std::vector<std::string> notes;
};

PcaAnalysisResult analyze_pca(LocalCheckpoint& checkpoint, const RolloutObservations& observations,
                              const PcaAnalysisOptions& options);

}  // namespace arq::analysis
