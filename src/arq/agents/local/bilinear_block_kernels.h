#pragma once
// Entry points of the bilinear block's row kernels compiled for wider ISA levels (one
// *_<level>.cc unit each, see core/isa.h). BilinearBlock calls them when the active level
// has them; everything else about the block lives in bilinear_block.cc.

namespace arq::local::detail {

// Row tiles: the kernels keep per-element values of 16 rows g0..g0+15 as [column][16 lanes],
// tile b (rows 16b..16b+15) at offset b·stride·16.
inline constexpr int kTileLanes = 16;

// Code-order forward rows with the rows in the vector lanes: for g < rows,
//   n[g, j] = Σ_k z2[k·z2_stride + g]·inv_scale[g]·z1[k·stride + j]   (z1 centred per head),
//   y[g] = Σ_j tanh(n[g, j])·h[j].
// With tanh_tiles and normalised_tiles (else null), t = tanh(n) and n are kept as row tiles for
// the backward pass. stride is a multiple of 16 and at least hidden.
struct CodeForwardArgs {
  const float* z1;
  int stride;
  int heads;
  int hidden;
  const float* z2;
  int z2_stride;
  int rows;
  const float* inv_scale;
  const float* h;
  float* y;
  float* tanh_tiles;
  float* normalised_tiles;
};

// Its gradients, from the tiles that forward kept (BilinearBlock::backward_code's maths):
//   grad_z1 [heads, stride]          accumulated (zero it first)
//   grad_z2[k·grad_z2_stride + g]    overwritten
//   column_sum [stride]              accumulated with dL/dh
// scratch holds one row tile.
struct CodeBackwardArgs {
  const float* z1;
  int stride;
  int heads;
  int hidden;
  const float* z2;
  int z2_stride;
  int rows;
  const float* inv_scale;
  const float* sigma;
  const float* head_mean;
  const float* h;
  const float* grad_y;
  const float* tanh_tiles;
  const float* normalised_tiles;
  float* scratch;
  float* grad_z1;
  float* grad_z2;
  int grad_z2_stride;
  float* column_sum;
};

// Rows below which the lane-per-row kernel wastes more lanes than it gains (AD's few rows).
inline constexpr int kMinRowsForRowLanes = 8;

void bilinear_code_forward_avx512(const CodeForwardArgs& args);
void bilinear_code_backward_avx512(const CodeBackwardArgs& args);

}  // namespace arq::local::detail
