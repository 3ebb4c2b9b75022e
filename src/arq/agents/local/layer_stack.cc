#include "arq/agents/local/layer_stack.h"

#include <string>

#include "arq/core/error.h"

namespace arq::local {

int StackOptions::input_width(int layer) const {
  const int last = layers() - 1;
  int width = layer == 0 ? observation_size : widths[layer - 1];
  if (layer > 0 && input_skip) width += observation_size;
  if (recurrent) width += widths[layer];
  if (layer < last && top_down) width += widths[layer + 1];
  return width;
}

void StackOptions::validate() const {
  if (widths.empty()) throw Error("local stack: needs at least one layer width");
  for (const int w : widths) {
    if (w <= 0) throw Error("local stack: layer widths must be positive, got " + std::to_string(w));
  }
  if (observation_size <= 0) {
    throw Error("local stack: observation size must be positive, got " +
                std::to_string(observation_size));
  }
  if (!(context_alpha > 0.0f && context_alpha <= 1.0f)) {
    throw Error("local stack: context alpha must be in (0, 1], got " +
                std::to_string(context_alpha));
  }
}

void Context::reset(const StackOptions& options, Eigen::Index batch) {
  layers.resize(options.widths.size());
  for (size_t l = 0; l < layers.size(); ++l) {
    if (layers[l].rows() != batch || layers[l].cols() != options.widths[l]) {
      layers[l].resize(batch, options.widths[l]);
    }
    layers[l].setZero();
  }
}

LayerStack::LayerStack(const std::string& prefix, const StackOptions& options) : options_(options) {
  options_.validate();
  for (int l = 0; l < options_.layers(); ++l) {
    CellOptions cell_options = options_.cell;
    cell_options.hidden = options_.widths[l];
    cells_.push_back(std::make_unique<LocalCell>(prefix + "layer" + std::to_string(l), cell_options,
                                                 options_.input_width(l)));
    // The observation's columns: first in layer 0, after the layer below's output above it.
    if (l == 0) {
      cells_.back()->set_sparse_columns(0, options_.observation_size);
    } else if (options_.input_skip) {
      cells_.back()->set_sparse_columns(options_.widths[l - 1], options_.observation_size);
    }
    inputs_.emplace_back(options_.input_width(l));
    raw_h_.emplace_back(options_.widths[l]);
  }
}

void LayerStack::initialize(nn::Rng& rng) {
  for (auto& cell : cells_) cell->initialize(rng);
}

void LayerStack::set_worker_pool(WorkerPool* pool) {
  for (auto& cell : cells_) cell->set_worker_pool(pool);
}

nn::ParameterList LayerStack::parameters() {
  nn::ParameterList list;
  for (auto& cell : cells_) {
    for (const nn::Parameter& p : cell->parameters()) list.push_back(p);
  }
  return list;
}

void LayerStack::copy_parameters_from(LayerStack& other) {
  if (other.layers() != layers()) throw Error("local stack: cannot copy a stack of another depth");
  for (int l = 0; l < layers(); ++l) cells_[l]->copy_parameters_from(*other.cells_[l]);
}

void LayerStack::build_input(int layer, const nn::ConstMatrixRef& below,
                             const nn::ConstMatrixRef& observation,
                             const nn::ConstMatrixRef& previous_own,
                             const nn::ConstMatrixRef& previous_upper, nn::MatrixRef x,
                             bool skip_observation) const {
  const Eigen::Index batch = x.rows();
  const int last = layers() - 1;
  Eigen::Index column = 0;
  auto append = [&](const nn::ConstMatrixRef& part, const char* what, bool skip = false) {
    if (part.rows() != batch || column + part.cols() > x.cols()) {
      throw Error("local stack: layer " + std::to_string(layer) + " input part '" + what + "' is " +
                  std::to_string(part.rows()) + "x" + std::to_string(part.cols()) +
                  ", which does not fit the " + std::to_string(batch) + "x" +
                  std::to_string(x.cols()) + " input");
    }
    if (!skip) x.middleCols(column, part.cols()) = part;
    column += part.cols();
  };
  append(below, layer == 0 ? "observation" : "layer below", layer == 0 && skip_observation);
  if (layer > 0 && options_.input_skip) append(observation, "observation skip", skip_observation);
  if (options_.recurrent) append(previous_own, "own previous output");
  if (layer < last && options_.top_down) append(previous_upper, "upper previous output");
  if (column != x.cols()) {
    throw Error("local stack: layer " + std::to_string(layer) + " input has " +
                std::to_string(column) + " columns, expected " + std::to_string(x.cols()));
  }
}

void LayerStack::gather_observation(const nn::ConstMatrixRef& observation,
                                    SparseColumns& columns) const {
  if (observation.cols() != options_.observation_size) {
    throw Error("local stack: observation has " + std::to_string(observation.cols()) +
                " columns, expected " + std::to_string(options_.observation_size));
  }
  columns.gather(observation, 0, options_.observation_size);
}

const SparseColumns* LayerStack::columns_for(int layer, const SparseColumns* columns) const {
  return layer == 0 || options_.input_skip ? columns : nullptr;
}

template <typename LayerCall>
void LayerStack::step(const nn::ConstMatrixRef& observation, const Context& previous, Context& next,
                      const SparseColumns* columns, LayerCall&& call) {
  const Eigen::Index batch = observation.rows();
  const int last = layers() - 1;
  next.layers.resize(layers());
  for (int l = 0; l < layers(); ++l) {
    nn::MatrixMap x = inputs_[l].resize_rows(batch);
    const nn::Matrix& own = previous.layers[l];
    const nn::Matrix& upper = previous.layers[l < last ? l + 1 : l];
    const SparseColumns* layer_columns = columns_for(l, columns);
    const bool skip = LocalCell::skips_columns(layer_columns);
    if (l == 0) {
      build_input(l, observation, observation, own, upper, x, skip);
    } else {
      build_input(l, raw_h_[l - 1].view(), observation, own, upper, x, skip);
    }
    nn::MatrixMap h = raw_h_[l].resize_rows(batch);
    call(l, x, h, layer_columns);
    nn::Matrix& out = next.layers[l];
    if (out.rows() != batch || out.cols() != h.cols()) out.resize(batch, h.cols());
    const float alpha = options_.context_alpha;
    if (alpha == 1.0f) {
      out = h;
    } else {
      out = alpha * h + (1.0f - alpha) * own;
    }
  }
}

void LayerStack::hidden_step(const nn::ConstMatrixRef& observation, const Context& previous,
                             Context& next, const SparseColumns* columns) {
  step(observation, previous, next, columns,
       [&](int l, const nn::MatrixMap& x, nn::MatrixMap& h, const SparseColumns* layer_columns) {
         cells_[l]->hidden_forward(x, h, layer_columns);
       });
}

void LayerStack::forward_step(const nn::ConstMatrixRef& observation, const Context& previous,
                              Context& next, std::vector<nn::Matrix>& q, int q_layers,
                              const SparseColumns* columns) {
  const Eigen::Index batch = observation.rows();
  if (q_layers <= 0 || q_layers > layers()) q_layers = layers();
  q.resize(q_layers);
  step(observation, previous, next, columns,
       [&](int l, const nn::MatrixMap& x, nn::MatrixMap& h, const SparseColumns* layer_columns) {
         if (l >= q_layers) {
           cells_[l]->hidden_forward(x, h, layer_columns);
           return;
         }
         if (q[l].rows() != batch || q[l].cols() != options_.cell.actions) {
           q[l].resize(batch, options_.cell.actions);
         }
         cells_[l]->forward_all(x, q[l], h, layer_columns);
       });
}

}  // namespace arq::local
