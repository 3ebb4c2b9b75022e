#include "arq/agents/local/bilinear_block.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "arq/agents/local/bilinear_block_kernels.h"
#include "arq/agents/local/vec8.h"
#include "arq/core/error.h"
#include "arq/core/isa.h"

namespace arq::local {
namespace {

constexpr int kMaxHeads = 64;
// Rows whose gradients are gathered before one pass over grad_z1 (a K×kRowBlock by
// kRowBlock×H product), so grad_z1 is loaded and stored once per block instead of per row.
constexpr int kRowBlock = 8;
// Rows and saved rows are padded to whole 16-float vectors, which the AVX-512 kernels need; the
// 8-float code runs over the first ceil(hidden / 8) vectors only.
constexpr int kStrideMultiple = 16;

int padded_stride(int hidden) {
  return (hidden + kStrideMultiple - 1) / kStrideMultiple * kStrideMultiple;
}

// What every row loop reads. kHeads > 0 fixes the head count at compile time (the released
// K = 8) so the rank-K sums unroll and the broadcasts stay in registers.
struct Rows {
  const float* z1;  // [heads, stride]
  int stride;
  int vectors;
  int heads;
  int hidden;
};

template <int kHeads>
inline int head_count(const Rows& rows) {
  return kHeads > 0 ? kHeads : rows.heads;
}

// u[v] = Σ_k w_k · z1[k, v-th vector]
template <int kHeads>
inline Vec8 rank_k(const Rows& rows, const Vec8* w, int v) {
  // Two partial sums halve the chain of dependent multiply-adds.
  const int heads = head_count<kHeads>(rows), half = (heads + 1) / 2;
  const float* column = rows.z1 + v * kLanes;
  Vec8 u0 = w[0] * load8(column), u1 = splat(0.0f);
  for (int k = 1; k < half; ++k) u0 += w[k] * load8(column + k * rows.stride);
  for (int k = half; k < heads; ++k) u1 += w[k] * load8(column + k * rows.stride);
  return u0 + u1;
}

template <int kHeads>
inline void broadcast_column(const Rows& rows, const float* z2, int z2_stride, int g, float factor,
                             Vec8* w) {
  const int heads = head_count<kHeads>(rows);
  for (int k = 0; k < heads; ++k) w[k] = splat(z2[k * z2_stride + g] * factor);
}

// With `saved`, each row's tanh values and (in saved_normalised) the normalised values before
// the tanh are kept for the backward pass, which then needs neither again.
template <int kHeads>
void forward_code_rows(const Rows& rows, const float* z2, int z2_stride, int count,
                       const float* inv_scale, const float* h, float* y, float* saved,
                       float* saved_normalised) {
  Vec8 w[kMaxHeads];
  for (int g = 0; g < count; ++g) {
    broadcast_column<kHeads>(rows, z2, z2_stride, g, inv_scale[g], w);
    Vec8 acc0 = splat(0.0f), acc1 = splat(0.0f);
    const size_t offset = static_cast<size_t>(g) * rows.stride;
    float* saved_row = saved != nullptr ? saved + offset : nullptr;
    float* normalised_row = saved != nullptr ? saved_normalised + offset : nullptr;
    int v = 0;
    // Two vectors per step: independent chains for the out-of-order core to overlap.
    for (; v + 2 <= rows.vectors; v += 2) {
      const Vec8 n0 = rank_k<kHeads>(rows, w, v);
      const Vec8 n1 = rank_k<kHeads>(rows, w, v + 1);
      const Vec8 t0 = tanh8(n0);
      const Vec8 t1 = tanh8(n1);
      if (saved_row != nullptr) {
        store8(saved_row + v * kLanes, t0);
        store8(saved_row + (v + 1) * kLanes, t1);
        store8(normalised_row + v * kLanes, n0);
        store8(normalised_row + (v + 1) * kLanes, n1);
      }
      acc0 += t0 * load8(h + v * kLanes);
      acc1 += t1 * load8(h + (v + 1) * kLanes);
    }
    if (v < rows.vectors) {
      const Vec8 n = rank_k<kHeads>(rows, w, v);
      const Vec8 t = tanh8(n);
      if (saved_row != nullptr) {
        store8(saved_row + v * kLanes, t);
        store8(normalised_row + v * kLanes, n);
      }
      acc0 += t * load8(h + v * kLanes);
    }
    y[g] = sum8(acc0 + acc1);
  }
}

struct PaperRowStats {
  float mean, inv_std;
};

// Mean and 1/sqrt(var + ε) of a stored tanh row, variance in two passes (the same value as
// Flax's E[t²] - E[t]², without its cancellation when a saturated row sits near ±1).
inline PaperRowStats paper_stats(const float* row, Vec8 sum, const Rows& rows, Vec8 tail_mask) {
  const float inv_hidden = 1.0f / static_cast<float>(rows.hidden);
  const float mean = sum8(sum) * inv_hidden;
  const Vec8 mean_v = splat(mean);
  Vec8 squares = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    Vec8 d = load8(row + v * kLanes) - mean_v;
    if (v == rows.vectors - 1) d *= tail_mask;
    squares += d * d;
  }
  const float variance = sum8(squares) * inv_hidden;
  return {mean, 1.0f / std::sqrt(variance + BilinearBlock::kLayerNormEpsilon)};
}

template <int kHeads>
void forward_paper_rows(const Rows& rows, const float* z2, int z2_stride, int count,
                        const float* scaled_h, float sum_scaled_h, float bias_dot_h, Vec8 tail_mask,
                        float* scratch_row, float* y, float* saved) {
  Vec8 w[kMaxHeads];
  for (int g = 0; g < count; ++g) {
    broadcast_column<kHeads>(rows, z2, z2_stride, g, 1.0f, w);
    Vec8 sum = splat(0.0f), dot = splat(0.0f);
    float* row = saved != nullptr ? saved + static_cast<size_t>(g) * rows.stride : scratch_row;
    for (int v = 0; v < rows.vectors; ++v) {
      const Vec8 t = tanh8(rank_k<kHeads>(rows, w, v));
      store8(row + v * kLanes, t);
      sum += t;
      dot += t * load8(scaled_h + v * kLanes);
    }
    // y_g = Σ_j ((t_j - μ)·rs·γ_j + β_j)·h_j
    const PaperRowStats stats = paper_stats(row, sum, rows, tail_mask);
    y[g] = stats.inv_std * (sum8(dot) - stats.mean * sum_scaled_h) + bias_dot_h;
  }
}

// Per-row gradient of the code-order normalisation, for one row g: leaves dL/dM_g in `out`,
// adds dL/dh, and returns Z1c·dM_gᵀ (per head) plus Σ_j dM_g[j].
struct CodeRowInputs {
  const Vec8* w;            // z2_g / (σ_g + ε), broadcast
  float grad_y;             // dL/dy_g
  float inv_scale;          // 1 / (σ_g + ε)
  float sigma;              // σ_g
  const float* saved;       // tanh row from forward, or null
  const float* normalised;  // the row before the tanh from forward (with saved), or null
};

template <int kHeads>
void backward_code_row(const Rows& rows, const CodeRowInputs& in, const float* h, Vec8 tail_mask,
                       float* grad_h, float* normalised, float* grad_n, float* out,
                       float* grad_z2_column, float* grad_row_sum) {
  const int heads = head_count<kHeads>(rows);
  const Vec8 dy = splat(in.grad_y);
  Vec8 sum_dn = splat(0.0f), sum_dn_n = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    const Vec8 n = in.normalised != nullptr ? load8(in.normalised + v * kLanes)
                                            : rank_k<kHeads>(rows, in.w, v);
    const Vec8 t = in.saved != nullptr ? load8(in.saved + v * kLanes) : tanh8(n);
    const Vec8 dn = dy * load8(h + v * kLanes) * (1.0f - t * t);
    store8(grad_h + v * kLanes, load8(grad_h + v * kLanes) + dy * t);
    store8(normalised + v * kLanes, n);
    store8(grad_n + v * kLanes, dn);
    sum_dn += dn;
    sum_dn_n += dn * n;
  }
  // dM = (dn - mean(dn)) / (σ + ε) - n·mean(dn·n) / σ
  const float inv_hidden = 1.0f / static_cast<float>(rows.hidden);
  const Vec8 mean_dn = splat(sum8(sum_dn) * inv_hidden);
  const Vec8 inv_scale = splat(in.inv_scale);
  const Vec8 std_term = splat(in.sigma > 0.0f ? sum8(sum_dn_n) * inv_hidden / in.sigma : 0.0f);
  Vec8 acc[kMaxHeads];
  for (int k = 0; k < heads; ++k) acc[k] = splat(0.0f);
  Vec8 row_sum = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    Vec8 dm = (load8(grad_n + v * kLanes) - mean_dn) * inv_scale -
              load8(normalised + v * kLanes) * std_term;
    if (v == rows.vectors - 1) dm *= tail_mask;
    store8(out + v * kLanes, dm);
    row_sum += dm;
    const float* column = rows.z1 + v * kLanes;
    for (int k = 0; k < heads; ++k) acc[k] += load8(column + k * rows.stride) * dm;
  }
  for (int k = 0; k < heads; ++k) grad_z2_column[k] = sum8(acc[k]);
  *grad_row_sum = sum8(row_sum);
}

