#pragma once
// One layer of a local (AD or ARQ) Q-network: explicit forward passes and a LOCAL backward that
// yields gradients for this cell's own parameters only (its input X is a constant).
//
//   h    = LayerNorm(ReLU(X·W_h + b_h))                          the activation passed on
//   Z1_a = reshape([X; e_a]·W_1, K×H),  Z2_a = reshape([X; e_a]·W_2, K×R)   (e_a: action code)
//   y_a  = M̂_a·h with M_a = Z2_aᵀ·Z1_a row-normalised              (BilinearBlock)
//   Q(s, a) = G(y_a) for ARQ (R = H), y_a itself for AD (R = 1)
// Without action conditioning Z2 = reshape(X·W_2, K×(A·R)) and action a owns columns a·R…a·R+R-1.
//
// Only the necessary work is done: the state part X·W[:D] of each z-projection is one GEMM per
// batch; the action rows W[D:] are tabulated per action (A×E·K·H, once per call) and added per
// pair (the reference code instead tiles X A times); losses and targets evaluate only the
// actions they need; nothing of size (B·A)×H×H is ever materialised.
//
// Parameter names (checkpoint tensor names), with the cell's name as prefix:
//   fc_h.kernel [D, H]   fc_h.bias [1, H]   layer_norm.scale/bias [1, H]
//   fc_z1.kernel [D+E, K·H]   fc_z2.kernel [D+E, z2_width]   (no biases, as in the code)
//   attn_norm.scale/bias [1, H]   (paper norm order only)
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "arq/agents/local/bilinear_block.h"
#include "arq/agents/local/cell_options.h"
#include "arq/agents/local/sparse_columns.h"
#include "arq/agents/local/worker_pool.h"
#include "arq/nn/activation.h"
#include "arq/nn/batch_buffer.h"
#include "arq/nn/gemm_bf16.h"
#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "arq/nn/parameter.h"
#include "arq/nn/rng.h"

namespace arq::local {

// dL/dQ for row `row` of the batch, given its predicted Q (e.g. 2·(q - target)/B for the MSE).
// With a worker pool it is called concurrently for different rows.
using QGradient = std::function<float(int row, float q)>;

class LocalCell {
 public:
  LocalCell(std::string name, const CellOptions& options, int input_width);
  LocalCell(const LocalCell&) = delete;  // parameters are handed out by address
  LocalCell& operator=(const LocalCell&) = delete;

  const std::string& name() const { return name_; }
  const CellOptions& options() const { return options_; }
  int input_width() const { return input_width_; }
  int hidden() const { return options_.hidden; }
  int actions() const { return options_.actions; }

  // Truncated LeCun-normal kernels (fan_in = rows), zero biases, LayerNorm γ = 1 and β = 0.
  void initialize(nn::Rng& rng);
  // Fixed order: fc_h.kernel, fc_h.bias, layer_norm.scale, layer_norm.bias, fc_z1.kernel,
  // fc_z2.kernel[, attn_norm.scale, attn_norm.bias].
  nn::ParameterList parameters();
  // Copies every parameter value (the hard target sync); shapes must match.
  void copy_parameters_from(LocalCell& other);

  // Declares input columns [begin, begin + width) as often zero (the observation part on
  // MinAtar). Each call then counts their nonzeros and, when few enough, multiplies only those
  // (the result is the same up to float summation order).
  static constexpr double kSparseDensityLimit = 0.25;
  void set_sparse_columns(int begin, int width);
  int sparse_begin() const { return sparse_begin_; }
  int sparse_width() const { return sparse_width_; }
  // Whether a prepared gather of the sparse columns lets the calls below skip reading them.
  static bool skips_columns(const SparseColumns* columns) {
    return columns != nullptr && columns->density() <= kSparseDensityLimit;
  }

  // Must be called after anything but this class changes the weights (the optimizer step): with
  // nn.precision = bf16 the weights are rounded and packed once, at their first use after it.
  // initialize(), copy_parameters_from() and parameters() (which hands out writable pointers)
  // call it themselves.
  void weights_changed();

  // Splits batch rows (per-pair work, projections) and weight-gradient columns over the pool's
  // workers; nullptr runs everything on the calling thread. The pool must outlive the cell's
  // use of it. Results are reproducible for a given worker count.
  void set_worker_pool(WorkerPool* pool);

  // Every pass below takes an optional `columns`: the nonzeros of x's sparse columns, gathered
  // once by the caller (SparseColumns::gather(x, sparse_begin(), sparse_width())) and shared by
  // every call on inputs with the same sparse part. Without it each call gathers its own. If
  // skips_columns(columns), x's sparse columns are not read at all (they may hold anything).
  //
  // The h-path only: h [B, H].
  void hidden_forward(const nn::ConstMatrixRef& x, nn::MatrixRef h,
                      const SparseColumns* columns = nullptr);
  // Q for every action, q [B, A], and h [B, H].
  void forward_all(const nn::ConstMatrixRef& x, nn::MatrixRef q, nn::MatrixRef h,
                   const SparseColumns* columns = nullptr);
  // Q(x_b, actions[b]) only, q [B], and h [B, H].
  void forward_selected(const nn::ConstMatrixRef& x, std::span<const int> actions,
                        std::span<float> q, nn::MatrixRef h,
                        const SparseColumns* columns = nullptr);
  // Forward for the given actions, then the local backward of L with dL/dQ_b = grad(b, Q_b):
  // every parameter gradient is overwritten. Writes Q(x_b, actions[b]) into q and h [B, H].
  void forward_backward_selected(const nn::ConstMatrixRef& x, std::span<const int> actions,
                                 const QGradient& grad, std::span<float> q, nn::MatrixRef h,
                                 const SparseColumns* columns = nullptr);

