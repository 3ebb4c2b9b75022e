#include "arq/nn/aligned_scratch.h"

#include <cstdlib>
#include <new>

namespace arq::nn::detail {

AlignedScratch::AlignedScratch() : data_(nullptr), capacity_(0) {}

AlignedScratch::~AlignedScratch() {
  std::free(data_);
}

void* AlignedScratch::reserve(std::size_t bytes) {
  if (bytes > capacity_) {
    std::free(data_);
    data_ = nullptr;
    capacity_ = 0;
    const std::size_t rounded = (bytes + 63) / 64 * 64;  // aligned_alloc wants a multiple
    data_ = std::aligned_alloc(64, rounded);
    if (data_ == nullptr) throw std::bad_alloc();
    capacity_ = rounded;
  }
  return data_;
}

}  // namespace arq::nn::detail