struct PaperRowInputs {
  const Vec8* w;  // z2_g, broadcast
  float grad_y;
  const float* saved;
};

// Paper order for one row: leaves dL/dM_g in `out`, adds Σ_g dy_g·n_g into column_sum and
// returns Z1·dM_gᵀ per head.
template <int kHeads>
void backward_paper_row(const Rows& rows, const PaperRowInputs& in, const float* scaled_h,
                        Vec8 tail_mask, float* tanh_row, float* column_sum, float* out,
                        float* grad_z2_column) {
  const int heads = head_count<kHeads>(rows);
  Vec8 sum = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    const Vec8 t =
        in.saved != nullptr ? load8(in.saved + v * kLanes) : tanh8(rank_k<kHeads>(rows, in.w, v));
    store8(tanh_row + v * kLanes, t);
    sum += t;
  }
  const PaperRowStats stats = paper_stats(tanh_row, sum, rows, tail_mask);
  const Vec8 mean = splat(stats.mean), inv_std = splat(stats.inv_std), dy = splat(in.grad_y);
  Vec8 sum_dn = splat(0.0f), sum_dn_n = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    const Vec8 n = (load8(tanh_row + v * kLanes) - mean) * inv_std;
    const Vec8 dn = dy * load8(scaled_h + v * kLanes);  // dL/dn = dy·h·γ
    sum_dn += dn;
    sum_dn_n += dn * n;
    store8(column_sum + v * kLanes, load8(column_sum + v * kLanes) + dy * n);
  }
  const float inv_hidden = 1.0f / static_cast<float>(rows.hidden);
  const Vec8 mean_dn = splat(sum8(sum_dn) * inv_hidden);
  const Vec8 mean_dn_n = splat(sum8(sum_dn_n) * inv_hidden);
  Vec8 acc[kMaxHeads];
  for (int k = 0; k < heads; ++k) acc[k] = splat(0.0f);
  for (int v = 0; v < rows.vectors; ++v) {
    const Vec8 t = load8(tanh_row + v * kLanes);
    const Vec8 n = (t - mean) * inv_std;
    const Vec8 dn = dy * load8(scaled_h + v * kLanes);
    const Vec8 dm = inv_std * (dn - mean_dn - n * mean_dn_n) * (1.0f - t * t);
    store8(out + v * kLanes, dm);
    const float* column = rows.z1 + v * kLanes;
    for (int k = 0; k < heads; ++k) acc[k] += load8(column + k * rows.stride) * dm;
  }
  for (int k = 0; k < heads; ++k) grad_z2_column[k] = sum8(acc[k]);
}

}  // namespace

