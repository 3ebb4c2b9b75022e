// The fused inference pass (InferenceMlp) computes what the layer-by-layer forward computes, for
// every network of the world model, and refuses networks outside its pattern.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "arq/agents/tdmpc2/inference_mlp.h"
#include "arq/agents/tdmpc2/world_model.h"
#include "arq/core/error.h"
#include "arq/nn/activation.h"
#include "nn/gradient_check.h"

namespace arq::tdmpc2 {
namespace {

using nn::Matrix;
using nn::testing::random_matrix;

void expect_same_forward(nn::Sequential& net, const std::string& what, nn::Rng& rng) {
  InferenceMlp fused(net);
  EXPECT_EQ(fused.input_width(), net.input_width()) << what;
  EXPECT_EQ(fused.output_width(), net.output_width()) << what;
  // Two batch sizes: the buffers grow, then serve a smaller batch.
  for (Eigen::Index rows : {37, 5}) {
    const Matrix x = random_matrix(rows, net.input_width(), rng, -2.0, 2.0);
    const Matrix expected = net.forward(x);
    const Matrix got = fused.forward(x);
    ASSERT_EQ(got.rows(), rows) << what;
    for (Eigen::Index i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got.data()[i], expected.data()[i], 1e-5 * (1.0 + std::abs(expected.data()[i])))
          << what << " value " << i;
    }
  }
}

TEST(InferenceMlp, MatchesTheLayerByLayerForwardOfEveryNetwork) {
  ModelShape shape = model_shape_for_size(1);
  shape.obs_size = 11;
  shape.action_dim = 3;
  shape.latent_dim = 40;
  shape.mlp_dim = 24;
  shape.enc_dim = 20;
  shape.num_bins = 21;
  WorldModel model(shape, 5);
  nn::Rng rng(6);
  // Random weights everywhere (the reward and Q output kernels start at zero, LayerNorm at 1/0).
  for (nn::Sequential* net : {&model.encoder(), &model.dynamics(), &model.reward(), &model.pi(),
                              &model.q(0), &model.target_q(1)}) {
    for (nn::Parameter& p : net->parameters()) {
      *p.value = random_matrix(p.value->rows(), p.value->cols(), rng, -0.5, 0.5);
    }
  }
  model.set_q_dropout(nullptr);  // the fused pass is the evaluation-mode forward
  expect_same_forward(model.encoder(), "encoder", rng);
  expect_same_forward(model.dynamics(), "dynamics", rng);
  expect_same_forward(model.reward(), "reward", rng);
  expect_same_forward(model.pi(), "pi", rng);
  expect_same_forward(model.q(0), "q0", rng);
  expect_same_forward(model.target_q(1), "target_q1", rng);
}

TEST(InferenceMlp, RefusesLayersItDoesNotFuse) {
  nn::Sequential net;
  net.add<nn::Linear>("fc", 3, 4);
  net.add<nn::Relu>(4);
  EXPECT_THROW(InferenceMlp{net}, Error);
  nn::Sequential starts_wrong;
  starts_wrong.add<nn::Relu>(4);
  EXPECT_THROW(InferenceMlp{starts_wrong}, Error);
}

}  // namespace
}  // namespace arq::tdmpc2
