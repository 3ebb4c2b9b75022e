#pragma once
// The multi-layer local network (docs/algorithms.md §4): L cells, each fed
//   X_l = [ h^{l-1}_t (s_t for l = 0) ; s_t (l > 0, input skip) ; h^l_{t-1} (recurrent) ;
//           h^{l+1}_{t-1} (l < L-1, top-down) ]
// in that order, where the "_{t-1}" parts come from a temporal context. No gradient ever flows
// between cells: each receives already-computed arrays.
#include <memory>
#include <string>
#include <vector>

#include "arq/agents/local/local_cell.h"
#include "arq/nn/batch_buffer.h"
#include "arq/nn/matrix.h"
#include "arq/nn/rng.h"

namespace arq::local {

struct StackOptions {
  std::vector<int> widths;  // H_l per layer, e.g. {400, 200, 200}
  int observation_size = 0;
  // Kind, actions, heads, goodness, code, conditioning, norm order; `hidden` is set per layer.
  CellOptions cell;
  bool input_skip = true;  // s_t into layers l > 0
  bool recurrent = true;   // a layer's own previous output
  bool top_down = true;    // the layer above's previous output
  // Context update h_ctx ← α·h + (1 - α)·h_ctx (the reference's context_accumulation_alpha;
  // 1.0 in every released configuration).
  float context_alpha = 1.0f;

  int layers() const { return static_cast<int>(widths.size()); }
  int input_width(int layer) const;
  void validate() const;  // throws arq::Error naming the bad field
};

// Per-layer activations [B, H_l] of one time step; empty matrices mean zeros.
struct Context {
  std::vector<nn::Matrix> layers;
  // Zeros for `batch` rows (allocates only when the shape changes).
  void reset(const StackOptions& options, Eigen::Index batch);
};

class LayerStack {
 public:
  // Cells are named "<prefix>layer<l>", e.g. "online.layer0".
  LayerStack(const std::string& prefix, const StackOptions& options);

  const StackOptions& options() const { return options_; }
  int layers() const { return options_.layers(); }
  LocalCell& cell(int layer) { return *cells_[layer]; }

  void initialize(nn::Rng& rng);  // layer by layer, from one generator
  // Lets every cell split its work over the pool (nullptr: single-threaded).
  void set_worker_pool(WorkerPool* pool);
  nn::ParameterList parameters();
  void copy_parameters_from(LayerStack& other);

  // X_l from its parts (prev_upper is ignored for the top layer). Rows must agree. With
  // skip_observation the observation's columns are left unwritten: for a cell that reads them
  // from a prepared gather (LocalCell::skips_columns), copying them would be wasted.
  void build_input(int layer, const nn::ConstMatrixRef& below,
                   const nn::ConstMatrixRef& observation, const nn::ConstMatrixRef& previous_own,
                   const nn::ConstMatrixRef& previous_upper, nn::MatrixRef x,
                   bool skip_observation = false) const;

  // The passes below take an optional gather of `observation`'s nonzeros
  // (gather_observation()), shared by every layer that sees the observation; without it each
  // cell gathers its own copy.
  void gather_observation(const nn::ConstMatrixRef& observation, SparseColumns& columns) const;

  // One time step of the h-paths only (a context pass): next = the context after seeing
  // `observation` [B, S] given `previous`. next must not alias previous.
  void hidden_step(const nn::ConstMatrixRef& observation, const Context& previous, Context& next,
                   const SparseColumns* columns = nullptr);
  // One full time step: q[l] [B, A] for the first q_layers layers (all if q_layers <= 0; the
  // layers above only run their h-path, which the context still needs), and the next context.
  void forward_step(const nn::ConstMatrixRef& observation, const Context& previous, Context& next,
                    std::vector<nn::Matrix>& q, int q_layers = 0,
                    const SparseColumns* columns = nullptr);
  // The gather a layer's cell should use: `columns` if that cell's sparse columns are the
  // observation, nullptr otherwise.
  const SparseColumns* columns_for(int layer, const SparseColumns* columns) const;

 private:
  template <typename LayerCall>
  void step(const nn::ConstMatrixRef& observation, const Context& previous, Context& next,
            const SparseColumns* columns, LayerCall&& call);

  StackOptions options_;
  std::vector<std::unique_ptr<LocalCell>> cells_;
  std::vector<nn::BatchBuffer> inputs_;  // X_l
  std::vector<nn::BatchBuffer> raw_h_;   // h_l before context mixing (what goes upward)
};

}  // namespace arq::local