BilinearBlock::BilinearBlock(int heads, int hidden, int max_rows, NormOrder order)
    : heads_(heads),
      hidden_(hidden),
      stride_(padded_stride(hidden)),
      vectors_(padded_width(hidden) / kLanes),
      max_rows_(max_rows),
      order_(order),
      z1_(static_cast<size_t>(heads) * padded_stride(hidden), 0.0f),
      head_mean_(heads, 0.0f),
      gram_(static_cast<size_t>(heads) * heads, 0.0f),
      sigma_(max_rows, 0.0f),
      inv_scale_(max_rows, 0.0f),
      h_(padded_stride(hidden), 0.0f),
      scaled_h_(padded_stride(hidden), 0.0f),
      row_a_(padded_stride(hidden), 0.0f),
      row_b_(padded_stride(hidden), 0.0f),
      block_(static_cast<size_t>(kRowBlock) * padded_stride(hidden), 0.0f),
      column_sum_(padded_stride(hidden), 0.0f) {
  if (heads <= 0 || heads > kMaxHeads || hidden <= 0 || max_rows <= 0) {
    throw Error("BilinearBlock: need 1 <= heads <= " + std::to_string(kMaxHeads) +
                ", hidden > 0 and max_rows > 0, got heads=" + std::to_string(heads) +
                " hidden=" + std::to_string(hidden) + " max_rows=" + std::to_string(max_rows));
  }
}