 private:
  bool conditioned() const { return options_.action_conditioning; }
  int rows_per_action() const { return options_.rows_per_action(); }
  void check_input(const nn::ConstMatrixRef& x, const char* what) const;
  void check_actions(std::span<const int> actions, Eigen::Index batch, const char* what) const;
  nn::ConstMatrixMap run_hidden(const nn::ConstMatrixRef& x, const SparseColumns* columns);
  // Decides per call whether the sparse columns are sparse enough to skip their zeros, using
  // the caller's gather or its own.
  void analyse_input(const nn::ConstMatrixRef& x, const SparseColumns* columns);
  // A weight with D rows rounded to bf16 and packed: whole, and as the parts around the sparse
  // columns. Each is packed at its first use after weights_changed().
  struct Bf16Weight {
    nn::Bf16Panels whole, before_sparse, after_sparse;
    bool whole_ready = false, parts_ready = false;
  };
  bool bf16() const { return options_.precision == nn::Precision::kBf16; }
  // Packs what this call's input_product needs (on the calling thread, before any worker runs).
  void prepare_bf16(const nn::ConstMatrixRef& w, Bf16Weight& packed) const;
  // out = X·w for w with D rows; grad_w = Xᵀ·grad. Both skip the zeros of sparse columns. With
  // bf16, `packed` is w rounded (input_product) and the products have bf16 operands.
  void input_product(const nn::ConstMatrixRef& x, const nn::ConstMatrixRef& w, Bf16Weight& packed,
                     nn::MatrixRef out);
  void input_gradient(const nn::ConstMatrixRef& x, const nn::ConstMatrixRef& grad,
                      nn::MatrixRef grad_w);
  // p1 = X·W_1[:D], p2 = X·W_2[:D]; the per-action tables c_i = codes·W_i[D:] if conditioned.
  void project(const nn::ConstMatrixRef& x);

  // Scratch of one worker for the per-pair work.
  struct Workspace {
    explicit Workspace(const CellOptions& options);
    BilinearBlock block;
    std::vector<float> z2_scratch;               // [K, R] Z2 of one pair (conditioned cells)
    std::vector<float> y, grad_y;                // [max(A, R)]
    std::vector<float> grad_z1;                  // [K, block stride]
    std::vector<float> grad_z2;                  // [K, R]
    std::vector<float> saved_tanh;               // [R, block stride]
    nn::Matrix attn_scale_grad, attn_bias_grad;  // this worker's share (paper order)
  };
  struct Z2View {
    const float* data;
    int stride;
  };
  // Loads Z1 of (row, action) into the workspace's block and prepares it.
  void load_z1(Workspace& ws, int row, int action) const;
  // Z2 of (row, action): in place, or summed into the workspace.
  Z2View load_z2(Workspace& ws, int row, int action) const;
  float read_out(const float* y) const;  // Q from y (goodness for ARQ)
  // Runs body(begin, end, worker) over a partition of [0, rows).
  template <typename Body>
  void for_rows(Eigen::Index rows, Body&& body);
  int workers() const { return pool_ != nullptr ? pool_->size() : 1; }

  std::string name_;
  CellOptions options_;
  int input_width_;
  int code_width_;
  nn::Linear fc_h_;
  nn::Matrix* fc_h_kernel_grad_ = nullptr;  // fc_h_'s gradients, looked up once
  nn::Matrix* fc_h_bias_grad_ = nullptr;
  nn::Relu relu_;
  nn::LayerNorm layer_norm_;
  nn::Matrix z1_kernel_, z1_grad_;                                        // [D+E, K·H]
  nn::Matrix z2_kernel_, z2_grad_;                                        // [D+E, z2_width]
  nn::Matrix attn_scale_, attn_scale_grad_, attn_bias_, attn_bias_grad_;  // [1, H], paper order
  nn::Matrix codes_;                                                      // [A, E]
  Bf16Weight bf16_h_, bf16_z1_, bf16_z2_;  // W_h, W_1[:D], W_2[:D] with nn.precision = bf16
  nn::Matrix action_z1_, action_z2_;       // [A, K·H], [A, K·R]: W_i[D:] rows combined per action
  nn::BatchBuffer pre_;                    // [B, H] X·W_h + b_h
  nn::BatchBuffer p1_, p2_;                // [B, K·H], [B, z2_width]
  nn::BatchBuffer grad_p1_, grad_p2_, grad_h_, taken_codes_;
  std::vector<std::unique_ptr<Workspace>> workspaces_;  // one per worker
  WorkerPool* pool_ = nullptr;
  int sparse_begin_ = 0, sparse_width_ = 0;
  bool use_sparse_ = false;
  const SparseColumns* columns_ = nullptr;  // this call's gather: sparse_ or the caller's
  SparseColumns sparse_;
};

}  // namespace arq::local
