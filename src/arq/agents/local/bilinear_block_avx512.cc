// The bilinear block's code-order rows for AVX-512 (compiled with the AVX-512 flags, see
// CMakeLists.txt). Sixteen rows share one vector: each lane is a row g, and a column j of Z1 is a
// broadcast (an FMA with a memory operand), so the rank-K sum loads no Z1 vectors, needs no
// horizontal sums at the end of a row, and 16 rows read each Z1 element once. The backward pass
// gets its per-row sums and dL/dZ2 the same way; only dL/dZ1 and dL/dh sum over rows, which
// 16x16 register transposes of 16-column chunks turn back into row-major FMAs.
//
// Everything but the entry point stays in the unnamed namespace: a weak (inline) symbol
// compiled here could be picked by the linker for code running at a lower level.
#include <immintrin.h>

#include <algorithm>

#include "arq/agents/local/bilinear_block_kernels.h"

namespace arq::local::detail {
namespace {

using Vec = __m512;
constexpr int kLanes = 16;
constexpr int kMaxHeads = 64;  // BilinearBlock's limit
constexpr int kAccumulators = 4;

// The same rational approximation as tanh8 in vec8.h (Eigen's for float, max abs error about
// 3e-7 against std::tanh), 16 lanes.
Vec tanh16(Vec x) {
  const Vec limit = _mm512_set1_ps(7.90531110763549805f);
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_sub_ps(_mm512_setzero_ps(), limit)), limit);
  const Vec x2 = _mm512_mul_ps(x, x);
  Vec p = _mm512_set1_ps(-2.76076847742355e-16f);
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
  p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
  Vec q = _mm512_set1_ps(1.19825839466702e-06f);
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
  q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
  return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

// n[lanes] for column j: Σ_k w[k]·z1[k, j], in two chains (heads split in halves).
template <int kHeads>
Vec rank_k(const float* z1, int stride, int heads_at_run_time, const Vec* w, int j) {
  const int heads = kHeads > 0 ? kHeads : heads_at_run_time, half = (heads + 1) / 2;
  const float* column = z1 + j;
  Vec u0 = _mm512_mul_ps(w[0], _mm512_set1_ps(column[0]));
  Vec u1 = _mm512_setzero_ps();
  for (int k = 1; k < half; ++k) {
    u0 = _mm512_fmadd_ps(w[k], _mm512_set1_ps(column[k * stride]), u0);
  }
  for (int k = half; k < heads; ++k) {
    u1 = _mm512_fmadd_ps(w[k], _mm512_set1_ps(column[k * stride]), u1);
  }
  return _mm512_add_ps(u0, u1);
}

// In place: tile[c] lane r becomes tile[r] lane c.
void transpose16(Vec* tile) {
  Vec t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(tile[2 * i], tile[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(tile[2 * i], tile[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    u[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    u[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    u[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  // u[4i + m], 128-bit block l, holds rows 4i..4i+3 of column 4l + m.
  for (int m = 0; m < 4; ++m) {
    const Vec low_rows_even = _mm512_shuffle_f32x4(u[m], u[4 + m], 0x88);
    const Vec low_rows_odd = _mm512_shuffle_f32x4(u[m], u[4 + m], 0xDD);
    const Vec high_rows_even = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0x88);
    const Vec high_rows_odd = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0xDD);
    tile[m] = _mm512_shuffle_f32x4(low_rows_even, high_rows_even, 0x88);
    tile[8 + m] = _mm512_shuffle_f32x4(low_rows_even, high_rows_even, 0xDD);
    tile[4 + m] = _mm512_shuffle_f32x4(low_rows_odd, high_rows_odd, 0x88);
    tile[12 + m] = _mm512_shuffle_f32x4(low_rows_odd, high_rows_odd, 0xDD);
  }
}

__mmask16 lane_mask(int valid) {
  return static_cast<__mmask16>((1u << valid) - 1u);
}

float* tile(float* tiles, int stride, int first_row) {
  return tiles + static_cast<long>(first_row) * stride;
}
const float* tile(const float* tiles, int stride, int first_row) {
  return tiles + static_cast<long>(first_row) * stride;
}

// Column j adds tanh(n)·h_j to accumulator j mod kAccumulators, with or without keeping tiles.
template <int kHeads>
void forward_rows(const CodeForwardArgs& a) {
  Vec w[kMaxHeads];
  const int heads = kHeads > 0 ? kHeads : a.heads;
  const bool keep = a.tanh_tiles != nullptr;
  for (int first = 0; first < a.rows; first += kLanes) {
    const __mmask16 mask = lane_mask(std::min(kLanes, a.rows - first));
    const Vec inv_scale = _mm512_maskz_loadu_ps(mask, a.inv_scale + first);
    for (int k = 0; k < heads; ++k) {
      w[k] = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, a.z2 + k * a.z2_stride + first), inv_scale);
    }
    float* tanh_tile = keep ? tile(a.tanh_tiles, a.stride, first) : nullptr;
    float* normalised_tile = keep ? tile(a.normalised_tiles, a.stride, first) : nullptr;
    Vec acc[kAccumulators];
    for (Vec& v : acc) v = _mm512_setzero_ps();
    auto column = [&](int j, Vec& sum) {
      const Vec n = rank_k<kHeads>(a.z1, a.stride, a.heads, w, j);
      const Vec t = tanh16(n);
      if (keep) {
        _mm512_storeu_ps(normalised_tile + j * kLanes, n);
        _mm512_storeu_ps(tanh_tile + j * kLanes, t);
      }
      sum = _mm512_fmadd_ps(t, _mm512_set1_ps(a.h[j]), sum);
    };
    int j = 0;
    for (; j + kAccumulators <= a.hidden; j += kAccumulators) {
      for (int c = 0; c < kAccumulators; ++c) column(j + c, acc[c]);
    }
    for (; j < a.hidden; ++j) column(j, acc[j % kAccumulators]);
    const Vec y = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    _mm512_mask_storeu_ps(a.y + first, mask, y);
  }
}

// Per tile of 16 rows, as backward_code_row in bilinear_block.cc:
//   dn = dy·h·(1 - t²),  dM = (dn - mean(dn))·inv_scale - n·mean(dn·n)/σ,
//   dZ2[k, g] = Σ_j Z1c[k, j]·dM[g, j] + mean_k·Σ_j dM[g, j],  dZ1[k, j] += Σ_g z2[k, g]·dM[g, j],
//   dh[j] += Σ_g dy_g·t[g, j].
template <int kHeads>
void backward_rows(const CodeBackwardArgs& a) {
  const int heads = kHeads > 0 ? kHeads : a.heads;
  const Vec inv_hidden = _mm512_set1_ps(1.0f / static_cast<float>(a.hidden));
  const Vec one = _mm512_set1_ps(1.0f);
  Vec acc[kMaxHeads];
  Vec chunk[kLanes];
  for (int first = 0; first < a.rows; first += kLanes) {
    const int valid = std::min(kLanes, a.rows - first);
    const __mmask16 mask = lane_mask(valid);
    const Vec dy = _mm512_maskz_loadu_ps(mask, a.grad_y + first);
    const float* tanh_tile = tile(a.tanh_tiles, a.stride, first);
    const float* normalised_tile = tile(a.normalised_tiles, a.stride, first);
    // dn into scratch, its row sums, and dL/dh through 16-column chunks.
    Vec sum_dn = _mm512_setzero_ps(), sum_dn_n = _mm512_setzero_ps();
    for (int column = 0; column < a.hidden; column += kLanes) {
      const int columns = std::min(kLanes, a.hidden - column);
      for (int c = 0; c < kLanes; ++c) {
        if (c >= columns) {
          chunk[c] = _mm512_setzero_ps();
          continue;
        }
        const int j = column + c;
        const Vec t = _mm512_loadu_ps(tanh_tile + j * kLanes);
        const Vec n = _mm512_loadu_ps(normalised_tile + j * kLanes);
        const Vec dn =
            _mm512_mul_ps(_mm512_mul_ps(dy, _mm512_set1_ps(a.h[j])), _mm512_fnmadd_ps(t, t, one));
        _mm512_storeu_ps(a.scratch + j * kLanes, dn);
        sum_dn = _mm512_add_ps(sum_dn, dn);
        sum_dn_n = _mm512_fmadd_ps(dn, n, sum_dn_n);
        chunk[c] = _mm512_mul_ps(dy, t);
      }
      transpose16(chunk);
      Vec column_sum = _mm512_loadu_ps(a.column_sum + column);
      for (int r = 0; r < valid; ++r) column_sum = _mm512_add_ps(column_sum, chunk[r]);
      _mm512_storeu_ps(a.column_sum + column, column_sum);
    }
    const Vec mean_dn = _mm512_mul_ps(sum_dn, inv_hidden);
    const Vec inv_scale = _mm512_maskz_loadu_ps(mask, a.inv_scale + first);
    const Vec sigma = _mm512_maskz_loadu_ps(mask, a.sigma + first);
    const __mmask16 positive = _mm512_cmp_ps_mask(sigma, _mm512_setzero_ps(), _CMP_GT_OQ);
    const Vec std_term = _mm512_maskz_div_ps(positive, _mm512_mul_ps(sum_dn_n, inv_hidden), sigma);
    // dM, its products with Z1 (per row) and with Z2 (per column, through transposed chunks).
    for (int k = 0; k < heads; ++k) acc[k] = _mm512_setzero_ps();
    Vec row_sum = _mm512_setzero_ps();
    for (int column = 0; column < a.hidden; column += kLanes) {
      const int columns = std::min(kLanes, a.hidden - column);
      for (int c = 0; c < kLanes; ++c) {
        if (c >= columns) {
          chunk[c] = _mm512_setzero_ps();
          continue;
        }
        const int j = column + c;
        const Vec dn = _mm512_loadu_ps(a.scratch + j * kLanes);
        const Vec n = _mm512_loadu_ps(normalised_tile + j * kLanes);
        const Vec dm =
            _mm512_fnmadd_ps(n, std_term, _mm512_mul_ps(_mm512_sub_ps(dn, mean_dn), inv_scale));
        row_sum = _mm512_add_ps(row_sum, dm);
        for (int k = 0; k < heads; ++k) {
          acc[k] = _mm512_fmadd_ps(_mm512_set1_ps(a.z1[k * a.stride + j]), dm, acc[k]);
        }
        chunk[c] = dm;
      }
      transpose16(chunk);
      for (int k = 0; k < heads; ++k) {
        float* out = a.grad_z1 + k * a.stride + column;
        const float* z2 = a.z2 + k * a.z2_stride + first;
        Vec g = _mm512_loadu_ps(out);
        for (int r = 0; r < valid; ++r) g = _mm512_fmadd_ps(_mm512_set1_ps(z2[r]), chunk[r], g);
        _mm512_storeu_ps(out, g);
      }
    }
    for (int k = 0; k < heads; ++k) {
      const Vec grad = _mm512_fmadd_ps(_mm512_set1_ps(a.head_mean[k]), row_sum, acc[k]);
      _mm512_mask_storeu_ps(a.grad_z2 + k * a.grad_z2_stride + first, mask, grad);
    }
  }
}

}  // namespace

void bilinear_code_forward_avx512(const CodeForwardArgs& args) {
  if (args.heads == 8) {
    forward_rows<8>(args);
  } else {
    forward_rows<0>(args);
  }
}

void bilinear_code_backward_avx512(const CodeBackwardArgs& args) {
  if (args.heads == 8) {
    backward_rows<8>(args);
  } else {
    backward_rows<0>(args);
  }
}

}  // namespace arq::local::detail
