#include "arq/agents/tdmpc2/inference_mlp.h"

#include <cmath>
#include <string>
#include <utility>

#include "arq/core/error.h"
#include "arq/nn/dropout.h"
#include "arq/nn/gemm.h"
#include "arq/nn/mish.h"
#include "arq/nn/sim_norm.h"

namespace arq::tdmpc2 {
namespace {

[[noreturn]] void unsupported(size_t index, const std::string& what) {
  throw Error("TD-MPC2 inference: layer " + std::to_string(index) + " " + what +
              " (expected Linear -> (Dropout) -> (LayerNorm) -> (Mish | SimNorm) stages)");
}

// The pass over one row is a plain loop over Eigen row maps: no temporaries, no allocation.
using RowArray = Eigen::Map<Eigen::Array<float, 1, Eigen::Dynamic, Eigen::RowMajor>>;

void simnorm_in_place(float* row, Eigen::Index width, Eigen::Index group) {
  for (Eigen::Index g = 0; g < width; g += group) {
    RowArray values(row + g, group);
    const float max = values.maxCoeff();
    // As nn::SimNorm: shifted only where exp could over- or underflow.
    if (std::abs(max) > 60.0f) {
      values = (values - max).exp();
    } else {
      values = values.exp();
    }
    values *= 1.0f / values.sum();
  }
}

}  // namespace

InferenceMlp::InferenceMlp(nn::Sequential& network) {
  for (size_t i = 0; i < network.size(); ++i) {
    nn::Layer& layer = network.layer(i);
    if (auto* linear = dynamic_cast<nn::Linear*>(&layer)) {
      Stage stage;
      stage.linear = linear;
      stage.output = nn::BatchBuffer(linear->output_width());
      stages_.push_back(std::move(stage));
      continue;
    }
    if (stages_.empty()) unsupported(i, "comes before any Linear");
    Stage& stage = stages_.back();
    if (dynamic_cast<nn::Dropout*>(&layer) != nullptr) {
      if (stage.norm != nullptr || stage.activation != Activation::kNone) {
        unsupported(i, "is a Dropout after a LayerNorm or an activation");
      }
    } else if (auto* norm = dynamic_cast<nn::LayerNorm*>(&layer)) {
      if (stage.norm != nullptr || stage.activation != Activation::kNone) {
        unsupported(i, "is a second LayerNorm or follows an activation");
      }
      stage.norm = norm;
    } else if (stage.activation != Activation::kNone) {
      unsupported(i, "is a second activation");
    } else if (dynamic_cast<nn::Mish*>(&layer) != nullptr) {
      stage.activation = Activation::kMish;
    } else if (auto* simnorm = dynamic_cast<nn::SimNorm*>(&layer)) {
      stage.activation = Activation::kSimNorm;
      stage.simnorm_group = simnorm->group();
    } else {
      unsupported(i, "has a type this pass does not fuse");
    }
  }
  if (stages_.empty()) throw Error("TD-MPC2 inference: the network has no layers");
}

Eigen::Index InferenceMlp::input_width() const {
  return stages_.front().linear->input_width();
}

Eigen::Index InferenceMlp::output_width() const {
  return stages_.back().linear->output_width();
}

void InferenceMlp::finish_rows(Stage& stage, nn::MatrixMap rows) {
  const Eigen::Index width = rows.cols();
  const float inverse_width = 1.0f / static_cast<float>(width);
  const bool bias = stage.linear->has_bias();
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    RowArray row(rows.row(r).data(), width);
    if (bias) row += stage.linear->bias().row(0).array();
    if (stage.norm != nullptr) {
      // As nn::LayerNorm: standardize with eps inside the square root, then scale and shift.
      const float mean = row.sum() * inverse_width;
      const float variance = (row - mean).square().sum() * inverse_width;
      const float inverse = 1.0f / std::sqrt(variance + stage.norm->eps());
      row = ((row - mean) * inverse) * stage.norm->scale().row(0).array() +
            stage.norm->bias().row(0).array();
    }
    if (stage.activation == Activation::kMish) {
      nn::mish_values(row.data(), row.data(), width);
    } else if (stage.activation == Activation::kSimNorm) {
      simnorm_in_place(row.data(), width, stage.simnorm_group);
    }
  }
}

nn::ConstMatrixMap InferenceMlp::forward(const nn::ConstMatrixRef& input) {
  if (input.cols() != input_width()) {
    throw Error("TD-MPC2 inference: input has " + std::to_string(input.cols()) +
                " columns, expected " + std::to_string(input_width()));
  }
  Stage& first = stages_.front();
  nn::MatrixMap out = first.output.resize_rows(input.rows());
  nn::gemm(input, nn::Transpose::kNo, first.linear->weight(), nn::Transpose::kNo, out);
  finish_rows(first, out);
  return forward_after_first();
}

nn::ConstMatrixMap InferenceMlp::forward_shared_prefix(const nn::ConstMatrixRef& prefix,
                                                       const nn::ConstMatrixRef& rest) {
  if (prefix.rows() != 1 || prefix.cols() < 1 || prefix.cols() + rest.cols() != input_width()) {
    throw Error("TD-MPC2 inference: a shared prefix of " + std::to_string(prefix.rows()) + "x" +
                std::to_string(prefix.cols()) + " and " + std::to_string(rest.cols()) +
                " more columns do not make one row of the " + std::to_string(input_width()) +
                " inputs");
  }
  Stage& first = stages_.front();
  const nn::Matrix& weight = first.linear->weight();
  prefix_product_.resize(1, weight.cols());  // allocates on the first call only
  nn::gemm(prefix, nn::Transpose::kNo, weight.topRows(prefix.cols()), nn::Transpose::kNo,
           prefix_product_);
  nn::MatrixMap out = first.output.resize_rows(rest.rows());
  out.rowwise() = prefix_product_.row(0);
  nn::gemm(rest, nn::Transpose::kNo, weight.bottomRows(rest.cols()), nn::Transpose::kNo, out, 1.0f,
           1.0f);
  finish_rows(first, out);
  return forward_after_first();
}

nn::ConstMatrixMap InferenceMlp::forward_after_first() {
  const Eigen::Index rows = stages_.front().output.rows();
  for (size_t s = 1; s < stages_.size(); ++s) {
    Stage& stage = stages_[s];
    nn::MatrixMap out = stage.output.resize_rows(rows);
    nn::gemm(stages_[s - 1].output.view(), nn::Transpose::kNo, stage.linear->weight(),
             nn::Transpose::kNo, out);
    finish_rows(stage, out);
  }
  return stages_.back().output.view();
}

}  // namespace arq::tdmpc2