bool BilinearBlock::uses_row_lanes(int rows) const {
  return order_ == NormOrder::kCode && rows >= detail::kMinRowsForRowLanes &&
         active_isa_level() == IsaLevel::kAvx512;
}

Vec8 BilinearBlock::tail_mask() const {
  Vec8 mask;
  const int valid = hidden_ - (vectors_ - 1) * kLanes;
  for (int lane = 0; lane < kLanes; ++lane) mask[lane] = lane < valid ? 1.0f : 0.0f;
  return mask;
}

void BilinearBlock::prepare() {
  for (int k = 0; k < heads_; ++k) {
    float* row = z1_.data() + static_cast<size_t>(k) * stride_;
    std::fill(row + hidden_, row + stride_, 0.0f);
  }
  if (order_ != NormOrder::kCode) return;
  const float inv_hidden = 1.0f / static_cast<float>(hidden_);
  for (int k = 0; k < heads_; ++k) {
    float* row = z1_.data() + static_cast<size_t>(k) * stride_;
    Vec8 sum = splat(0.0f);
    for (int v = 0; v < vectors_; ++v) sum += load8(row + v * kLanes);
    head_mean_[k] = sum8(sum) * inv_hidden;
    for (int j = 0; j < hidden_; ++j) row[j] -= head_mean_[k];
  }
  for (int k = 0; k < heads_; ++k) {
    const float* row_k = z1_.data() + static_cast<size_t>(k) * stride_;
    for (int l = 0; l <= k; ++l) {
      const float* row_l = z1_.data() + static_cast<size_t>(l) * stride_;
      Vec8 dot = splat(0.0f);
      for (int v = 0; v < vectors_; ++v)
        dot += load8(row_k + v * kLanes) * load8(row_l + v * kLanes);
      gram_[k * heads_ + l] = gram_[l * heads_ + k] = sum8(dot) * inv_hidden;
    }
  }
}

void BilinearBlock::load_h(const float* h) {
  std::copy(h, h + hidden_, h_.begin());
  if (order_ != NormOrder::kPaper) return;
  if (scale_ == nullptr || bias_ == nullptr) {
    throw Error("BilinearBlock: paper norm order needs set_affine() before use");
  }
  sum_scaled_h_ = 0.0f;
  bias_dot_h_ = 0.0f;
  for (int j = 0; j < hidden_; ++j) {
    scaled_h_[j] = scale_[j] * h[j];
    sum_scaled_h_ += scaled_h_[j];
    bias_dot_h_ += bias_[j] * h[j];
  }
}

