#include "arq/agents/local/stack_probe.h"

#include <cmath>
#include <string>

#include "arq/agents/local/action_code.h"
#include "arq/core/error.h"

namespace arq::local {
namespace {

// The cell's parameter whose name ends with `suffix` (e.g. ".fc_z1.kernel"), in double.
Eigen::MatrixXd parameter(LocalCell& cell, const std::string& suffix) {
  for (const nn::Parameter& p : cell.parameters()) {
    if (p.name.size() >= suffix.size() &&
        p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return p.value->cast<double>();
    }
  }
  throw Error("cell " + cell.name() + " has no parameter '" + suffix.substr(1) + "'");
}

// Population mean and standard deviation of v.
void moments(const Eigen::VectorXd& v, double& mean, double& std_dev) {
  mean = v.mean();
  std_dev = std::sqrt((v.array() - mean).square().mean());
}

}  // namespace

void probe_step(LayerStack& stack, const nn::ConstMatrixRef& observation, const Context& previous,
                Context& next, StackProbe& probe) {
  const Eigen::Index batch = observation.rows();
  const int layers = stack.layers();
  const int last = layers - 1;
  const StackOptions& options = stack.options();
  probe.inputs.resize(layers);
  probe.hidden.resize(layers);
  probe.q.resize(layers);
  next.layers.resize(layers);
  for (int l = 0; l < layers; ++l) {
    nn::Matrix& x = probe.inputs[l];
    x.resize(batch, options.input_width(l));
    const nn::Matrix& own = previous.layers[l];
    const nn::Matrix& upper = previous.layers[l < last ? l + 1 : l];
    if (l == 0) {
      stack.build_input(l, observation, observation, own, upper, x);
    } else {
      stack.build_input(l, probe.hidden[l - 1], observation, own, upper, x);
    }
    probe.hidden[l].resize(batch, options.widths[l]);
    probe.q[l].resize(batch, options.cell.actions);
    stack.cell(l).forward_all(x, probe.q[l], probe.hidden[l]);
    // The context mixing of LayerStack (h_ctx ← α·h + (1 − α)·h_ctx).
    const float alpha = options.context_alpha;
    if (alpha == 1.0f) {
      next.layers[l] = probe.hidden[l];
    } else {
      next.layers[l] = alpha * probe.hidden[l] + (1.0f - alpha) * own;
    }
  }
}

Eigen::MatrixXd action_vectors(LocalCell& cell, const nn::ConstMatrixRef& x) {
  const CellOptions& options = cell.options();
  if (x.cols() != cell.input_width()) {
    throw Error("cell " + cell.name() + ": action_vectors input has " + std::to_string(x.cols()) +
                " columns, expected " + std::to_string(cell.input_width()));
  }
  const int heads = options.heads, hidden = options.hidden, actions = options.actions;
  const int rows = options.rows_per_action();
  const Eigen::Index width = x.cols();
  const Eigen::MatrixXd w_h = parameter(cell, ".fc_h.kernel");
  const Eigen::MatrixXd b_h = parameter(cell, ".fc_h.bias");
  const Eigen::MatrixXd ln_scale = parameter(cell, ".layer_norm.scale");
  const Eigen::MatrixXd ln_bias = parameter(cell, ".layer_norm.bias");
  const Eigen::MatrixXd w_1 = parameter(cell, ".fc_z1.kernel");
  const Eigen::MatrixXd w_2 = parameter(cell, ".fc_z2.kernel");
  const bool paper = options.norm_order == NormOrder::kPaper;
  const Eigen::MatrixXd attn_scale =
      paper ? parameter(cell, ".attn_norm.scale") : Eigen::MatrixXd();
  const Eigen::MatrixXd attn_bias = paper ? parameter(cell, ".attn_norm.bias") : Eigen::MatrixXd();
  const Eigen::MatrixXd codes = action_code_table(options).cast<double>();
  const bool conditioned = options.action_conditioning;

  Eigen::MatrixXd y(x.rows() * actions, rows);
  Eigen::VectorXd input(w_1.rows()), m(hidden);
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    // h = LayerNorm(ReLU(x·W_h + b_h)), ε = 1e-6 inside the square root.
    const Eigen::VectorXd pre =
        ((x.row(b).cast<double>() * w_h + b_h).array().max(0.0)).transpose().matrix();
    double mean = 0.0, std_dev = 0.0;
    moments(pre, mean, std_dev);
    const Eigen::VectorXd h = ((pre.array() - mean) / std::sqrt(std_dev * std_dev + 1e-6) *
                                   ln_scale.row(0).transpose().array() +
                               ln_bias.row(0).transpose().array())
                                  .matrix();
    input.head(width) = x.row(b).cast<double>().transpose();
    for (int a = 0; a < actions; ++a) {
      if (conditioned) input.tail(codes.cols()) = codes.row(a).transpose();
      // Z1 [K, H] and Z2 [K, R], head-major; without conditioning action a owns columns
      // a·R … a·R+R−1 of each head's A·R block of z2.
      const Eigen::VectorXd z1 = w_1.transpose() * input;
      const Eigen::VectorXd z2 = w_2.transpose() * input;
      const int z2_head_stride = conditioned ? rows : actions * rows;
      const int z2_offset = conditioned ? 0 : a * rows;
      for (int g = 0; g < rows; ++g) {
        m.setZero();
        for (int k = 0; k < heads; ++k) {
          m += z2(k * z2_head_stride + z2_offset + g) * z1.segment(k * hidden, hidden);
        }
        Eigen::VectorXd normalised(hidden);
        if (!paper) {
          moments(m, mean, std_dev);
          normalised = ((m.array() - mean) / (std_dev + 1e-6)).tanh().matrix();
        } else {
          const Eigen::VectorXd t = m.array().tanh().matrix();
          moments(t, mean, std_dev);
          normalised = ((t.array() - mean) / std::sqrt(std_dev * std_dev + 1e-6) *
                            attn_scale.row(0).transpose().array() +
                        attn_bias.row(0).transpose().array())
                           .matrix();
        }
        y(b * actions + a, g) = normalised.dot(h);
      }
    }
  }
  return y;
}

double read_out_q(const CellOptions& options, const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (options.kind == CellKind::kAd) return y(0);
  const double mean = y.mean();
  const double mean_square = y.squaredNorm() / static_cast<double>(y.size());
  const double variance = (y.array() - mean).square().mean();
  switch (options.goodness) {
    case Goodness::kStd:
      return std::sqrt(variance);
    case Goodness::kRms:
      return std::sqrt(mean_square);
    case Goodness::kMean:
      return mean;
    case Goodness::kMeanSquare:
      return mean_square;
    case Goodness::kVariance:
      return variance;
  }
  throw Error("unknown goodness");
}

}  // namespace arq::local
