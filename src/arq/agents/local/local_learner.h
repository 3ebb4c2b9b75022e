#pragma once
// Local Q-learning for a layer stack (docs/algorithms.md §5.2, §6, §9): every layer has its own
// double-DQN target, its own TD loss and its own clip-by-global-norm → Adam optimiser; no
// gradient crosses layers or time. The target network is a full separate copy of the stack,
// synchronised by a hard copy.
//
// One update, for a batch of B sampled transitions:
//  1. Contexts: run the h-paths over each window s_{t-k} … s_t from zero activations, with online
//     parameters (keeping the context before s_t and after it) and with target parameters
//     (after it).
//  2. Layer by layer, bottom up: build X (s_t), X' (s_{t+1}, online) and X̄' (s_{t+1}, target);
//     a* = argmax_a Q_online(X', a) over all actions; q̄ = Q_target(X̄', a*) for a* only;
//     y = r + γ·(1 - terminated)·q̄; loss = mean_b (Q(X, a_t) - y)² evaluated and differentiated
//     for the taken action only; one optimiser step. The activations passed upward are those of
//     the pre-update parameters.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "arq/agents/local/layer_stack.h"
#include "arq/nn/adam.h"

namespace arq::local {

// One sampled batch, independent of how the replay buffer stores it. windows[b] holds the
// observations s_{t-k} … s_t of transition b (k = window - 1; earlier positions already clamped
// at the episode start by the sampler), i.e. [B, window, S] row-major, as
// replay::ReplayBuffer::windows() writes it.
struct LocalBatch {
  int batch_size = 0;
  int window = 0;  // k + 1 observations, s_t last (11 in the released configs)
  int observation_size = 0;
  std::span<const float> windows;            // [B, window, S]
  std::span<const float> next_observations;  // [B, S]   s_{t+1}
  std::span<const int> actions;              // [B]      a_t
  std::span<const float> rewards;            // [B]      r_t
  std::span<const float> terminated;         // [B]      1: no bootstrap (time limits are 0)
};

enum class TdLoss {
  kMse,    // mean (q - y)², no 1/2 (optax.squared_error(...).mean(), the released configs)
  kHuber,  // mean huber_δ=1(q - y) (optax.huber_loss)
};

struct LearnerOptions {
  float gamma = 0.99f;
  bool double_q = true;
  TdLoss loss = TdLoss::kMse;
  // Per layer: clip by global norm (max_grad_norm > 0) → Adam; b2 = 0.99 as the released code.
  // Threads that share each update's data-parallel work (1: the calling thread only). Results
  // are reproducible for a given count; different counts differ in float rounding only.
  int threads = 1;
  nn::AdamOptions adam{.learning_rate = 1e-4f,
                       .b1 = 0.9f,
                       .b2 = 0.99f,
                       .eps = 1e-8f,
                       .eps_root = 0.0f,
                       .max_grad_norm = 1.0f};
};

struct LayerUpdateMetrics {
  double td_loss = 0.0;        // the loss value minimised
  double q_mean = 0.0;         // mean_b Q(s_t, a_t) before the update
  double target_mean = 0.0;    // mean_b y
  double gradient_norm = 0.0;  // global norm of the layer's gradient, before clipping
};

class LocalLearner {
 public:
  // Online and target stacks initialised identically from `seed`.
  LocalLearner(const StackOptions& stack, const LearnerOptions& options, uint64_t seed);

  const StackOptions& stack_options() const { return online_.options(); }
  const LearnerOptions& options() const { return options_; }
  LayerStack& online() { return online_; }
  LayerStack& target() { return target_; }
  nn::Adam& optimizer(int layer) { return *optimizers_[layer]; }

  // One local update of every layer; metrics per layer, valid until the next update.
  const std::vector<LayerUpdateMetrics>& update(const LocalBatch& batch);
  void sync_target() { target_.copy_parameters_from(online_); }

  // Test hook: lets a test change layer `layer`'s TD targets before its loss is formed.
  using TargetHook = std::function<void(int layer, std::span<float> targets)>;
  void set_target_hook(TargetHook hook) { target_hook_ = std::move(hook); }

 private:
  void check_batch(const LocalBatch& batch) const;
  // Contexts before and after s_t (online) and after s_t (target) from the windows.
  void build_contexts(const LocalBatch& batch);
  // The per-layer update, top to bottom as docs/algorithms.md §9 lists it, and its helpers.
  LayerUpdateMetrics update_layer(int layer, const LocalBatch& batch);
  void size_layer_buffers(int layer, int rows);
  // The observation nonzeros a layer's cell reads for s_t and s_{t+1} (null: dense input).
  struct LayerColumns {
    const SparseColumns* obs = nullptr;
    const SparseColumns* next = nullptr;
  };
  LayerColumns build_layer_inputs(int layer, const LocalBatch& batch);
  LayerUpdateMetrics layer_metrics(int layer) const;

  LearnerOptions options_;
  std::unique_ptr<WorkerPool> pool_;
  LayerStack online_, target_;
  std::vector<std::unique_ptr<nn::Adam>> optimizers_;
  TargetHook target_hook_;

  // Per-update scratch, sized by the first update (no steady-state allocation).
  Context scratch_a_, scratch_b_;
  Context online_before_, online_after_, target_after_;
  std::vector<nn::Matrix> x_, x_next_, x_target_;  // per layer [B, D_l]
  std::vector<nn::Matrix> h_, h_next_, h_target_;  // per layer [B, H_l]
  nn::Matrix q_next_, q_target_all_;               // [B, A]
  // Each observation batch's nonzeros, gathered once per update and shared by every layer of
  // both networks: window positions [window], s_{t+1}.
  std::vector<SparseColumns> window_columns_;
  SparseColumns next_columns_;
  std::vector<int> best_actions_;
  std::vector<float> q_bar_, targets_, predictions_;
  std::vector<double> row_losses_;
  std::vector<LayerUpdateMetrics> metrics_;
};

}  // namespace arq::local
