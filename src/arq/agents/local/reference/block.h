#pragma once
// The reference attention block: one state-action pair, in double precision, written the plain
// way and differentiated by hand with the chain rule. It is what the fused float kernels of
// bilinear_block.h compute; the tests check those kernels against it at every ISA level, and a
// reader who wants the math without the kernels' tiling reads it here (docs/algorithms.md §3).
//
//   Z1 [K, H], Z2 [K, R]   the pair's two projections, K heads
//   M  = Z2ᵀ·Z1            [R, H], materialised
//   M̂_g = tanh((M_g - mean M_g) / (std M_g + ε))           NormOrder::kCode (released code)
//   M̂_g = (t - mean t) / sqrt(var t + ε)·scale + bias,     NormOrder::kPaper (the papers'
//          with t = tanh(M_g)                                pseudocode)
//   y  = M̂·h               [R], the cell's output; ARQ reads Q as a goodness of y, AD as y[0]
#include <Eigen/Core>
#include <cmath>

#include "arq/agents/local/cell_options.h"

namespace arq::local::reference {

using MatrixD = Eigen::MatrixXd;
using VectorD = Eigen::VectorXd;

struct BlockGradients {
  MatrixD z1, z2;  // [K, H], [K, R]
  VectorD h, scale, bias;
};

inline constexpr double kEps = 1e-6;

// y [R] from z1 [K, H], z2 [K, R], h [H]; scale/bias used by the paper order only.
inline VectorD block_forward(const MatrixD& z1, const MatrixD& z2, const VectorD& h,
                             NormOrder order, const VectorD& scale, const VectorD& bias) {
  const MatrixD m = z2.transpose() * z1;
  const double hidden = static_cast<double>(m.cols());
  MatrixD normalised(m.rows(), m.cols());
  for (Eigen::Index g = 0; g < m.rows(); ++g) {
    if (order == NormOrder::kCode) {
      const double mean = m.row(g).mean();
      const double std = std::sqrt((m.row(g).array() - mean).square().sum() / hidden);
      for (Eigen::Index j = 0; j < m.cols(); ++j) {
        normalised(g, j) = std::tanh((m(g, j) - mean) / (std + kEps));
      }
    } else {
      const Eigen::RowVectorXd t = m.row(g).array().tanh();
      const double mean = t.mean();
      const double variance = std::max(t.array().square().mean() - mean * mean, 0.0);
      for (Eigen::Index j = 0; j < m.cols(); ++j) {
        normalised(g, j) = (t(j) - mean) / std::sqrt(variance + kEps) * scale(j) + bias(j);
      }
    }
  }
  return normalised * h;
}

inline BlockGradients block_backward(const MatrixD& z1, const MatrixD& z2, const VectorD& h,
                                     NormOrder order, const VectorD& scale, const VectorD& bias,
                                     const VectorD& grad_y) {
  const MatrixD m = z2.transpose() * z1;
  const Eigen::Index rows = m.rows(), cols = m.cols();
  const double hidden = static_cast<double>(cols);
  BlockGradients grads;
  grads.h = VectorD::Zero(cols);
  grads.scale = VectorD::Zero(cols);
  grads.bias = VectorD::Zero(cols);
  MatrixD grad_m(rows, cols);
  for (Eigen::Index g = 0; g < rows; ++g) {
    const Eigen::RowVectorXd grad_out = grad_y(g) * h.transpose();  // dL/dM̂_g
    if (order == NormOrder::kCode) {
      const double mean = m.row(g).mean();
      const Eigen::RowVectorXd centred = m.row(g).array() - mean;
      const double sigma = std::sqrt(centred.array().square().sum() / hidden);
      const double s = sigma + kEps;
      const Eigen::RowVectorXd t = (centred / s).array().tanh();
      grads.h += grad_y(g) * t.transpose();
      const Eigen::RowVectorXd grad_n = grad_out.array() * (1.0 - t.array().square());
      // n = centred / s, s = σ + ε, σ = sqrt(v), v = mean(centred²)
      const double grad_s = -(grad_n.array() * centred.array()).sum() / (s * s);
      const double grad_v = sigma > 0 ? grad_s / (2.0 * sigma) : 0.0;
      const double grad_mean = -grad_n.sum() / s;
      grad_m.row(g) = grad_n / s + Eigen::RowVectorXd::Constant(cols, grad_mean / hidden) +
                      grad_v * 2.0 * centred / hidden;
    } else {
      const Eigen::RowVectorXd t = m.row(g).array().tanh();
      const double mean = t.mean();
      const double variance = std::max(t.array().square().mean() - mean * mean, 0.0);
      const double rs = 1.0 / std::sqrt(variance + kEps);
      const Eigen::RowVectorXd n = (t.array() - mean) * rs;
      const Eigen::RowVectorXd normalised =
          n.array() * scale.transpose().array() + bias.transpose().array();
      grads.h += grad_y(g) * normalised.transpose();
      grads.scale += (grad_out.array() * n.array()).matrix().transpose();
      grads.bias += grad_out.transpose();
      const Eigen::RowVectorXd grad_n = grad_out.array() * scale.transpose().array();
      // n = (t - μ)·rs, rs = (var + ε)^(-1/2), var = mean(t²) - μ²
      const double grad_rs = (grad_n.array() * (t.array() - mean)).sum();
      const double grad_var = variance > 0 ? grad_rs * -0.5 * rs * rs * rs : 0.0;
      const double grad_mean = -grad_n.sum() * rs + grad_var * -2.0 * mean;
      const Eigen::RowVectorXd grad_t = grad_n * rs + grad_var * 2.0 * t / hidden +
                                        Eigen::RowVectorXd::Constant(cols, grad_mean / hidden);
      grad_m.row(g) = grad_t.array() * (1.0 - t.array().square());
    }
  }
  grads.z1 = z2 * grad_m;  // M = Z2ᵀ·Z1
  grads.z2 = z1 * grad_m.transpose();
  return grads;
}

}  // namespace arq::local::reference
