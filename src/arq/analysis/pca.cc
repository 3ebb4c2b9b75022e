#include "arq/analysis/pca.h"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::analysis {

Eigen::MatrixXd Pca::project(const Eigen::MatrixXd& data) const {
  if (data.cols() != mean.size()) {
    throw Error("pca: data has " + std::to_string(data.cols()) + " columns, the fit had " +
                std::to_string(mean.size()));
  }
  return (data.rowwise() - mean) * components;
}

Pca fit_pca(const Eigen::MatrixXd& data, int components) {
  const Eigen::Index n = data.rows(), dims = data.cols();
  if (n < 2 || dims < 1) {
    throw Error("pca: needs at least 2 rows and 1 column, got " + std::to_string(n) + "x" +
                std::to_string(dims));
  }
  if (components < 1) throw Error("pca: needs at least one component");
  Pca pca;
  pca.mean = data.colwise().mean();
  const Eigen::MatrixXd centred = data.rowwise() - pca.mean;
  const Eigen::MatrixXd covariance = centred.transpose() * centred / static_cast<double>(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  if (solver.info() != Eigen::Success) throw Error("pca: the eigen-decomposition failed");
  // Eigen sorts eigenvalues ascending; reverse to descending.
  const Eigen::Index keep = std::min<Eigen::Index>(components, dims);
  pca.explained_variance = solver.eigenvalues().reverse().cwiseMax(0.0);
  const double total = pca.explained_variance.sum();
  pca.explained_variance_ratio =
      total > 0 ? Eigen::VectorXd(pca.explained_variance / total) : Eigen::VectorXd::Zero(dims);
  pca.components.resize(dims, keep);
  for (Eigen::Index k = 0; k < keep; ++k) {
    Eigen::VectorXd axis = solver.eigenvectors().col(dims - 1 - k);
    Eigen::Index largest = 0;
    for (Eigen::Index i = 1; i < dims; ++i) {
      // Ties within rounding keep the first index, so the convention is stable.
      if (std::fabs(axis(i)) > std::fabs(axis(largest)) * (1.0 + 1e-9)) largest = i;
    }
    if (axis(largest) < 0) axis = -axis;
    pca.components.col(k) = axis;
  }
  return pca;
}

double between_group_share(const Eigen::MatrixXd& data, std::span<const int> groups) {
  if (static_cast<Eigen::Index>(groups.size()) != data.rows() || data.rows() == 0) {
    throw Error("between_group_share: needs one group label per row, got " +
                std::to_string(groups.size()) + " labels for " + std::to_string(data.rows()) +
                " rows");
  }
  int group_count = 0;
  for (const int g : groups) {
    if (g < 0) throw Error("between_group_share: group labels must be >= 0");
    group_count = std::max(group_count, g + 1);
  }
  const Eigen::RowVectorXd mean = data.colwise().mean();
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(group_count, data.cols());
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(group_count);
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    sums.row(groups[i]) += data.row(i);
    counts(groups[i]) += 1.0;
  }
  double between = 0.0;
  for (int g = 0; g < group_count; ++g) {
    if (counts(g) == 0) continue;
    between += counts(g) * (sums.row(g) / counts(g) - mean).squaredNorm();
  }
  const double total = (data.rowwise() - mean).squaredNorm();
  return total > 0 ? between / total : 0.0;
}

double pearson_correlation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.empty()) {
    throw Error("pearson_correlation: needs two non-empty series of equal length");
  }
  const auto n = static_cast<double>(x.size());
  double mean_x = 0.0, mean_y = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= n;
  mean_y /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace arq::analysis