// σ_g² = z2_gᵀ·C·z2_g for every row, eight rows at a time.
void BilinearBlock::compute_row_scales(const float* z2, int z2_stride, int rows) {
  int g = 0;
  Vec8 column[kMaxHeads];
  for (; g + kLanes <= rows; g += kLanes) {
    for (int k = 0; k < heads_; ++k) column[k] = load8(z2 + k * z2_stride + g);
    Vec8 variance = splat(0.0f);
    for (int k = 0; k < heads_; ++k) {
      Vec8 c_z = splat(0.0f);
      for (int l = 0; l < heads_; ++l) c_z += gram_[k * heads_ + l] * column[l];
      variance += column[k] * c_z;
    }
    for (int lane = 0; lane < kLanes; ++lane)
      sigma_[g + lane] = std::sqrt(std::max(variance[lane], 0.0f));
  }
  for (; g < rows; ++g) {
    float variance = 0.0f;
    for (int k = 0; k < heads_; ++k) {
      float c_z = 0.0f;
      for (int l = 0; l < heads_; ++l) c_z += gram_[k * heads_ + l] * z2[l * z2_stride + g];
      variance += z2[k * z2_stride + g] * c_z;
    }
    sigma_[g] = std::sqrt(std::max(variance, 0.0f));
  }
  for (int r = 0; r < rows; ++r) inv_scale_[r] = 1.0f / (sigma_[r] + kStdEpsilon);
}

void BilinearBlock::forward(const float* z2, int z2_stride, int rows, const float* h, float* y,
                            float* saved) {
  if (rows <= 0 || rows > max_rows_) {
    throw Error("BilinearBlock::forward: rows must be in [1, " + std::to_string(max_rows_) +
                "], got " + std::to_string(rows));
  }
  load_h(h);
  if (order_ == NormOrder::kCode && saved != nullptr && saved_normalised_.empty() &&
      !uses_row_lanes(rows)) {
    saved_normalised_.resize(static_cast<size_t>(max_rows_) * stride_);  // first use only
  }
  tiles_saved_ = false;
  if (uses_row_lanes(rows)) {
    run_at_isa_level([&] { compute_row_scales(z2, z2_stride, rows); });
    if (saved != nullptr && tanh_tiles_.empty()) {  // first use only
      const size_t size = static_cast<size_t>(max_rows_ + detail::kTileLanes - 1) /
                          detail::kTileLanes * detail::kTileLanes * stride_;
      tanh_tiles_.resize(size);
      normalised_tiles_.resize(size);
      tile_scratch_.resize(static_cast<size_t>(detail::kTileLanes) * stride_);
    }
    tiles_saved_ = saved != nullptr;
    detail::bilinear_code_forward_avx512({z1_.data(), stride_, heads_, hidden_, z2, z2_stride, rows,
                                          inv_scale_.data(), h_.data(), y,
                                          tiles_saved_ ? tanh_tiles_.data() : nullptr,
                                          tiles_saved_ ? normalised_tiles_.data() : nullptr});
    return;
  }
  // The row loops at the active ISA level (AVX-512: the same code without register spills).
  run_at_isa_level([&] { forward_rows(z2, z2_stride, rows, y, saved); });
}

void BilinearBlock::forward_rows(const float* z2, int z2_stride, int rows, float* y, float* saved) {
  const Rows r{z1_.data(), stride_, vectors_, heads_, hidden_};
  if (order_ == NormOrder::kCode) {
    compute_row_scales(z2, z2_stride, rows);
    if (heads_ == 8) {
      forward_code_rows<8>(r, z2, z2_stride, rows, inv_scale_.data(), h_.data(), y, saved,
                           saved_normalised_.data());
    } else {
      forward_code_rows<0>(r, z2, z2_stride, rows, inv_scale_.data(), h_.data(), y, saved,
                           saved_normalised_.data());
    }
  } else if (heads_ == 8) {
    forward_paper_rows<8>(r, z2, z2_stride, rows, scaled_h_.data(), sum_scaled_h_, bias_dot_h_,
                          tail_mask(), row_a_.data(), y, saved);
  } else {
    forward_paper_rows<0>(r, z2, z2_stride, rows, scaled_h_.data(), sum_scaled_h_, bias_dot_h_,
                          tail_mask(), row_a_.data(), y, saved);
  }
}

