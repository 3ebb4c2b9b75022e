#pragma once
// Scratch memory for the GEMM kernels' packed panels: 64-byte aligned (a cache line, and an
// AVX-512 register), per thread, and only ever growing, so that steady-state products allocate
// nothing. The members are defined out of line, in a unit compiled for the baseline ISA: the
// per-ISA kernel units share this one copy and define no inline code of their own (a check in
// the build, `isa_units_define_no_weak_symbols`, holds them to it).
#include <cstddef>

namespace arq::nn::detail {

class AlignedScratch {
 public:
  AlignedScratch();
  AlignedScratch(const AlignedScratch&) = delete;
  AlignedScratch& operator=(const AlignedScratch&) = delete;
  ~AlignedScratch();

  // At least `bytes` bytes, 64-byte aligned. Earlier contents are lost when the block grows.
  void* reserve(std::size_t bytes);

 private:
  void* data_;
  std::size_t capacity_;
};

}  // namespace arq::nn::detail
