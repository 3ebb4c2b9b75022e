#pragma once
// The attention block of an AD/ARQ cell for ONE state(-action) input: with head-major factors
// Z1 [K, H] and Z2 [K, R],
//   M = Z2ᵀ·Z1 [R, H],   M̂ = normalise each row of M,   y = M̂·h [R].
// ARQ has R = H rows per action, AD one row per action.
//
// This is not a GEMM over batch rows: every state-action pair has its own rank-K matrix M, and
// the row normalisation and tanh need all of its R·H elements. So the block never materialises
// M: it builds one row at a time in registers and fuses normalisation, tanh and the read-out
// y_g = M̂_g·h, which keeps the work in L1 (R·H·(K+1) multiply-adds and R·H tanh per pair).
//
// Code order (the released code): M̂ = tanh((M - μ_g) / (σ_g + 1e-6)). The row statistics come
// from K-sized algebra instead of passes over the row: with Z1 centred per head (Z1c) and
// C = Z1c·Z1cᵀ / H, the row is M_g - μ_g = z2_gᵀ·Z1c and σ_g² = z2_gᵀ·C·z2_g.
// Paper order: M̂ = LayerNorm(tanh(M)) with ε = 1e-6 inside the square root, population
// variance (computed in two passes over the stored row) and a learnable affine (γ, β) over the
// H columns.
//
// backward() differentiates all of it for the same inputs. A block owns its scratch; use one
// block per thread. The row loops run at arq::active_isa_level() (core/isa.h): at AVX-512 the
// code-order forward of 8 or more rows is its own kernel with one row per vector lane
// (bilinear_block_avx512.cc); the rest is a copy of the same 256-bit code compiled with
// AVX-512's 32 vector registers.
#include <vector>

#include "arq/agents/local/cell_options.h"
#include "arq/agents/local/vec8.h"

namespace arq::local {

class BilinearBlock {
 public:
  static constexpr float kStdEpsilon = 1e-6f;        // added to σ (code order)
  static constexpr float kLayerNormEpsilon = 1e-6f;  // inside the sqrt (paper order)

  BilinearBlock(int heads, int hidden, int max_rows, NormOrder order);

  int heads() const { return heads_; }
  int hidden() const { return hidden_; }
  int max_rows() const { return max_rows_; }
  // Row stride of z1() and of saved tanh rows: hidden rounded up to a multiple of 16.
  int stride() const { return stride_; }

  // Z1 [heads, hidden] with row stride stride(): write it, then call prepare(). The padding
  // columns need not be written.
  float* z1() { return z1_.data(); }
  void prepare();

  // Paper order: the affine applied to every normalised row (both length hidden).
  void set_affine(const float* scale, const float* bias) {
    scale_ = scale;
    bias_ = bias;
  }

  // y[g] for g < rows, where Z2[k, g] = z2[k·z2_stride + g] and h has length hidden.
  // saved (optional, rows × stride()) receives the tanh values so backward() can skip them
  // (code order: the block also keeps the values before the tanh; where the AVX-512 kernels run
  // it, the block keeps both itself, in their layout, and leaves `saved` unwritten).
  void forward(const float* z2, int z2_stride, int rows, const float* h, float* y,
               float* saved = nullptr);

  // Gradients of forward() with the same inputs, given dL/dy (length rows). `saved` is what
  // that forward() stored; it must then have been this block's last call (its row scales are
  // reused too).
  //   grad_z1 [heads, stride()]               overwritten (padding columns are garbage)
  //   grad_z2[k·grad_z2_stride + g]           overwritten
  //   grad_h (length hidden)                  accumulated
  //   grad_scale, grad_bias (paper order)     accumulated
  void backward(const float* z2, int z2_stride, int rows, const float* h, const float* grad_y,
                float* grad_z1, float* grad_z2, int grad_z2_stride, float* grad_h,
                float* grad_scale = nullptr, float* grad_bias = nullptr,
                const float* saved = nullptr);

 private:
  // Whether the code-order rows run in the AVX-512 kernels with one row per vector lane.
  bool uses_row_lanes(int rows) const;
  Vec8 tail_mask() const;  // 1 for the valid lanes of the last vector of a row, 0 for padding
  void load_h(const float* h);
  void forward_rows(const float* z2, int z2_stride, int rows, float* y, float* saved);
  void compute_row_scales(const float* z2, int z2_stride, int rows);
  void backward_code(const float* z2, int z2_stride, int rows, const float* grad_y, float* grad_z1,
                     float* grad_z2, int grad_z2_stride, float* grad_h, const float* saved);
  void backward_paper(const float* z2, int z2_stride, int rows, const float* grad_y, float* grad_z1,
                      float* grad_z2, int grad_z2_stride, float* grad_h, float* grad_scale,
                      float* grad_bias, const float* saved);
  // grad_z1[k, :] += Σ_r z2[k, first + r]·rows_block[r, :] for r < count.
  void accumulate_grad_z1(const float* z2, int z2_stride, int first, int count,
                          float* grad_z1) const;

  int heads_, hidden_, stride_, vectors_, max_rows_;
  NormOrder order_;
  const float* scale_ = nullptr;
  const float* bias_ = nullptr;
  std::vector<float> z1_;             // [heads, stride]; centred in place by prepare() (code order)
  std::vector<float> head_mean_;      // [heads] means removed from z1 (code order)
  std::vector<float> gram_;           // [heads, heads] Z1c·Z1cᵀ / H (code order)
  std::vector<float> sigma_;          // [max_rows] row std (code order)
  std::vector<float> inv_scale_;      // [max_rows] 1 / (σ + ε)
  std::vector<float> h_;              // [stride] zero-padded h
  std::vector<float> scaled_h_;       // [stride] γ⊙h (paper order)
  std::vector<float> row_a_, row_b_;  // [stride] per-row scratch
  std::vector<float> block_;          // [kRowBlock, stride] row gradients awaiting grad_z1
  std::vector<float> column_sum_;     // [stride] Σ_g dy_g·n_g (paper order)
  // [max_rows, stride] rows before the tanh, kept with `saved` (code order; allocated on the
  // first forward that saves).
  std::vector<float> saved_normalised_;
  // The AVX-512 code-order kernels keep t and n as row tiles instead of `saved` rows
  // (bilinear_block_kernels.h; allocated on the first forward that saves).
  std::vector<float> tanh_tiles_, normalised_tiles_, tile_scratch_;
  bool tiles_saved_ = false;  // the last forward() kept tiles
  float sum_scaled_h_ = 0.0f, bias_dot_h_ = 0.0f;
};

}  // namespace arq::local