void BilinearBlock::accumulate_grad_z1(const float* z2, int z2_stride, int first, int count,
                                       float* grad_z1) const {
  Vec8 coefficient[kRowBlock];
  for (int k = 0; k < heads_; ++k) {
    for (int r = 0; r < count; ++r) coefficient[r] = splat(z2[k * z2_stride + first + r]);
    float* out = grad_z1 + static_cast<size_t>(k) * stride_;
    for (int v = 0; v < vectors_; ++v) {
      Vec8 acc = load8(out + v * kLanes);
      if (count == kRowBlock) {
        for (int r = 0; r < kRowBlock; ++r)
          acc += coefficient[r] * load8(&block_[r * stride_ + v * kLanes]);
      } else {
        for (int r = 0; r < count; ++r)
          acc += coefficient[r] * load8(&block_[r * stride_ + v * kLanes]);
      }
      store8(out + v * kLanes, acc);
    }
  }
}

void BilinearBlock::backward(const float* z2, int z2_stride, int rows, const float* h,
                             const float* grad_y, float* grad_z1, float* grad_z2,
                             int grad_z2_stride, float* grad_h, float* grad_scale, float* grad_bias,
                             const float* saved) {
  if (rows <= 0 || rows > max_rows_) {
    throw Error("BilinearBlock::backward: rows must be in [1, " + std::to_string(max_rows_) +
                "], got " + std::to_string(rows));
  }
  load_h(h);
  std::fill(grad_z1, grad_z1 + static_cast<size_t>(heads_) * stride_, 0.0f);
  if (order_ == NormOrder::kCode) {
    if (saved != nullptr && tiles_saved_ && uses_row_lanes(rows)) {
      // The forward pass kept its rows as tiles and left the row scales.
      std::fill(column_sum_.begin(), column_sum_.end(), 0.0f);
      detail::bilinear_code_backward_avx512(
          {z1_.data(), stride_, heads_, hidden_, z2, z2_stride, rows, inv_scale_.data(),
           sigma_.data(), head_mean_.data(), h_.data(), grad_y, tanh_tiles_.data(),
           normalised_tiles_.data(), tile_scratch_.data(), grad_z1, grad_z2, grad_z2_stride,
           column_sum_.data()});
      for (int j = 0; j < hidden_; ++j) grad_h[j] += column_sum_[j];
      return;
    }
    // With saved tanh rows the forward pass just ran on these inputs and left the row scales.
    if (saved == nullptr) compute_row_scales(z2, z2_stride, rows);
    run_at_isa_level([&] {
      backward_code(z2, z2_stride, rows, grad_y, grad_z1, grad_z2, grad_z2_stride, grad_h, saved);
    });
  } else {
    if (grad_scale == nullptr || grad_bias == nullptr) {
      throw Error("BilinearBlock::backward: paper norm order needs grad_scale and grad_bias");
    }
    run_at_isa_level([&] {
      backward_paper(z2, z2_stride, rows, grad_y, grad_z1, grad_z2, grad_z2_stride, grad_h,
                     grad_scale, grad_bias, saved);
    });
  }
}

