#include "arq/agents/tdmpc2/mppi.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "arq/agents/sac/normal_noise.h"
#include "arq/core/error.h"

namespace arq::tdmpc2 {

void check_mppi_settings(const MppiSettings& s) {
  auto fail = [](const std::string& key, const std::string& expected, const std::string& got) {
    throw Error("config tdmpc2." + key + " must be " + expected + ", got " + got);
  };
  if (s.horizon < 1) fail("horizon", ">= 1", std::to_string(s.horizon));
  if (s.iterations < 1) fail("iterations", ">= 1", std::to_string(s.iterations));
  if (s.num_samples < 1) fail("num_samples", ">= 1", std::to_string(s.num_samples));
  if (s.num_pi_trajs < 0 || s.num_pi_trajs >= s.num_samples) {
    fail("num_pi_trajs", "in [0, tdmpc2.num_samples = " + std::to_string(s.num_samples) + ")",
         std::to_string(s.num_pi_trajs));
  }
  if (s.num_elites < 1 || s.num_elites > s.num_samples) {
    fail("num_elites", "in [1, tdmpc2.num_samples = " + std::to_string(s.num_samples) + "]",
         std::to_string(s.num_elites));
  }
  if (!(s.temperature > 0.0f)) fail("temperature", "> 0", std::to_string(s.temperature));
  if (!(s.min_std > 0.0f && s.min_std <= s.max_std)) {
    fail("min_std", "> 0 and <= tdmpc2.max_std = " + std::to_string(s.max_std),
         std::to_string(s.min_std));
  }
}

Mppi::Mppi(const MppiSettings& settings, int action_dim)
    : settings_(settings), action_dim_(action_dim) {
  check_mppi_settings(settings);
  const int h = settings.horizon;
  const int n = settings.num_samples;
  mean_ = nn::Matrix::Zero(h, action_dim);
  previous_mean_ = nn::Matrix::Zero(h, action_dim);
  std_ = nn::Matrix::Zero(h, action_dim);
  actions_ = nn::Matrix::Zero(static_cast<Eigen::Index>(h) * n, action_dim);
  values_ = nn::Matrix::Zero(n, 1);
  noise_ = nn::Matrix::Zero(static_cast<Eigen::Index>(h) * (n - settings.num_pi_trajs), action_dim);
  order_.resize(static_cast<size_t>(n));
  weights_.resize(static_cast<size_t>(settings.num_elites));
}

void Mppi::plan(bool first_step, bool eval_mode, const Evaluate& evaluate, std::mt19937_64& rng,
                std::span<float> action) {
  const int h = settings_.horizon;
  const int n = settings_.num_samples;
  const int p = settings_.num_pi_trajs;
  const int elites = settings_.num_elites;
  const int dims = action_dim_;
  if (static_cast<int>(action.size()) != dims) {
    throw Error("MPPI: room for " + std::to_string(action.size()) + " actions, expected " +
                std::to_string(dims));
  }
  mean_.setZero();
  if (!first_step) mean_.topRows(h - 1) = previous_mean_.bottomRows(h - 1);
  std_.setConstant(settings_.max_std);

  for (int iteration = 0; iteration < settings_.iterations; ++iteration) {
    sac::fill_standard_normal(rng, noise_);
    for (int t = 0; t < h; ++t) {
      for (int s = p; s < n; ++s) {
        const Eigen::Index row = static_cast<Eigen::Index>(t) * n + s;
        const Eigen::Index noise_row = static_cast<Eigen::Index>(t) * (n - p) + (s - p);
        for (int j = 0; j < dims; ++j) {
          actions_(row, j) =
              std::clamp(mean_(t, j) + std_(t, j) * noise_(noise_row, j), -1.0f, 1.0f);
        }
      }
    }
    evaluate(actions_, values_);
    for (int s = 0; s < n; ++s) {
      if (std::isnan(values_(s, 0))) values_(s, 0) = 0.0f;
    }
    // The elites, best first (ties: the lower index, so the order is deterministic).
    std::iota(order_.begin(), order_.end(), 0);
    std::partial_sort(order_.begin(), order_.begin() + elites, order_.end(), [&](int a, int b) {
      return values_(a, 0) > values_(b, 0) || (values_(a, 0) == values_(b, 0) && a < b);
    });
    const float max_value = values_(order_[0], 0);
    float total = 0.0f;
    for (int e = 0; e < elites; ++e) {
      weights_[static_cast<size_t>(e)] = std::exp(
          settings_.temperature * (values_(order_[static_cast<size_t>(e)], 0) - max_value));
      total += weights_[static_cast<size_t>(e)];
    }
    for (float& w : weights_) w /= total;
    const float denominator = 1.0f + 1e-9f;  // Σ w (= 1) + 1e-9, as the official code divides
    for (int t = 0; t < h; ++t) {
      for (int j = 0; j < dims; ++j) {
        float mean = 0.0f;
        for (int e = 0; e < elites; ++e) {
          const int s = order_[static_cast<size_t>(e)];
          mean +=
              weights_[static_cast<size_t>(e)] * actions_(static_cast<Eigen::Index>(t) * n + s, j);
        }
        mean /= denominator;
        float variance = 0.0f;
        for (int e = 0; e < elites; ++e) {
          const int s = order_[static_cast<size_t>(e)];
          const float d = actions_(static_cast<Eigen::Index>(t) * n + s, j) - mean;
          variance += weights_[static_cast<size_t>(e)] * d * d;
        }
        mean_(t, j) = mean;
        std_(t, j) =
            std::clamp(std::sqrt(variance / denominator), settings_.min_std, settings_.max_std);
      }
    }
  }

  // One elite drawn with probability w (what the official Gumbel-max trick samples).
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  double cumulative = 0.0;
  int chosen = order_[static_cast<size_t>(elites - 1)];
  for (int e = 0; e < elites; ++e) {
    cumulative += weights_[static_cast<size_t>(e)];
    if (u < cumulative) {
      chosen = order_[static_cast<size_t>(e)];
      break;
    }
  }
  nn::Matrix exploration = nn::Matrix::Zero(1, dims);
  if (!eval_mode) sac::fill_standard_normal(rng, exploration);
  for (int j = 0; j < dims; ++j) {
    const float a = actions_(chosen, j) + (eval_mode ? 0.0f : std_(0, j) * exploration(0, j));
    action[static_cast<size_t>(j)] = std::clamp(a, -1.0f, 1.0f);
  }
  previous_mean_ = mean_;
}

}  // namespace arq::tdmpc2
