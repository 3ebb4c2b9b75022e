#include "arq/agents/local/sparse_columns.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "arq/agents/local/layer_stack.h"
#include "arq/agents/local/local_cell.h"
#include "arq/core/error.h"
#include "isa_levels.h"

namespace arq::local {
namespace {

// A batch whose columns [begin, begin + width) are binary with about `density` of them set;
// the other columns are dense.
nn::Matrix mixed_input(std::mt19937& rng, int rows, int cols, int begin, int width,
                       double density) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::bernoulli_distribution bit(density);
  nn::Matrix x(rows, cols);
  for (int b = 0; b < rows; ++b) {
    for (int c = 0; c < cols; ++c) {
      x(b, c) = c >= begin && c < begin + width ? (bit(rng) ? 1.0f : 0.0f) : normal(rng);
    }
  }
  return x;
}

nn::Matrix random_matrix(std::mt19937& rng, int rows, int cols) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  nn::Matrix m(rows, cols);
  for (float& v : m.reshaped()) v = normal(rng);
  return m;
}

class SparseColumnsAtEachLevel : public test::AtEachIsaLevel {};

TEST_P(SparseColumnsAtEachLevel, ProductsEqualTheDenseProductsOfTheBlock) {
  std::mt19937 rng(4);
  // Widths that exercise 4-, 2- and 1-vector tiles of 8 and of 16 floats, the scalar tail and
  // the masked last vector; values not only 0/1.
  for (const int n : {5, 8, 16, 37, 75, 100, 130}) {
    nn::Matrix x = mixed_input(rng, 7, 30, 4, 21, 0.2);
    x(2, 9) = -2.5f;
    SparseColumns columns;
    const double density = columns.gather(x, 4, 21);
    const auto block = x.middleCols(4, 21);
    EXPECT_DOUBLE_EQ(density, static_cast<double>((block.array() != 0.0f).count()) / (7 * 21));
    EXPECT_EQ(columns.rows(), 7);
    EXPECT_EQ(columns.width(), 21);

    const nn::Matrix w = random_matrix(rng, 21, n), start = random_matrix(rng, 7, n);
    nn::Matrix out = start;
    columns.multiply_accumulate(w, out, 2, 6);  // rows 2..5 only
    const nn::Matrix expected = start + block * w;
    for (int b = 0; b < 7; ++b) {
      for (int j = 0; j < n; ++j) {
        if (b < 2 || b >= 6) {
          EXPECT_EQ(out(b, j), start(b, j));
        } else {
          EXPECT_NEAR(out(b, j), expected(b, j), 1e-4f * (1.0f + std::abs(expected(b, j))));
        }
      }
    }

    const nn::Matrix grad_out = random_matrix(rng, 7, n);
    nn::Matrix grad_w = nn::Matrix::Constant(21, n, std::numeric_limits<float>::quiet_NaN());
    columns.transpose_multiply(grad_out, grad_w);  // overwrites, NaN included
    const nn::Matrix expected_grad = block.transpose() * grad_out;
    EXPECT_LT((grad_w - expected_grad).cwiseAbs().maxCoeff(), 1e-4f) << "n = " << n;
  }
}

ARQ_INSTANTIATE_AT_EACH_ISA_LEVEL(SparseColumnsAtEachLevel);

// Every level adds the same terms in the same order with one multiply-add each: same bits.
TEST(SparseColumnsTest, EveryLevelGivesTheSameBits) {
  std::mt19937 rng(5);
  const nn::Matrix x = mixed_input(rng, 9, 40, 3, 33, 0.15);
  SparseColumns columns;
  columns.gather(x, 3, 33);
  for (const int n : {7, 48, 100, 515}) {
    const nn::Matrix w = random_matrix(rng, 33, n), start = random_matrix(rng, 9, n);
    const nn::Matrix grad_out = random_matrix(rng, 9, n);
    std::vector<nn::Matrix> outs, grads;
    for (const IsaLevel level : all_isa_levels()) {
      if (!cpu_supports(level)) continue;
      const ScopedIsaLevel scoped(level);
      nn::Matrix out = start, grad_w(33, n);
      columns.multiply_accumulate(w, out, 0, 9);
      columns.transpose_multiply(grad_out, grad_w);
      outs.push_back(out);
      grads.push_back(grad_w);
    }
    for (size_t i = 1; i < outs.size(); ++i) {
      EXPECT_EQ(outs[i], outs[0]) << "n = " << n;
      EXPECT_EQ(grads[i], grads[0]) << "n = " << n;
    }
  }
}

