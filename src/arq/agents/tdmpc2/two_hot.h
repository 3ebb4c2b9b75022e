#pragma once
// TD-MPC2's discrete regression of rewards and values. A scalar x is represented in symlog
// space, s = sign(x)·log(1 + |x|), clamped to [vmin, vmax] and spread over `num_bins` evenly
// spaced bins as a "two-hot" vector (weight on the two bins around s, linear interpolation). A
// network predicts logits over the bins; its scalar is symexp(Σ softmax(logits)_k · bin_k), and it
// learns by the cross-entropy against the two-hot target.
#include "arq/nn/matrix.h"

namespace arq::tdmpc2 {

float symlog(float x);
float symexp(float x);

class TwoHotBins {
 public:
  // Throws arq::Error unless num_bins >= 2 and vmin < vmax.
  TwoHotBins(int num_bins, float vmin, float vmax);

  int num_bins() const { return num_bins_; }
  float vmin() const { return vmin_; }
  float vmax() const { return vmax_; }
  float bin_size() const { return bin_size_; }
  float bin(int k) const { return vmin_ + static_cast<float>(k) * bin_size_; }

  // The two-hot target of x: target[lower] = 1 - offset, target[lower + 1] = offset (lower + 1
  // wraps to bin 0 at the top bin, where offset is 0, as the official code's modulo does).
  void encode(float x, int* lower, float* offset) const;

  // logits [N, K] -> values [N, 1].
  void decode(const nn::ConstMatrixRef& logits, nn::MatrixRef values) const;
  // Given the same logits and dLoss/dvalue [N, 1], writes dLoss/dlogits [N, K].
  void decode_backward(const nn::ConstMatrixRef& logits, const nn::ConstMatrixRef& grad_values,
                       nn::MatrixRef grad_logits) const;

  // Cross-entropy CE_i = -Σ_k two_hot(target_i)_k·log_softmax(logits_i)_k per row; returns
  // weight·Σ_i CE_i and writes dLoss/dlogits = weight·(softmax - two_hot). logits [N, K],
  // targets [N, 1].
  double cross_entropy(const nn::ConstMatrixRef& logits, const nn::ConstMatrixRef& targets,
                       float weight, nn::MatrixRef grad_logits) const;

 private:
  int num_bins_;
  float vmin_, vmax_, bin_size_;
  nn::Vector centers_;  // bin(k) for every k
};

}  // namespace arq::tdmpc2
