#pragma once
// Entry points of SparseColumns' kernels compiled for wider ISA levels (see core/isa.h).
#include <cstddef>

namespace arq::local::detail {

// target[j] += Σ_{e in [begin, end)} value[e]·base[index[e]·stride + j] for j < n, terms added
// in order with one multiply-add each.
void sparse_accumulate_row_avx512(float* target, const float* base, std::ptrdiff_t stride,
                                  const int* index, const float* value, int begin, int end, int n);

}  // namespace arq::local::detail
