// PCA, the between-group variance share and the correlation of `arq analyze pca`, on data whose
// answers are known by construction.
#include "arq/analysis/pca.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "arq/core/error.h"
#include "arq/plot/scatter_plot.h"

namespace arq::analysis {
namespace {

// n points x = mean + a·u + b·v + small noise, with orthonormal u, v in R^5 and std(a) = 3,
// std(b) = 1: the components must be ±u and ±v with variance ratios near 9:1.
TEST(Pca, RecoversKnownComponentsAndVariances) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::VectorXd u(5), v(5);
  u << 1, 2, 0, -2, 1;
  v << 2, -1, 1, 0, 0;
  u.normalize();
  v = (v - v.dot(u) * u).normalized();
  Eigen::RowVectorXd mean(5);
  mean << 10, -3, 0.5, 2, 7;
  const int n = 4000;
  Eigen::MatrixXd data(n, 5);
  for (int i = 0; i < n; ++i) {
    Eigen::VectorXd noise(5);
    for (int k = 0; k < 5; ++k) noise(k) = 0.01 * normal(rng);
    data.row(i) = mean + (3.0 * normal(rng) * u + 1.0 * normal(rng) * v + noise).transpose();
  }
  const Pca pca = fit_pca(data, 2);
  ASSERT_EQ(pca.components.cols(), 2);
  EXPECT_NEAR(std::fabs(pca.components.col(0).dot(u)), 1.0, 1e-3);
  EXPECT_NEAR(std::fabs(pca.components.col(1).dot(v)), 1.0, 1e-3);
  EXPECT_NEAR(pca.explained_variance(0), 9.0, 0.6);
  EXPECT_NEAR(pca.explained_variance(1), 1.0, 0.1);
  EXPECT_NEAR(pca.explained_variance_ratio(0) + pca.explained_variance_ratio(1), 1.0, 1e-3);
  EXPECT_NEAR(pca.explained_variance_ratio.sum(), 1.0, 1e-12);
  EXPECT_TRUE(pca.mean.isApprox(mean, 0.2));
  // Projections are centred and their variances are the eigenvalues.
  const Eigen::MatrixXd projected = pca.project(data);
  EXPECT_NEAR(projected.col(0).mean(), 0.0, 1e-9);
  EXPECT_NEAR(projected.col(0).squaredNorm() / n, pca.explained_variance(0), 1e-9);
}

TEST(Pca, SignConventionMakesTheLargestLoadingPositive) {
  // All variance along (-3, 1)/√10: the component must come out as (+3, -1)/√10 whichever way
  // the data is mirrored.
  Eigen::MatrixXd data(4, 2);
  data << -3, 1, 3, -1, -6, 2, 6, -2;
  for (const double flip : {1.0, -1.0}) {
    const Pca pca = fit_pca(flip * data, 1);
    EXPECT_NEAR(pca.components(0, 0), 3.0 / std::sqrt(10.0), 1e-12);
    EXPECT_NEAR(pca.components(1, 0), -1.0 / std::sqrt(10.0), 1e-12);
  }
}

TEST(Pca, RejectsTooLittleData) {
  EXPECT_THROW(fit_pca(Eigen::MatrixXd::Ones(1, 3), 2), Error);
  EXPECT_THROW(fit_pca(Eigen::MatrixXd::Ones(4, 3), 0), Error);
}

TEST(BetweenGroupShare, MatchesHandComputedSumsOfSquares) {
  // Group 0: (0,0), (2,0); group 1: (10,0), (12,0). Grand mean (6,0). Total SS = 36+16+16+36 =
  // 104; between = 2·25 + 2·25 = 100.
  Eigen::MatrixXd data(4, 2);
  data << 0, 0, 2, 0, 10, 0, 12, 0;
  const std::vector<int> groups{0, 0, 1, 1};
  EXPECT_NEAR(between_group_share(data, groups), 100.0 / 104.0, 1e-12);
  // Group means all equal: nothing is explained by the group.
  const std::vector<int> mixed{0, 1, 1, 0};
  Eigen::MatrixXd symmetric(4, 1);
  symmetric << 0, 2, 0, 2;
  EXPECT_NEAR(between_group_share(symmetric, mixed), 0.0, 1e-12);
  // Constant data: 0, not NaN.
  EXPECT_EQ(between_group_share(Eigen::MatrixXd::Ones(3, 2), std::vector<int>{0, 1, 2}), 0.0);
  EXPECT_THROW(between_group_share(data, std::vector<int>{0, 1}), Error);
}

TEST(BetweenGroupShare, OnlyActionOffsetsGiveShareNearOne) {
  // y = action offset + tiny state noise: action identity explains almost all variance.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 0.01);
  Eigen::MatrixXd data(300, 4);
  std::vector<int> groups(300);
  for (int i = 0; i < 300; ++i) {
    groups[i] = i % 3;
    for (int k = 0; k < 4; ++k) data(i, k) = (k == groups[i] ? 5.0 : 0.0) + normal(rng);
  }
  EXPECT_GT(between_group_share(data, groups), 0.999);
}

TEST(PearsonCorrelation, KnownValues) {
  const std::vector<double> x{1, 2, 3, 4};
  EXPECT_NEAR(pearson_correlation(x, std::vector<double>{2, 4, 6, 8}), 1.0, 1e-12);
  EXPECT_NEAR(pearson_correlation(x, std::vector<double>{8, 6, 4, 2}), -1.0, 1e-12);
  // x·y centred: (-1.5)(1)+(-0.5)(-1)+(0.5)(-1)+(1.5)(1) = 0.
  EXPECT_NEAR(pearson_correlation(x, std::vector<double>{1, -1, -1, 1}), 0.0, 1e-12);
  EXPECT_EQ(pearson_correlation(x, std::vector<double>{3, 3, 3, 3}), 0.0);
}

TEST(ScatterPlot, DrawsOnePointPerValueInTheGroupsColour) {
  plot::ScatterSpec plot{"t", "PC1", "PC2", {{"a", {0, 1, 2}, {0, 1, 4}}, {"b", {5}, {5}}}};
  const std::string svg = plot::render_scatter_svg(plot);
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1))
    ++circles;
  EXPECT_EQ(circles, 4u + 2u);  // points plus one legend marker per group
  EXPECT_NE(svg.find("#0072B2"), std::string::npos);
  EXPECT_NE(svg.find("#D55E00"), std::string::npos);
  const std::string data = plot::scatter_gnuplot_data(plot);
  EXPECT_NE(data.find("2 4\n"), std::string::npos);
  EXPECT_NE(plot::scatter_gnuplot_program(plot, "d.dat", "p.png").find("index 1"),
            std::string::npos);
  plot.groups[0].y.pop_back();
  EXPECT_THROW(plot::render_scatter_svg(plot), Error);
}

}  // namespace
}  // namespace arq::analysis
