#include "arq/agents/tdmpc2/two_hot.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "arq/core/error.h"

namespace arq::tdmpc2 {

float symlog(float x) {
  return std::copysign(std::log1p(std::abs(x)), x);
}

float symexp(float x) {
  return std::copysign(std::expm1(std::abs(x)), x);
}

TwoHotBins::TwoHotBins(int num_bins, float vmin, float vmax)
    : num_bins_(num_bins), vmin_(vmin), vmax_(vmax) {
  if (num_bins < 2 || !(vmin < vmax)) {
    throw Error("tdmpc2.num_bins must be >= 2 and tdmpc2.vmin < tdmpc2.vmax, got " +
                std::to_string(num_bins) + " bins over [" + std::to_string(vmin) + ", " +
                std::to_string(vmax) + "]");
  }
  bin_size_ = (vmax - vmin) / static_cast<float>(num_bins - 1);
  centers_.resize(num_bins);
  for (int k = 0; k < num_bins; ++k) centers_(0, k) = bin(k);
}

void TwoHotBins::encode(float x, int* lower, float* offset) const {
  const float s = std::clamp(symlog(x), vmin_, vmax_);
  const float position = (s - vmin_) / bin_size_;
  const float floor = std::floor(position);
  *lower = std::clamp(static_cast<int>(floor), 0, num_bins_ - 1);
  *offset = position - floor;
  if (*lower == num_bins_ - 1) *offset = 0.0f;  // s == vmax (only rounding can leave > 0)
}

namespace {

// Softmax of one row into `probs` (Eigen's vectorised exp), returning log Σ exp (for
// log-softmax).
template <typename Row, typename Out>
float softmax_row(const Row& logits, Out& probs) {
  const float max = logits.maxCoeff();
  probs.array() = (logits.array() - max).exp();
  const float sum = probs.sum();
  probs *= 1.0f / sum;
  return max + std::log(sum);
}

}  // namespace

void TwoHotBins::decode(const nn::ConstMatrixRef& logits, nn::MatrixRef values) const {
  // Planning decodes thousands of rows per decision: the probabilities live on the stack (no
  // allocation) and the expectation is one vectorised dot product with the bin centres.
  constexpr int kStackBins = 256;
  using Probs = Eigen::Array<float, 1, Eigen::Dynamic, Eigen::RowMajor, 1, kStackBins>;
  if (num_bins_ > kStackBins) {
    nn::Vector probs(num_bins_);
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
      softmax_row(logits.row(i), probs);
      values(i, 0) = symexp((probs.array() * centers_.array()).sum());
    }
    return;
  }
  Probs probs(num_bins_);
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    const auto row = logits.row(i).array();
    probs = row - row.maxCoeff();
    probs = probs.exp();
    const float sum = probs.sum();
    values(i, 0) = symexp((probs * centers_.array()).sum() / sum);
  }
}

void TwoHotBins::decode_backward(const nn::ConstMatrixRef& logits,
                                 const nn::ConstMatrixRef& grad_values,
                                 nn::MatrixRef grad_logits) const {
  nn::Vector probs(num_bins_);
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    softmax_row(logits.row(i), probs);
    float mean = 0.0f;
    for (int k = 0; k < num_bins_; ++k) mean += probs(0, k) * bin(k);
    // d symexp(m)/dm = exp(|m|); d m/d logit_k = p_k·(bin_k - m).
    const float g = grad_values(i, 0) * std::exp(std::abs(mean));
    for (int k = 0; k < num_bins_; ++k) grad_logits(i, k) = g * probs(0, k) * (bin(k) - mean);
  }
}

double TwoHotBins::cross_entropy(const nn::ConstMatrixRef& logits,
                                 const nn::ConstMatrixRef& targets, float weight,
                                 nn::MatrixRef grad_logits) const {
  double loss = 0.0;
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    auto grad = grad_logits.row(i);
    const float log_sum = softmax_row(logits.row(i), grad);
    int lower = 0;
    float offset = 0.0f;
    encode(targets(i, 0), &lower, &offset);
    const int upper = (lower + 1) % num_bins_;
    const float ce =
        -(1.0f - offset) * (logits(i, lower) - log_sum) - offset * (logits(i, upper) - log_sum);
    loss += static_cast<double>(weight) * ce;
    grad(0, lower) -= 1.0f - offset;
    grad(0, upper) -= offset;
    grad *= weight;
  }
  return loss;
}

}  // namespace arq::tdmpc2
