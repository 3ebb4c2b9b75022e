#pragma once
// Acting with a local layer stack (docs/algorithms.md §4.3, §5.1): the greedy action maximises the
// mean over layers of the per-layer Q-values, and each greedy step advances the temporal
// context (the layers' activations, zero at an episode start).
#include <span>
#include <vector>

#include "arq/agents/agent.h"
#include "arq/agents/local/layer_stack.h"

namespace arq::local {

struct PolicyOptions {
  // Average the Q-values of layers 0..q_layers-1 (0 = all layers; smaller values are the
  // reference's per-layer-prefix evaluation policies).
  int q_layers = 0;
  // The reference does not run the network on ε-random steps, so the next greedy step sees a
  // stale context (§4.3). false advances the context on random steps too (h-paths only).
  bool stale_context_on_random_steps = true;
};

class LocalPolicy final : public Policy {
 public:
  // The stack (usually the learner's online network) must outlive the policy.
  LocalPolicy(LayerStack& stack, const PolicyOptions& options = {});

  void begin_episode() override;
  int act_greedy(std::span<const float> observation) override;
  void skip_step(std::span<const float> observation) override;
  std::vector<std::vector<float>> last_q_values() const override;

  const Context& context() const { return context_; }

 private:
  nn::ConstMatrixMap as_row(std::span<const float> observation) const;

  LayerStack& stack_;
  PolicyOptions options_;
  Context context_, next_;
  SparseColumns columns_;  // the observation's nonzeros, gathered once per step for all layers
  std::vector<nn::Matrix> q_;
  std::vector<float> mean_q_;
};

}  // namespace arq::local