void BilinearBlock::backward_code(const float* z2, int z2_stride, int rows, const float* grad_y,
                                  float* grad_z1, float* grad_z2, int grad_z2_stride, float* grad_h,
                                  const float* saved) {
  const Rows r{z1_.data(), stride_, vectors_, heads_, hidden_};
  // dL/dh accumulates over rows in a padded buffer (column_sum_ is free in code order).
  std::fill(column_sum_.begin(), column_sum_.end(), 0.0f);
  Vec8 w[kMaxHeads];
  float grad_column[kMaxHeads];
  for (int first = 0; first < rows; first += kRowBlock) {
    const int count = std::min(kRowBlock, rows - first);
    for (int i = 0; i < count; ++i) {
      const int g = first + i;
      broadcast_column<0>(r, z2, z2_stride, g, inv_scale_[g], w);
      const size_t offset = static_cast<size_t>(g) * stride_;
      const CodeRowInputs in{w,
                             grad_y[g],
                             inv_scale_[g],
                             sigma_[g],
                             saved != nullptr ? saved + offset : nullptr,
                             saved != nullptr ? saved_normalised_.data() + offset : nullptr};
      float row_sum = 0.0f;
      float* out = &block_[static_cast<size_t>(i) * stride_];
      if (heads_ == 8) {
        backward_code_row<8>(r, in, h_.data(), tail_mask(), column_sum_.data(), row_a_.data(),
                             row_b_.data(), out, grad_column, &row_sum);
      } else {
        backward_code_row<0>(r, in, h_.data(), tail_mask(), column_sum_.data(), row_a_.data(),
                             row_b_.data(), out, grad_column, &row_sum);
      }
      // Z1 = Z1c + mean: the mean part contributes mean_k·Σ_j dM_g[j] (zero in exact arithmetic).
      for (int k = 0; k < heads_; ++k) {
        grad_z2[k * grad_z2_stride + g] = grad_column[k] + head_mean_[k] * row_sum;
      }
    }
    accumulate_grad_z1(z2, z2_stride, first, count, grad_z1);
  }
  for (int j = 0; j < hidden_; ++j) grad_h[j] += column_sum_[j];
}

void BilinearBlock::backward_paper(const float* z2, int z2_stride, int rows, const float* grad_y,
                                   float* grad_z1, float* grad_z2, int grad_z2_stride,
                                   float* grad_h, float* grad_scale, float* grad_bias,
                                   const float* saved) {
  const Rows r{z1_.data(), stride_, vectors_, heads_, hidden_};
  std::fill(column_sum_.begin(), column_sum_.end(), 0.0f);
  float sum_grad_y = 0.0f;
  Vec8 w[kMaxHeads];
  float grad_column[kMaxHeads];
  for (int first = 0; first < rows; first += kRowBlock) {
    const int count = std::min(kRowBlock, rows - first);
    for (int i = 0; i < count; ++i) {
      const int g = first + i;
      broadcast_column<0>(r, z2, z2_stride, g, 1.0f, w);
      sum_grad_y += grad_y[g];
      const PaperRowInputs in{
          w, grad_y[g], saved != nullptr ? saved + static_cast<size_t>(g) * stride_ : nullptr};
      float* out = &block_[static_cast<size_t>(i) * stride_];
      if (heads_ == 8) {
        backward_paper_row<8>(r, in, scaled_h_.data(), tail_mask(), row_a_.data(),
                              column_sum_.data(), out, grad_column);
      } else {
        backward_paper_row<0>(r, in, scaled_h_.data(), tail_mask(), row_a_.data(),
                              column_sum_.data(), out, grad_column);
      }
      for (int k = 0; k < heads_; ++k) grad_z2[k * grad_z2_stride + g] = grad_column[k];
    }
    accumulate_grad_z1(z2, z2_stride, first, count, grad_z1);
  }
  // M̂ = n·γ + β, y_g = M̂_g·h: dγ_j = h_j·Σ_g dy_g n_gj, dβ_j = h_j·Σ_g dy_g,
  // dh_j = γ_j·Σ_g dy_g n_gj + β_j·Σ_g dy_g.
  for (int j = 0; j < hidden_; ++j) {
    grad_scale[j] += h_[j] * column_sum_[j];
    grad_bias[j] += h_[j] * sum_grad_y;
    grad_h[j] += scale_[j] * column_sum_[j] + bias_[j] * sum_grad_y;
  }
}

}  // namespace arq::local
