#include "arq/agents/tdmpc2/world_model.h"

#include <string>

#include "arq/core/error.h"
#include "arq/nn/dropout.h"
#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "arq/nn/mish.h"
#include "arq/nn/rng.h"
#include "arq/nn/sim_norm.h"

namespace arq::tdmpc2 {
namespace {

constexpr float kLayerNormEps = 1e-5f;  // torch.nn.LayerNorm's default
constexpr double kInitStd = 0.02;

enum class Head { kLinear, kSimNorm };

// Layers "<prefix>.fc<i>", "<prefix>.ln<i>" for the hidden layers, "<prefix>.out" (and
// "<prefix>.out_ln" before a SimNorm head).
void build_mlp(nn::Sequential& net, const std::string& prefix, int inputs, int hidden, int depth,
               int outputs, Head head, const ModelShape& shape, float dropout) {
  int width = inputs;
  for (int layer = 0; layer < depth; ++layer) {
    const std::string index = std::to_string(layer);
    net.add<nn::Linear>(prefix + ".fc" + index, width, hidden);
    if (layer == 0 && dropout > 0.0f) net.add<nn::Dropout>(hidden, dropout);
    net.add<nn::LayerNorm>(prefix + ".ln" + index, hidden, kLayerNormEps);
    net.add<nn::Mish>(hidden);
    width = hidden;
  }
  net.add<nn::Linear>(prefix + ".out", width, outputs);
  if (head == Head::kSimNorm) {
    net.add<nn::LayerNorm>(prefix + ".out_ln", outputs, kLayerNormEps);
    net.add<nn::SimNorm>(outputs, shape.simnorm_dim);
  }
}

void initialize(nn::Sequential& net, nn::Rng& rng, bool zero_last_kernel) {
  nn::Linear* last = nullptr;
  for (size_t i = 0; i < net.size(); ++i) {
    if (auto* linear = dynamic_cast<nn::Linear*>(&net.layer(i))) {
      nn::Matrix& w = linear->weight();
      for (Eigen::Index k = 0; k < w.size(); ++k) {
        w.data()[k] = static_cast<float>(kInitStd * rng.normal());
      }
      linear->bias().setZero();
      last = linear;
    }
  }
  if (zero_last_kernel && last != nullptr) last->weight().setZero();
}

void append(nn::ParameterList& all, const nn::ParameterList& more) {
  all.insert(all.end(), more.begin(), more.end());
}

void require_positive(int value, const char* key) {
  if (value < 1) {
    throw Error("config " + std::string(key) + " must be >= 1, got " + std::to_string(value));
  }
}

}  // namespace

ModelShape model_shape_for_size(int model_size) {
  ModelShape s;
  switch (model_size) {
    case 1:
      s.enc_dim = 256, s.mlp_dim = 384, s.latent_dim = 128, s.num_enc_layers = 2, s.num_q = 2;
      break;
    case 5:
      s.enc_dim = 256, s.mlp_dim = 512, s.latent_dim = 512, s.num_enc_layers = 2;
      break;
    case 19:
      s.enc_dim = 1024, s.mlp_dim = 1024, s.latent_dim = 768, s.num_enc_layers = 3;
      break;
    case 48:
      s.enc_dim = 1792, s.mlp_dim = 1792, s.latent_dim = 768, s.num_enc_layers = 4;
      break;
    case 317:
      s.enc_dim = 4096, s.mlp_dim = 4096, s.latent_dim = 1376, s.num_enc_layers = 5, s.num_q = 8;
      break;
    default:
      throw Error("config tdmpc2.model_size: unknown model size " + std::to_string(model_size) +
                  " (expected 1, 5, 19, 48 or 317, the official sizes in millions of parameters)");
  }
  return s;
}

WorldModel::WorldModel(const ModelShape& shape, uint64_t init_seed) : shape_(shape) {
  if (shape.obs_size <= 0 || shape.action_dim <= 0) {
    throw Error("TD-MPC2 needs observations and continuous actions, got obs size " +
                std::to_string(shape.obs_size) + " and action dimension " +
                std::to_string(shape.action_dim));
  }
  require_positive(shape.latent_dim, "tdmpc2.latent_dim");
  require_positive(shape.mlp_dim, "tdmpc2.mlp_dim");
  require_positive(shape.enc_dim, "tdmpc2.enc_dim");
  require_positive(shape.num_enc_layers, "tdmpc2.num_enc_layers");
  require_positive(shape.simnorm_dim, "tdmpc2.simnorm_dim");
  if (shape.num_q < 2) {
    throw Error("config tdmpc2.num_q must be >= 2 (targets take the min of two heads), got " +
                std::to_string(shape.num_q));
  }
  if (shape.latent_dim % shape.simnorm_dim != 0) {
    throw Error("config tdmpc2.simnorm_dim (" + std::to_string(shape.simnorm_dim) +
                ") must divide the latent size " + std::to_string(shape.latent_dim));
  }
  if (!(shape.dropout >= 0.0f && shape.dropout < 1.0f)) {
    throw Error("config tdmpc2.dropout must be in [0, 1), got " + std::to_string(shape.dropout));
  }
  const int latent_action = shape.latent_dim + shape.action_dim;
  build_mlp(encoder_, "encoder", shape.obs_size, shape.enc_dim,
            std::max(shape.num_enc_layers - 1, 1), shape.latent_dim, Head::kSimNorm, shape, 0.0f);
  build_mlp(dynamics_, "dynamics", latent_action, shape.mlp_dim, 2, shape.latent_dim,
            Head::kSimNorm, shape, 0.0f);
  build_mlp(reward_, "reward", latent_action, shape.mlp_dim, 2, shape.num_bins, Head::kLinear,
            shape, 0.0f);
  build_mlp(pi_, "pi", shape.latent_dim, shape.mlp_dim, 2, 2 * shape.action_dim, Head::kLinear,
            shape, 0.0f);
  for (int k = 0; k < shape.num_q; ++k) {
    qs_.push_back(std::make_unique<nn::Sequential>());
    target_qs_.push_back(std::make_unique<nn::Sequential>());
    build_mlp(*qs_.back(), "q" + std::to_string(k), latent_action, shape.mlp_dim, 2, shape.num_bins,
              Head::kLinear, shape, shape.dropout);
    build_mlp(*target_qs_.back(), "target_q" + std::to_string(k), latent_action, shape.mlp_dim, 2,
              shape.num_bins, Head::kLinear, shape, shape.dropout);
  }
  nn::Rng rng(init_seed);
  initialize(encoder_, rng, false);
  initialize(dynamics_, rng, false);
  initialize(reward_, rng, true);
  initialize(pi_, rng, false);
  for (auto& q : qs_) initialize(*q, rng, true);
  const nn::ParameterList online = q_parameters();
  const nn::ParameterList target = target_parameters();
  for (size_t i = 0; i < online.size(); ++i) *target[i].value = *online[i].value;
}

nn::ParameterList WorldModel::q_parameters() {
  nn::ParameterList all;
  for (auto& q : qs_) append(all, q->parameters());
  return all;
}

nn::ParameterList WorldModel::target_parameters() {
  nn::ParameterList all;
  for (auto& q : target_qs_) append(all, q->parameters());
  return all;
}

nn::ParameterList WorldModel::dynamics_reward_q_parameters() {
  nn::ParameterList all = dynamics_.parameters();
  append(all, reward_.parameters());
  append(all, q_parameters());
  return all;
}

void WorldModel::set_q_dropout(std::mt19937_64* rng) {
  for (auto& q : qs_) {
    for (size_t i = 0; i < q->size(); ++i) {
      if (auto* dropout = dynamic_cast<nn::Dropout*>(&q->layer(i))) dropout->set_training(rng);
    }
  }
}

void WorldModel::soft_update_targets(float tau) {
  const nn::ParameterList online = q_parameters();
  const nn::ParameterList target = target_parameters();
  for (size_t i = 0; i < online.size(); ++i) {
    target[i].value->array() += tau * (online[i].value->array() - target[i].value->array());
  }
}

}  // namespace arq::tdmpc2
