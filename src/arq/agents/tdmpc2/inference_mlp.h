#pragma once
// An inference-only forward pass over one of the world model's MLPs (world_model.cc's pattern:
// Linear -> (Dropout) -> LayerNorm -> Mish per hidden layer, then Linear -> (LayerNorm ->
// SimNorm)), for planning and for the update's gradient-free targets. Each Linear is one GEMM
// into a buffer owned here, followed by one pass per row, while the row is in L1, that adds the
// bias and applies the LayerNorm and the activation; Sequential::forward walks the whole batch
// once per layer instead. Dropout is the identity (evaluation mode). The parameters are read from
// the network at every call, so the pass follows training; it computes what Sequential::forward
// computes in evaluation mode, up to the rounding of the fused arithmetic.
// Buffers grow to the largest batch seen: steady-state calls do not allocate.
#include <vector>

#include "arq/nn/batch_buffer.h"
#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "arq/nn/sequential.h"

namespace arq::tdmpc2 {

class InferenceMlp {
 public:
  // Throws arq::Error if the network's layers do not follow the pattern above.
  explicit InferenceMlp(nn::Sequential& network);

  Eigen::Index input_width() const;
  Eigen::Index output_width() const;

  // input [N, input_width] -> a view of [N, output_width], valid until the next forward.
  nn::ConstMatrixMap forward(const nn::ConstMatrixRef& input);
  // The forward of rows [prefix | rest_i] whose first columns are one shared row `prefix`
  // ([1, P]), e.g. a planning step's latent, without a copy of it per row: the first Linear
  // computes prefix·W[0:P] once and adds rest·W[P:] ([N, input_width - P]) to every row.
  nn::ConstMatrixMap forward_shared_prefix(const nn::ConstMatrixRef& prefix,
                                           const nn::ConstMatrixRef& rest);

 private:
  enum class Activation { kNone, kMish, kSimNorm };
  struct Stage {
    nn::Linear* linear = nullptr;
    nn::LayerNorm* norm = nullptr;  // nullptr: none
    Activation activation = Activation::kNone;
    Eigen::Index simnorm_group = 0;
    nn::BatchBuffer output;
  };

  // The bias, LayerNorm and activation of `stage` over its output rows, in place.
  static void finish_rows(Stage& stage, nn::MatrixMap rows);
  // Stages 1.. on the first stage's output.
  nn::ConstMatrixMap forward_after_first();

  std::vector<Stage> stages_;
  nn::Matrix prefix_product_;  // [1, first stage's width]
};

}  // namespace arq::tdmpc2
