#include "arq/agents/sac/mlp.h"

#include <Eigen/QR>

#include "arq/core/error.h"
#include "arq/nn/activation.h"
#include "arq/nn/linear.h"

namespace arq::sac {

void build_mlp(nn::Sequential& net, const std::string& prefix, int inputs, int hidden, int depth,
               int outputs) {
  if (depth < 1 || hidden < 1) {
    throw Error("SAC network '" + prefix + "': sac.depth and sac.hidden must be >= 1, got " +
                std::to_string(depth) + " and " + std::to_string(hidden));
  }
  int width = inputs;
  for (int layer = 0; layer < depth; ++layer) {
    net.add<nn::Linear>(prefix + ".fc" + std::to_string(layer), width, hidden);
    net.add<nn::Relu>(hidden);
    width = hidden;
  }
  net.add<nn::Linear>(prefix + ".out", width, outputs);
}

void initialize_mlp(nn::Sequential& net, nn::Rng& rng) {
  for (size_t i = 0; i < net.size(); ++i) {
    if (auto* linear = dynamic_cast<nn::Linear*>(&net.layer(i))) {
      init_orthogonal(linear->weight(), rng);
      linear->bias().setZero();
    }
  }
}

void init_orthogonal(nn::MatrixRef weights, nn::Rng& rng) {
  const Eigen::Index tall = std::max(weights.rows(), weights.cols());
  const Eigen::Index narrow = std::min(weights.rows(), weights.cols());
  Eigen::MatrixXd gaussian(tall, narrow);
  for (Eigen::Index r = 0; r < tall; ++r) {
    for (Eigen::Index c = 0; c < narrow; ++c) gaussian(r, c) = rng.normal();
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, narrow);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(narrow).triangularView<Eigen::Upper>();
  for (Eigen::Index c = 0; c < narrow; ++c) {
    if (r(c, c) < 0) q.col(c) = -q.col(c);
  }
  if (weights.rows() >= weights.cols()) {
    weights = q.cast<float>();
  } else {
    weights = q.transpose().cast<float>();
  }
}

}  // namespace arq::sac
