#pragma once
// What distinguishes the local cells: AD (Guan et al. 2024) or ARQ (Wu & Ren 2026), the goodness
// read-out, the action code, action conditioning and where the bilinear matrix is normalised.
// The defaults reproduce the released code; the alternatives are the papers' variants and
// ablations (docs/local-agents.md).
#include <string>

#include "arq/nn/precision.h"

namespace arq::local {

enum class CellKind {
  kAd,   // Q = M̂·h, M̂ has one row per action (AD's AttentionADCell)
  kArq,  // Q(s, a) = G(M̂_a·h), M̂_a is H×H (ARQ's AttentionADCell)
};

// The ARQ goodness G(y) over the H entries of y (population statistics).
enum class Goodness {
  kStd,         // sqrt(mean((y - mean y)²))  the released scripts
  kRms,         // sqrt(mean(y²))             the paper's definition
  kMean,        // mean(y)
  kMeanSquare,  // mean(y²)                   the paper's "ARQ-MS" ablation
  kVariance,    // mean((y - mean y)²)
};

enum class ActionCode {
  kOneHot,  // e_a = onehot(a), E = A (MinAtar)
  kBinary,  // e_a[k] = 2·bit_k(a) - 1, bit 0 = least significant, E = log2 A (DMC)
};

// Where the rows of the bilinear matrix M are normalised.
enum class NormOrder {
  // tanh((m - mean m) / (std m + 1e-6)) per row, no affine: the released code.
  kCode,
  // LayerNorm(tanh(m)) per row as the papers' pseudocode writes it: t = tanh(m), then
  // (t - mean t) / sqrt(var t + 1e-6) · γ + β with learnable γ, β of length H shared by all
  // rows and actions (a Flax LayerNorm over the last axis of the (…, rows, H) tensor).
  kPaper,
};

struct CellOptions {
  CellKind kind = CellKind::kArq;
  int hidden = 0;                      // H
  int actions = 0;                     // A
  int heads = 8;                       // K
  Goodness goodness = Goodness::kStd;  // ARQ only
  ActionCode action_code = ActionCode::kOneHot;
  // The action code is appended to the z-projections' input (never to the h-path). On for ARQ;
  // off is the "ARQ w/o AC" ablation. On for AD is our "AD w/ AC" design (docs/local-agents.md).
  bool action_conditioning = true;
  NormOrder norm_order = NormOrder::kCode;
  // The large products (X·W_h, X·W_1[:D], X·W_2[:D] and their weight gradients) in fp32 or
  // with bf16 operands (nn/gemm_bf16.h); weights and optimizer state are fp32 either way.
  nn::Precision precision = nn::Precision::kFp32;

  // The released configurations.
  static CellOptions arq(int hidden, int actions, ActionCode code = ActionCode::kOneHot);
  static CellOptions ad(int hidden, int actions);

  // Rows of M per candidate action: H for ARQ, 1 for AD.
  int rows_per_action() const { return kind == CellKind::kArq ? hidden : 1; }
  // Width E of the action code appended to the z-projection input (0 without conditioning).
  int code_width() const;
  // Output width of fc_z2: K·rows per action, times A when the action is not an input.
  int z2_width() const { return heads * rows_per_action() * (action_conditioning ? 1 : actions); }

  // Throws arq::Error naming the first invalid field.
  void validate() const;
  std::string describe() const;  // e.g. "arq H=400 A=3 K=8 goodness=std code=onehot ..."
};

// Names used in configs and messages; parse_* throw arq::Error listing the valid names.
std::string to_string(CellKind kind);
std::string to_string(Goodness goodness);
std::string to_string(ActionCode code);
std::string to_string(NormOrder order);
CellKind parse_cell_kind(const std::string& name);
Goodness parse_goodness(const std::string& name);
ActionCode parse_action_code(const std::string& name);
NormOrder parse_norm_order(const std::string& name);

}  // namespace arq::local
