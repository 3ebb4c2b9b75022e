#pragma once
// The reference local cell (ARQ or AD), in double precision, as the released code computes it:
// the state x is tiled once per action with the action's code appended (row b·A + a), both
// projections are computed for the whole tiled matrix, Z1 and Z2 are reshaped head-major, and M
// is materialised per pair (block.h). Q(x, a) is the goodness of the pair's output y (ARQ) or
// y[0] (AD). loss_and_gradients differentiates Σ_b w_b·Q(x_b, a_b), which is the local TD
// update's loss when w_b = 2·(Q - target)/B, with the chain rule written out by hand.
//
// Nothing here shares code with the fast path (local_cell.h) except the option enums and the
// action codes, so the tests that compare the two (tests/agents/local_cell_test.cc,
// local_learner_test.cc) check the fast path's sharing of the state projections across
// actions, its backward pass through the taken action only, and its kernels. It is slow on
// purpose: read it to see what one cell computes.
#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "arq/agents/local/action_code.h"
#include "arq/agents/local/local_cell.h"
#include "arq/agents/local/reference/block.h"
#include "arq/core/error.h"

namespace arq::local::reference {

struct CellParameters {
  MatrixD fc_h_kernel, z1_kernel, z2_kernel;  // [in, out]
  VectorD fc_h_bias, ln_scale, ln_bias, attn_scale, attn_bias;
};

// Gradients in the same layout, keyed by the cell's parameter-name suffixes.
struct CellGradients {
  MatrixD fc_h_kernel, z1_kernel, z2_kernel;
  VectorD fc_h_bias, ln_scale, ln_bias, attn_scale, attn_bias;
};

inline bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

inline CellParameters parameters_of(LocalCell& cell) {
  CellParameters p;
  for (const nn::Parameter& param : cell.parameters()) {
    const MatrixD value = param.value->cast<double>();
    if (ends_with(param.name, ".fc_h.kernel")) p.fc_h_kernel = value;
    if (ends_with(param.name, ".fc_h.bias")) p.fc_h_bias = value.transpose();
    if (ends_with(param.name, ".layer_norm.scale")) p.ln_scale = value.transpose();
    if (ends_with(param.name, ".layer_norm.bias")) p.ln_bias = value.transpose();
    if (ends_with(param.name, ".fc_z1.kernel")) p.z1_kernel = value;
    if (ends_with(param.name, ".fc_z2.kernel")) p.z2_kernel = value;
    if (ends_with(param.name, ".attn_norm.scale")) p.attn_scale = value.transpose();
    if (ends_with(param.name, ".attn_norm.bias")) p.attn_bias = value.transpose();
  }
  if (p.attn_scale.size() == 0) {  // code order: unused, but the block reference wants vectors
    p.attn_scale = VectorD::Ones(p.ln_scale.size());
    p.attn_bias = VectorD::Zero(p.ln_scale.size());
  }
  return p;
}

// The gradient the cell stored for the parameter with this suffix, as double.
inline MatrixD gradient_of(LocalCell& cell, const std::string& suffix) {
  for (const nn::Parameter& param : cell.parameters()) {
    if (ends_with(param.name, suffix)) return param.grad->cast<double>();
  }
  throw Error("no parameter ending in " + suffix);
}

inline double goodness(Goodness kind, const VectorD& y) {
  const double n = static_cast<double>(y.size());
  const double mean = y.mean();
  const double variance = (y.array() - mean).square().sum() / n;
  switch (kind) {
    case Goodness::kStd:
      return std::sqrt(variance);
    case Goodness::kRms:
      return std::sqrt(y.squaredNorm() / n);
    case Goodness::kMean:
      return mean;
    case Goodness::kMeanSquare:
      return y.squaredNorm() / n;
    case Goodness::kVariance:
      return variance;
  }
  return 0.0;
}

inline VectorD goodness_gradient(Goodness kind, const VectorD& y) {
  const double n = static_cast<double>(y.size());
  const VectorD centred = (y.array() - y.mean()).matrix();
  switch (kind) {
    case Goodness::kStd:
      return centred / (n * goodness(kind, y));
    case Goodness::kRms:
      return y / (n * goodness(kind, y));
    case Goodness::kMean:
      return VectorD::Constant(y.size(), 1.0 / n);
    case Goodness::kMeanSquare:
      return 2.0 * y / n;
    case Goodness::kVariance:
      return 2.0 * centred / n;
  }
  return VectorD();
}

class Cell {
 public:
  Cell(const CellOptions& options, CellParameters params)
      : options_(options), p_(std::move(params)) {
    codes_ = action_code_table(options).cast<double>();
  }

