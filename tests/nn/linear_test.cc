#include "arq/nn/linear.h"

#include <gtest/gtest.h>

#include "arq/core/error.h"
#include "gradient_check.h"

namespace arq::nn {
namespace {

using testing::expect_gradients_match;
using testing::random_matrix;

TEST(Linear, ForwardIsInputTimesKernelPlusBias) {
  Linear layer("fc", 2, 3);
  layer.weight() << 1, 2, 3, 4, 5, 6;
  layer.bias() << 0.5f, -1, 2;
  Matrix x(2, 2);
  x << 1, 0, -1, 2;
  Matrix expected(2, 3);
  expected << 1.5f, 1, 5, 7.5f, 7, 11;
  EXPECT_EQ(Matrix(layer.forward(x)), expected);
}

TEST(Linear, GradientsMatchFiniteDifferences) {
  Rng rng(1);
  Linear layer("fc", 5, 4);
  layer.initialize(Init::kTorchDefault, rng);
  expect_gradients_match(layer, random_matrix(3, 5, rng), rng);
}

TEST(Linear, WithoutBiasHasOnlyAKernel) {
  Rng rng(2);
  Linear layer("z", 6, 7, /*use_bias=*/false);
  layer.initialize(Init::kLecunNormal, rng);
  ASSERT_EQ(layer.parameters().size(), 1u);
  EXPECT_EQ(layer.parameters()[0].name, "z.kernel");
  expect_gradients_match(layer, random_matrix(4, 6, rng), rng);
}

TEST(Linear, ExposesNamedParametersWithShapes) {
  Linear layer("fc_h", 3, 8);
  const ParameterList parameters = layer.parameters();
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].name, "fc_h.kernel");
  EXPECT_EQ(parameters[0].value->rows(), 3);
  EXPECT_EQ(parameters[0].value->cols(), 8);
  EXPECT_EQ(parameters[1].name, "fc_h.bias");
  EXPECT_EQ(parameters[1].value->rows(), 1);
  EXPECT_EQ(parameters[1].grad->cols(), 8);
}

TEST(Linear, BackwardParametersMatchesFullBackward) {
  Rng rng(3);
  Linear layer("fc", 9, 5);
  layer.initialize(Init::kTorchDefault, rng);
  const Matrix x = random_matrix(6, 9, rng), dy = random_matrix(6, 5, rng);
  layer.forward(x);
  layer.backward(x, dy);
  const Matrix weight_grad = layer.weight_grad(), bias_grad = layer.bias_grad();
  layer.backward_parameters(x, 2.0f * dy);
  EXPECT_TRUE(layer.weight_grad().isApprox(2.0f * weight_grad));
  EXPECT_TRUE(layer.bias_grad().isApprox(2.0f * bias_grad));
}

TEST(Linear, AlternatingBatchSizesReuseStorage) {
  Rng rng(4);
  Linear layer("fc", 4, 3);
  layer.initialize(Init::kTorchDefault, rng);
  const Matrix big = random_matrix(32, 4, rng), one = big.topRows(1);
  const Matrix big_out = layer.forward(big);
  const float* storage = layer.forward(big).data();
  const ConstMatrixMap one_out = layer.forward(one);
  EXPECT_EQ(one_out.data(), storage);
  EXPECT_EQ(one_out.rows(), 1);
  EXPECT_TRUE(one_out.isApprox(big_out.topRows(1)));
}

TEST(Linear, RejectsWrongInputWidth) {
  Linear layer("fc_hidden", 4, 3);
  try {
    layer.forward(Matrix::Zero(2, 5));
    FAIL() << "expected arq::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fc_hidden"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2x5"), std::string::npos) << e.what();
  }
  layer.forward(Matrix::Zero(2, 4));
  EXPECT_THROW(layer.backward(Matrix::Zero(2, 4), Matrix::Zero(3, 3)), Error);
}

}  // namespace
}  // namespace arq::nn
