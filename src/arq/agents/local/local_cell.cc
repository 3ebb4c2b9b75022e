#include "arq/agents/local/local_cell.h"

#include <algorithm>
#include <utility>

#include "arq/agents/local/action_code.h"
#include "arq/agents/local/goodness.h"
#include "arq/core/error.h"
#include "arq/nn/gemm.h"
#include "arq/nn/init.h"

namespace arq::local {

LocalCell::Workspace::Workspace(const CellOptions& options)
    : block(options.heads, options.hidden, std::max(options.rows_per_action(), options.actions),
            options.norm_order) {
  const int rows = options.rows_per_action();
  const size_t stride = static_cast<size_t>(block.stride());
  z2_scratch.resize(static_cast<size_t>(options.heads) * rows);
  y.resize(std::max(rows, options.actions));
  grad_y.resize(y.size());
  grad_z1.resize(options.heads * stride);
  grad_z2.resize(static_cast<size_t>(options.heads) * rows);
  saved_tanh.resize(rows * stride);
  if (options.norm_order == NormOrder::kPaper) {
    attn_scale_grad = nn::Matrix::Zero(1, options.hidden);
    attn_bias_grad = nn::Matrix::Zero(1, options.hidden);
  }
}

LocalCell::LocalCell(std::string name, const CellOptions& options, int input_width)
    : name_(std::move(name)),
      options_(options),
      input_width_(input_width),
      code_width_(options.code_width()),
      fc_h_(name_ + ".fc_h", input_width, options.hidden),
      relu_(options.hidden),
      layer_norm_(name_ + ".layer_norm", options.hidden),
      codes_(action_code_table(options)),
      pre_(options.hidden),
      p1_(static_cast<Eigen::Index>(options.heads) * options.hidden),
      p2_(options.z2_width()),
      grad_p1_(static_cast<Eigen::Index>(options.heads) * options.hidden),
      grad_p2_(options.z2_width()),
      grad_h_(options.hidden),
      taken_codes_(options.code_width()) {
  options_.validate();
  const nn::ParameterList fc_h = fc_h_.parameters();  // kernel, bias
  fc_h_kernel_grad_ = fc_h[0].grad;
  fc_h_bias_grad_ = fc_h[1].grad;
  if (input_width <= 0) {
    throw Error("cell " + name_ + ": input width must be positive, got " +
                std::to_string(input_width));
  }
  const Eigen::Index rows = input_width + code_width_;
  const Eigen::Index heads_hidden = static_cast<Eigen::Index>(options.heads) * options.hidden;
  z1_kernel_ = nn::Matrix::Zero(rows, heads_hidden);
  z1_grad_ = nn::Matrix::Zero(rows, heads_hidden);
  z2_kernel_ = nn::Matrix::Zero(rows, options.z2_width());
  z2_grad_ = nn::Matrix::Zero(rows, options.z2_width());
  if (options.norm_order == NormOrder::kPaper) {
    attn_scale_ = nn::Matrix::Ones(1, options.hidden);
    attn_bias_ = nn::Matrix::Zero(1, options.hidden);
    attn_scale_grad_ = nn::Matrix::Zero(1, options.hidden);
    attn_bias_grad_ = nn::Matrix::Zero(1, options.hidden);
  }
  set_worker_pool(nullptr);
}

void LocalCell::set_worker_pool(WorkerPool* pool) {
  pool_ = pool;
  while (static_cast<int>(workspaces_.size()) < workers()) {
    workspaces_.push_back(std::make_unique<Workspace>(options_));
    if (options_.norm_order == NormOrder::kPaper) {
      workspaces_.back()->block.set_affine(attn_scale_.data(), attn_bias_.data());
    }
  }
}

template <typename Body>
void LocalCell::for_rows(Eigen::Index rows, Body&& body) {
  const int parts = workers();
  if (parts == 1 || rows < 2) {
    body(0, static_cast<int>(rows), 0);
    return;
  }
  pool_->run([&](int part) {
    const auto [begin, end] = WorkerPool::split(static_cast<int>(rows), part, parts);
    if (begin < end) body(begin, end, part);
  });
}

void LocalCell::initialize(nn::Rng& rng) {
  fc_h_.initialize(nn::Init::kLecunNormal, rng);
  nn::init_lecun_normal(z1_kernel_, z1_kernel_.rows(), rng);
  nn::init_lecun_normal(z2_kernel_, z2_kernel_.rows(), rng);
  layer_norm_.scale().setOnes();
  layer_norm_.bias().setZero();
  if (options_.norm_order == NormOrder::kPaper) {
    attn_scale_.setOnes();
    attn_bias_.setZero();
  }
  weights_changed();
}

void LocalCell::weights_changed() {
  for (Bf16Weight* packed : {&bf16_h_, &bf16_z1_, &bf16_z2_}) {
    packed->whole_ready = false;
    packed->parts_ready = false;
  }
}

nn::ParameterList LocalCell::parameters() {
  weights_changed();  // the caller may write through the pointers
  nn::ParameterList list = fc_h_.parameters();
  for (const nn::Parameter& p : layer_norm_.parameters()) list.push_back(p);
  list.push_back({name_ + ".fc_z1.kernel", &z1_kernel_, &z1_grad_});
  list.push_back({name_ + ".fc_z2.kernel", &z2_kernel_, &z2_grad_});
  if (options_.norm_order == NormOrder::kPaper) {
    list.push_back({name_ + ".attn_norm.scale", &attn_scale_, &attn_scale_grad_});
    list.push_back({name_ + ".attn_norm.bias", &attn_bias_, &attn_bias_grad_});
  }
  return list;
}

void LocalCell::copy_parameters_from(LocalCell& other) {
  const nn::ParameterList mine = parameters();
  const nn::ParameterList theirs = other.parameters();
  if (mine.size() != theirs.size()) {
    throw Error("cell " + name_ + ": cannot copy parameters from " + other.name_ +
                " (different parameter lists)");
  }
  for (size_t i = 0; i < mine.size(); ++i) {
    if (mine[i].value->rows() != theirs[i].value->rows() ||
        mine[i].value->cols() != theirs[i].value->cols()) {
      throw Error("cell " + name_ + ": cannot copy " + theirs[i].name + " into " + mine[i].name +
                  " (shape mismatch)");
    }
    *mine[i].value = *theirs[i].value;
  }
  weights_changed();
}

void LocalCell::check_input(const nn::ConstMatrixRef& x, const char* what) const {
  if (x.cols() != input_width_ || x.rows() <= 0) {
    throw Error("cell " + name_ + ": " + what + " input is " + std::to_string(x.rows()) + "x" +
                std::to_string(x.cols()) + ", expected Bx" + std::to_string(input_width_) +
                " with B >= 1");
  }
}

void LocalCell::check_actions(std::span<const int> actions, Eigen::Index batch,
                              const char* what) const {
  if (static_cast<Eigen::Index>(actions.size()) != batch) {
    throw Error("cell " + name_ + ": " + what + " got " + std::to_string(actions.size()) +
                " actions for a batch of " + std::to_string(batch));
  }
  for (const int a : actions) {
    if (a < 0 || a >= options_.actions) {
      throw Error("cell " + name_ + ": " + what + " action " + std::to_string(a) +
                  " is outside [0, " + std::to_string(options_.actions) + ")");
    }
  }
}

void LocalCell::set_sparse_columns(int begin, int width) {
  if (begin < 0 || width < 0 || begin + width > input_width_) {
    throw Error("cell " + name_ + ": sparse columns [" + std::to_string(begin) + ", " +
                std::to_string(begin + width) + ") are outside the input width " +
                std::to_string(input_width_));
  }
  sparse_begin_ = begin;
  sparse_width_ = width;
}

void LocalCell::analyse_input(const nn::ConstMatrixRef& x, const SparseColumns* columns) {
  use_sparse_ = false;
  columns_ = nullptr;
  if (sparse_width_ == 0) return;
  if (columns == nullptr) {
    sparse_.gather(x, sparse_begin_, sparse_width_);
    columns = &sparse_;
  } else if (columns->rows() != x.rows() || columns->width() != sparse_width_) {
    throw Error("cell " + name_ + ": the gathered sparse columns are " +
                std::to_string(columns->rows()) + "x" + std::to_string(columns->width()) +
                ", expected " + std::to_string(x.rows()) + "x" + std::to_string(sparse_width_));
  }
  columns_ = columns;
  use_sparse_ = columns->density() <= kSparseDensityLimit;
}

void LocalCell::prepare_bf16(const nn::ConstMatrixRef& w, Bf16Weight& packed) const {
  if (!use_sparse_) {
    if (!packed.whole_ready) packed.whole.pack(w);
    packed.whole_ready = true;
    return;
  }
  if (packed.parts_ready) return;
  const int after = sparse_begin_ + sparse_width_, rest = input_width_ - after;
  if (sparse_begin_ > 0) packed.before_sparse.pack(w.topRows(sparse_begin_));
  if (rest > 0) packed.after_sparse.pack(w.bottomRows(rest));
  packed.parts_ready = true;
}

void LocalCell::input_product(const nn::ConstMatrixRef& x, const nn::ConstMatrixRef& w,
                              Bf16Weight& packed, nn::MatrixRef out) {
  const int after = sparse_begin_ + sparse_width_, rest = input_width_ - after;
  if (bf16()) prepare_bf16(w, packed);
  for_rows(x.rows(), [&](int begin, int end, int) {
    const int n = end - begin;
    auto out_rows = out.middleRows(begin, n);
    if (!use_sparse_) {
      if (bf16()) {
        nn::gemm_bf16(x.middleRows(begin, n), nn::Transpose::kNo, packed.whole, out_rows);
      } else {
        nn::gemm(x.middleRows(begin, n), nn::Transpose::kNo, w, nn::Transpose::kNo, out_rows);
      }
      return;
    }
    out_rows.setZero();
    if (sparse_begin_ > 0) {
      const auto x_part = x.block(begin, 0, n, sparse_begin_);
      if (bf16()) {
        nn::gemm_bf16(x_part, nn::Transpose::kNo, packed.before_sparse, out_rows, 1.0f, 1.0f);
      } else {
        nn::gemm(x_part, nn::Transpose::kNo, w.topRows(sparse_begin_), nn::Transpose::kNo, out_rows,
                 1.0f, 1.0f);
      }
    }
    if (rest > 0) {
      const auto x_part = x.block(begin, after, n, rest);
      if (bf16()) {
        nn::gemm_bf16(x_part, nn::Transpose::kNo, packed.after_sparse, out_rows, 1.0f, 1.0f);
      } else {
        nn::gemm(x_part, nn::Transpose::kNo, w.bottomRows(rest), nn::Transpose::kNo, out_rows, 1.0f,
                 1.0f);
      }
    }
    columns_->multiply_accumulate(w.middleRows(sparse_begin_, sparse_width_), out, begin, end);
  });
}

// Each worker computes a block of grad_w's columns from all rows.
void LocalCell::input_gradient(const nn::ConstMatrixRef& x, const nn::ConstMatrixRef& grad,
                               nn::MatrixRef grad_w) {
  const int after = sparse_begin_ + sparse_width_, rest = input_width_ - after;
  // grad_w_part = x_partᵀ·grad in the cell's precision (with bf16, grad is rounded per call).
  const auto product = [this](const auto& x_part, const auto& grad_part, auto&& out_part) {
    if (bf16()) {
      nn::gemm_bf16(x_part, nn::Transpose::kYes, grad_part, out_part);
    } else {
      nn::gemm(x_part, nn::Transpose::kYes, grad_part, nn::Transpose::kNo, out_part);
    }
  };
  for_rows(grad.cols(), [&](int begin, int end, int) {
    const int n = end - begin;
    const auto grad_columns = grad.middleCols(begin, n);
    auto out = grad_w.middleCols(begin, n);
    if (!use_sparse_) {
      product(x, grad_columns, out);
      return;
    }
    if (sparse_begin_ > 0)
      product(x.leftCols(sparse_begin_), grad_columns, out.topRows(sparse_begin_));
    if (rest > 0) product(x.rightCols(rest), grad_columns, out.bottomRows(rest));
    columns_->transpose_multiply(grad_columns, out.middleRows(sparse_begin_, sparse_width_));
  });
}

nn::ConstMatrixMap LocalCell::run_hidden(const nn::ConstMatrixRef& x,
                                         const SparseColumns* columns) {
  analyse_input(x, columns);
  nn::MatrixMap pre = pre_.resize_rows(x.rows());
  input_product(x, fc_h_.weight(), bf16_h_, pre);
  pre.rowwise() += fc_h_.bias().row(0);
  const nn::ConstMatrixMap activated = relu_.forward(pre);
  return layer_norm_.forward(activated);
}

void LocalCell::hidden_forward(const nn::ConstMatrixRef& x, nn::MatrixRef h,
                               const SparseColumns* columns) {
  check_input(x, "hidden_forward");
  h = run_hidden(x, columns);
}

void LocalCell::project(const nn::ConstMatrixRef& x) {
  const Eigen::Index batch = x.rows();
  input_product(x, z1_kernel_.topRows(input_width_), bf16_z1_, p1_.resize_rows(batch));
  input_product(x, z2_kernel_.topRows(input_width_), bf16_z2_, p2_.resize_rows(batch));
  if (conditioned()) {
    action_z1_.resize(options_.actions, z1_kernel_.cols());
    action_z2_.resize(options_.actions, z2_kernel_.cols());
    nn::matmul(codes_, z1_kernel_.bottomRows(code_width_), action_z1_);
    nn::matmul(codes_, z2_kernel_.bottomRows(code_width_), action_z2_);
  }
}

void LocalCell::load_z1(Workspace& ws, int row, int action) const {
  const int heads = options_.heads, hidden = options_.hidden, stride = ws.block.stride();
  const float* state_part = p1_.view().row(row).data();
  float* z1 = ws.block.z1();
  if (conditioned()) {
    const float* action_part = action_z1_.row(action).data();
    for (int k = 0; k < heads; ++k) {
      for (int j = 0; j < hidden; ++j) {
        z1[k * stride + j] = state_part[k * hidden + j] + action_part[k * hidden + j];
      }
    }
  } else {
    for (int k = 0; k < heads; ++k) {
      std::copy_n(state_part + k * hidden, hidden, z1 + k * stride);
    }
  }
  ws.block.prepare();
}

LocalCell::Z2View LocalCell::load_z2(Workspace& ws, int row, int action) const {
  const int rows = rows_per_action();
  const float* state_part = p2_.view().row(row).data();
  if (!conditioned()) return {state_part + action * rows, options_.actions * rows};
  const float* action_part = action_z2_.row(action).data();
  const int size = options_.heads * rows;
  for (int i = 0; i < size; ++i) ws.z2_scratch[i] = state_part[i] + action_part[i];
  return {ws.z2_scratch.data(), rows};
}

float LocalCell::read_out(const float* y) const {
  if (options_.kind == CellKind::kAd) return y[0];
  return goodness(options_.goodness, y, rows_per_action());
}

void LocalCell::forward_all(const nn::ConstMatrixRef& x, nn::MatrixRef q, nn::MatrixRef h,
                            const SparseColumns* columns) {
  check_input(x, "forward_all");
  const Eigen::Index batch = x.rows();
  if (q.rows() != batch || q.cols() != options_.actions || h.rows() != batch ||
      h.cols() != options_.hidden) {
    throw Error("cell " + name_ + ": forward_all outputs have the wrong shape");
  }
  const nn::ConstMatrixMap hidden = run_hidden(x, columns);
  project(x);
  const int rows = rows_per_action(), actions = options_.actions;
  for_rows(batch, [&](int begin, int end, int worker) {
    Workspace& ws = *workspaces_[worker];
    for (int b = begin; b < end; ++b) {
      const float* h_row = hidden.row(b).data();
      if (!conditioned()) load_z1(ws, b, 0);  // Z1 is shared by all actions
      if (!conditioned() && rows == 1) {
        // AD: one row per action, all actions in one pass.
        const Z2View z2 = load_z2(ws, b, 0);
        ws.block.forward(z2.data, z2.stride, actions, h_row, ws.y.data());
        for (int a = 0; a < actions; ++a) q(b, a) = ws.y[a];
        continue;
      }
      for (int a = 0; a < actions; ++a) {
        if (conditioned()) load_z1(ws, b, a);
        const Z2View z2 = load_z2(ws, b, a);
        ws.block.forward(z2.data, z2.stride, rows, h_row, ws.y.data());
        q(b, a) = read_out(ws.y.data());
      }
    }
  });
  h = hidden;
}

void LocalCell::forward_selected(const nn::ConstMatrixRef& x, std::span<const int> actions,
                                 std::span<float> q, nn::MatrixRef h,
                                 const SparseColumns* columns) {
  check_input(x, "forward_selected");
  const Eigen::Index batch = x.rows();
  check_actions(actions, batch, "forward_selected");
  if (static_cast<Eigen::Index>(q.size()) != batch || h.rows() != batch ||
      h.cols() != options_.hidden) {
    throw Error("cell " + name_ + ": forward_selected outputs have the wrong shape");
  }
  const nn::ConstMatrixMap hidden = run_hidden(x, columns);
  project(x);
  for_rows(batch, [&](int begin, int end, int worker) {
    Workspace& ws = *workspaces_[worker];
    for (int b = begin; b < end; ++b) {
      load_z1(ws, b, actions[b]);
      const Z2View z2 = load_z2(ws, b, actions[b]);
      ws.block.forward(z2.data, z2.stride, rows_per_action(), hidden.row(b).data(), ws.y.data());
      q[b] = read_out(ws.y.data());
    }
  });
  h = hidden;
}

void LocalCell::forward_backward_selected(const nn::ConstMatrixRef& x, std::span<const int> actions,
                                          const QGradient& grad, std::span<float> q,
                                          nn::MatrixRef h, const SparseColumns* columns) {
  check_input(x, "forward_backward_selected");
  const Eigen::Index batch = x.rows();
  check_actions(actions, batch, "forward_backward_selected");
  if (static_cast<Eigen::Index>(q.size()) != batch || h.rows() != batch ||
      h.cols() != options_.hidden) {
    throw Error("cell " + name_ + ": forward_backward_selected outputs have the wrong shape");
  }
  const nn::ConstMatrixMap hidden = run_hidden(x, columns);
  project(x);
  const int heads = options_.heads, hidden_width = options_.hidden, rows = rows_per_action();
  const int stride = workspaces_[0]->block.stride();
  nn::MatrixMap grad_p1 = grad_p1_.resize_rows(batch);
  nn::MatrixMap grad_p2 = grad_p2_.resize_rows(batch);
  nn::MatrixMap grad_h = grad_h_.resize_rows(batch);
  grad_h.setZero();
  if (!conditioned()) grad_p2.setZero();  // only the taken action's columns get gradient
  const bool paper = options_.norm_order == NormOrder::kPaper;
  if (paper) {
    for (int w = 0; w < workers(); ++w) {
      workspaces_[w]->attn_scale_grad.setZero();
      workspaces_[w]->attn_bias_grad.setZero();
    }
  }
  for_rows(batch, [&](int begin, int end, int worker) {
    Workspace& ws = *workspaces_[worker];
    for (int b = begin; b < end; ++b) {
      const int a = actions[b];
      const float* h_row = hidden.row(b).data();
      load_z1(ws, b, a);
      const Z2View z2 = load_z2(ws, b, a);
      ws.block.forward(z2.data, z2.stride, rows, h_row, ws.y.data(), ws.saved_tanh.data());
      const float q_value = read_out(ws.y.data());
      q[b] = q_value;
      const float grad_q = grad(b, q_value);
      if (options_.kind == CellKind::kArq) {
        goodness_backward(options_.goodness, ws.y.data(), rows, q_value, grad_q, ws.grad_y.data());
      } else {
        ws.grad_y[0] = grad_q;
      }
      ws.block.backward(z2.data, z2.stride, rows, h_row, ws.grad_y.data(), ws.grad_z1.data(),
                        ws.grad_z2.data(), rows, grad_h.row(b).data(),
                        paper ? ws.attn_scale_grad.data() : nullptr,
                        paper ? ws.attn_bias_grad.data() : nullptr, ws.saved_tanh.data());
      float* grad_p1_row = grad_p1.row(b).data();
      for (int k = 0; k < heads; ++k) {
        std::copy_n(&ws.grad_z1[static_cast<size_t>(k) * stride], hidden_width,
                    grad_p1_row + k * hidden_width);
      }
      float* grad_p2_row = grad_p2.row(b).data();
      const int column_stride = conditioned() ? rows : options_.actions * rows;
      const int offset = conditioned() ? 0 : a * rows;
      for (int k = 0; k < heads; ++k) {
        std::copy_n(&ws.grad_z2[static_cast<size_t>(k) * rows], rows,
                    grad_p2_row + k * column_stride + offset);
      }
    }
  });
  if (paper) {  // the workers' shares, summed in a fixed order
    attn_scale_grad_.setZero();
    attn_bias_grad_.setZero();
    for (int w = 0; w < workers(); ++w) {
      attn_scale_grad_ += workspaces_[w]->attn_scale_grad;
      attn_bias_grad_ += workspaces_[w]->attn_bias_grad;
    }
  }
  // Weight gradients: the state rows from X, the action rows from the taken actions' codes.
  input_gradient(x, grad_p1, z1_grad_.topRows(input_width_));
  input_gradient(x, grad_p2, z2_grad_.topRows(input_width_));
  if (conditioned()) {
    nn::MatrixMap taken = taken_codes_.resize_rows(batch);
    for (Eigen::Index b = 0; b < batch; ++b) taken.row(b) = codes_.row(actions[b]);
    nn::gemm(taken, nn::Transpose::kYes, grad_p1, nn::Transpose::kNo,
             z1_grad_.bottomRows(code_width_));
    nn::gemm(taken, nn::Transpose::kYes, grad_p2, nn::Transpose::kNo,
             z2_grad_.bottomRows(code_width_));
  }
  // The h-path, from dL/dh of the bilinear read-out (h is a constant for every other layer).
  const nn::ConstMatrixMap grad_activated = layer_norm_.backward(relu_.output(), grad_h);
  const nn::ConstMatrixMap grad_pre = relu_.backward(pre_.view(), grad_activated);
  input_gradient(x, grad_pre, *fc_h_kernel_grad_);
  nn::sum_rows(grad_pre, *fc_h_bias_grad_);
  h = hidden;
}

}  // namespace arq::local