  CellParameters& parameters() { return p_; }

  // h [B, H]: LayerNorm(ReLU(x·W + b)) with Flax's fast variance E[r²] - E[r]².
  MatrixD hidden(const MatrixD& x) const {
    const MatrixD relu = ((x * p_.fc_h_kernel).rowwise() + p_.fc_h_bias.transpose()).cwiseMax(0.0);
    MatrixD h(relu.rows(), relu.cols());
    for (Eigen::Index b = 0; b < relu.rows(); ++b) {
      const double mean = relu.row(b).mean();
      const double variance = std::max(relu.row(b).array().square().mean() - mean * mean, 0.0);
      const double rs = 1.0 / std::sqrt(variance + 1e-6);
      for (Eigen::Index j = 0; j < relu.cols(); ++j) {
        h(b, j) = (relu(b, j) - mean) * rs * p_.ln_scale(j) + p_.ln_bias(j);
      }
    }
    return h;
  }

  // Q [B, A] for every action, as the released code computes it.
  MatrixD q_all(const MatrixD& x) const {
    const Eigen::Index batch = x.rows();
    const int actions = options_.actions;
    MatrixD q(batch, actions);
    for (Eigen::Index b = 0; b < batch; ++b) {
      for (int a = 0; a < actions; ++a) q(b, a) = pair(x, b, a).q;
    }
    return q;
  }

  // L = Σ_b weight_b·Q(x_b, actions_b): its value and the gradients of every parameter.
  double loss_and_gradients(const MatrixD& x, const std::vector<int>& actions,
                            const VectorD& weights, CellGradients* grads) const {
    const Eigen::Index batch = x.rows();
    const int hidden_width = options_.hidden, heads = options_.heads;
    const int rows = options_.rows_per_action();
    const MatrixD tiled = tiled_input(x);
    const Eigen::Index tiled_rows = tiled.rows();
    MatrixD grad_p1 = MatrixD::Zero(tiled_rows, p_.z1_kernel.cols());
    MatrixD grad_p2 = MatrixD::Zero(tiled_rows, p_.z2_kernel.cols());
    MatrixD grad_h = MatrixD::Zero(batch, hidden_width);
    grads->attn_scale = VectorD::Zero(hidden_width);
    grads->attn_bias = VectorD::Zero(hidden_width);
    double loss = 0.0;
    for (Eigen::Index b = 0; b < batch; ++b) {
      const int a = actions[b];
      const Pair pr = pair(x, b, a);
      loss += weights(b) * pr.q;
      VectorD grad_y_all = VectorD::Zero(pr.y_all.size());
      const VectorD grad_y = options_.kind == CellKind::kArq
                                 ? VectorD(weights(b) * goodness_gradient(options_.goodness, pr.y))
                                 : VectorD::Constant(1, weights(b));
      grad_y_all.segment(pr.first_row, rows) = grad_y;
      const BlockGradients g = block_backward(pr.z1, pr.z2, pr.h, options_.norm_order,
                                              p_.attn_scale, p_.attn_bias, grad_y_all);
      grad_h.row(b) += g.h.transpose();
      grads->attn_scale += g.scale;
      grads->attn_bias += g.bias;
      for (int k = 0; k < heads; ++k) {
        for (int j = 0; j < hidden_width; ++j)
          grad_p1(pr.tiled_row, k * hidden_width + j) = g.z1(k, j);
        for (Eigen::Index c = 0; c < g.z2.cols(); ++c) {
          grad_p2(pr.tiled_row, k * g.z2.cols() + c) = g.z2(k, c);
        }
      }
    }
    grads->z1_kernel = tiled.transpose() * grad_p1;
    grads->z2_kernel = tiled.transpose() * grad_p2;
    hidden_backward(x, grad_h, grads);
    return loss;
  }