// A gather prepared once and handed to the cell gives bit-identical results to the cell's own
// gather, without reading the gathered columns of X (here NaN).
TEST(SparseColumnsTest, CellWithASharedGatherMatchesItsOwnGatherBitForBit) {
  constexpr int kBatch = 6, kInput = 40, kBegin = 5, kWidth = 30, kActions = 3;
  std::mt19937 rng(9);
  for (const CellKind kind : {CellKind::kArq, CellKind::kAd}) {
    const CellOptions options =
        kind == CellKind::kArq ? CellOptions::arq(16, kActions) : CellOptions::ad(16, kActions);
    LocalCell cell("cell", options, kInput);
    nn::Rng init(3);
    cell.initialize(init);
    cell.set_sparse_columns(kBegin, kWidth);
    const nn::Matrix x = mixed_input(rng, kBatch, kInput, kBegin, kWidth, 0.1);
    SparseColumns columns;
    columns.gather(x, kBegin, kWidth);
    ASSERT_TRUE(LocalCell::skips_columns(&columns));
    nn::Matrix unread = x;
    unread.middleCols(kBegin, kWidth).setConstant(std::numeric_limits<float>::quiet_NaN());

    const std::vector<int> actions = {0, 2, 1, 1, 0, 2};
    auto grad = [](int row, float q) { return 0.1f * static_cast<float>(row + 1) - q; };
    nn::Matrix q_own(kBatch, kActions), h_own(kBatch, 16), q_shared(kBatch, kActions),
        h_shared(kBatch, 16);
    std::vector<float> t_own(kBatch), t_shared(kBatch);
    cell.forward_all(x, q_own, h_own);
    cell.forward_all(unread, q_shared, h_shared, &columns);
    EXPECT_EQ(q_own, q_shared);
    EXPECT_EQ(h_own, h_shared);
    cell.forward_backward_selected(x, actions, grad, t_own, h_own);
    std::vector<nn::Matrix> own_grads;
    for (const nn::Parameter& p : cell.parameters()) own_grads.push_back(*p.grad);
    cell.forward_backward_selected(unread, actions, grad, t_shared, h_shared, &columns);
    EXPECT_EQ(t_own, t_shared);
    const nn::ParameterList params = cell.parameters();
    for (size_t i = 0; i < params.size(); ++i) {
      EXPECT_EQ(*params[i].grad, own_grads[i]) << params[i].name;
    }
  }
}

TEST(SparseColumnsTest, CellRejectsAGatherOfTheWrongShape) {
  LocalCell cell("cell", CellOptions::arq(8, 2), 20);
  cell.set_sparse_columns(0, 10);
  nn::Matrix x = nn::Matrix::Zero(4, 20);
  SparseColumns wrong_rows, wrong_width;
  wrong_rows.gather(nn::Matrix::Zero(3, 20), 0, 10);
  wrong_width.gather(x, 0, 9);
  nn::Matrix h(4, 8);
  EXPECT_THROW(cell.hidden_forward(x, h, &wrong_rows), Error);
  EXPECT_THROW(cell.hidden_forward(x, h, &wrong_width), Error);
}

// The stack's step with one gather for all layers equals the step where every cell gathers.
TEST(SparseColumnsTest, StackStepWithASharedGatherIsBitIdentical) {
  StackOptions options;
  options.widths = {12, 8, 8};
  options.observation_size = 50;
  options.cell = CellOptions::arq(0, 3);
  LayerStack stack("s.", options);
  nn::Rng init(5);
  stack.initialize(init);
  std::mt19937 rng(2);
  const nn::Matrix observation = mixed_input(rng, 5, 50, 0, 50, 0.08);
  Context previous, next_own, next_shared;
  previous.reset(options, 5);
  for (nn::Matrix& layer : previous.layers) layer = random_matrix(rng, 5, layer.cols());
  std::vector<nn::Matrix> q_own, q_shared;
  stack.forward_step(observation, previous, next_own, q_own);
  SparseColumns columns;
  stack.gather_observation(observation, columns);
  stack.forward_step(observation, previous, next_shared, q_shared, 0, &columns);
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(q_own[l], q_shared[l]) << "layer " << l;
    EXPECT_EQ(next_own.layers[l], next_shared.layers[l]) << "layer " << l;
  }
}

}  // namespace
}  // namespace arq::local
