#pragma once
// Principal component analysis and the variance statistics of `arq analyze pca`.
#include <span>
#include <vector>

#include <Eigen/Core>

namespace arq::analysis {

struct Pca {
  Eigen::RowVectorXd mean;                   // [dims]
  Eigen::MatrixXd components;                // [dims, k]: unit principal axes, by variance
  Eigen::VectorXd explained_variance;        // [dims]: covariance eigenvalues, descending
  Eigen::VectorXd explained_variance_ratio;  // [dims]: the same over their sum (0 if all zero)

  // [n, k]: (data - mean) · components.
  Eigen::MatrixXd project(const Eigen::MatrixXd& data) const;
};

// PCA of the rows of `data` [n, dims] from the eigen-decomposition of the population covariance
// (Eigen's SelfAdjointEigenSolver), keeping `components` axes (at most dims). Each axis' sign is
// fixed so that its largest-magnitude loading is positive (the first such one on ties), so the
// result does not depend on the solver's arbitrary signs. Throws arq::Error for n < 2.
Pca fit_pca(const Eigen::MatrixXd& data, int components);

// Share of the total sum of squares of `data` (about its mean, summed over columns) that lies
// between the groups: Σ_g n_g·|mean_g − mean|² / Σ_i |x_i − mean|², in [0, 1] (0 when every
// row is equal). groups[i] is row i's group label (non-negative).
double between_group_share(const Eigen::MatrixXd& data, std::span<const int> groups);

// Pearson correlation of two equally long series; 0 when either is constant.
double pearson_correlation(std::span<const double> x, std::span<const double> y);

}  // namespace arq::analysis