 private:
  struct Pair {
    MatrixD z1, z2;  // [K, H], [K, rows of the whole M]
    VectorD h, y_all, y;
    int first_row;
    Eigen::Index tiled_row;
    double q;
  };

  // The rows the projections see: X tiled per action with the code appended, or X itself.
  MatrixD tiled_input(const MatrixD& x) const {
    if (!options_.action_conditioning) return x;
    const int actions = options_.actions;
    MatrixD tiled(x.rows() * actions, x.cols() + codes_.cols());
    for (Eigen::Index b = 0; b < x.rows(); ++b) {
      for (int a = 0; a < actions; ++a) {
        tiled.row(b * actions + a) << x.row(b), codes_.row(a);
      }
    }
    return tiled;
  }

  Pair pair(const MatrixD& x, Eigen::Index b, int a) const {
    const int heads = options_.heads, hidden_width = options_.hidden;
    const int rows = options_.rows_per_action();
    const MatrixD tiled = tiled_input(x);
    Pair pr;
    pr.tiled_row = options_.action_conditioning ? b * options_.actions + a : b;
    const Eigen::RowVectorXd p1 = tiled.row(pr.tiled_row) * p_.z1_kernel;
    const Eigen::RowVectorXd p2 = tiled.row(pr.tiled_row) * p_.z2_kernel;
    const Eigen::Index m_rows = p2.size() / heads;
    pr.z1.resize(heads, hidden_width);
    pr.z2.resize(heads, m_rows);
    for (int k = 0; k < heads; ++k) {
      pr.z1.row(k) = p1.segment(k * hidden_width, hidden_width);
      pr.z2.row(k) = p2.segment(k * m_rows, m_rows);
    }
    pr.h = hidden(x.row(b)).transpose();
    pr.y_all = block_forward(pr.z1, pr.z2, pr.h, options_.norm_order, p_.attn_scale, p_.attn_bias);
    pr.first_row = options_.action_conditioning ? 0 : a * rows;
    pr.y = pr.y_all.segment(pr.first_row, rows);
    pr.q = options_.kind == CellKind::kArq ? goodness(options_.goodness, pr.y) : pr.y(0);
    return pr;
  }

  void hidden_backward(const MatrixD& x, const MatrixD& grad_h, CellGradients* grads) const {
    const MatrixD pre = (x * p_.fc_h_kernel).rowwise() + p_.fc_h_bias.transpose();
    const MatrixD relu = pre.cwiseMax(0.0);
    const double width = static_cast<double>(relu.cols());
    MatrixD grad_pre(pre.rows(), pre.cols());
    grads->ln_scale = VectorD::Zero(relu.cols());
    grads->ln_bias = VectorD::Zero(relu.cols());
    for (Eigen::Index b = 0; b < relu.rows(); ++b) {
      const Eigen::RowVectorXd r = relu.row(b);
      const double mean = r.mean();
      const double variance = std::max(r.array().square().mean() - mean * mean, 0.0);
      const double rs = 1.0 / std::sqrt(variance + 1e-6);
      const Eigen::RowVectorXd n = (r.array() - mean) * rs;
      grads->ln_scale += (grad_h.row(b).array() * n.array()).matrix().transpose();
      grads->ln_bias += grad_h.row(b).transpose();
      const Eigen::RowVectorXd grad_n = grad_h.row(b).array() * p_.ln_scale.transpose().array();
      const double grad_rs = (grad_n.array() * (r.array() - mean)).sum();
      const double grad_var = grad_rs * -0.5 * rs * rs * rs;
      const double grad_mean = -grad_n.sum() * rs + grad_var * -2.0 * mean;
      const Eigen::RowVectorXd grad_r = grad_n * rs + grad_var * 2.0 * r / width +
                                        Eigen::RowVectorXd::Constant(r.size(), grad_mean / width);
      for (Eigen::Index j = 0; j < r.size(); ++j) grad_pre(b, j) = pre(b, j) > 0 ? grad_r(j) : 0.0;
    }
    grads->fc_h_kernel = x.transpose() * grad_pre;
    grads->fc_h_bias = grad_pre.colwise().sum().transpose();
  }

  CellOptions options_;
  CellParameters p_;
  MatrixD codes_;
};

}  // namespace arq::local::reference
