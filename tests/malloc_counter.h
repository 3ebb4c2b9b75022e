#pragma once
// Counts heap allocations for the tests that claim a loop does not allocate. It interposes
// glibc's malloc family (forwarding to the real allocator) and counts calls while `counting` is
// set; Eigen's own buffers come from malloc, so they are counted too. It defines malloc itself,
// so include it in exactly one file of a test binary. Sanitizer builds bring their own
// allocator: there ARQ_NO_MALLOC_COUNTING is defined and the tests skip.
#include <atomic>
#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARQ_NO_MALLOC_COUNTING 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || !defined(__GLIBC__)
#define ARQ_NO_MALLOC_COUNTING 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

#if !defined(ARQ_NO_MALLOC_COUNTING)
namespace {
void note_allocation() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
}
}  // namespace

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void* __libc_memalign(size_t alignment, size_t size);

void* malloc(size_t size) {
  note_allocation();
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  note_allocation();
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) {
  note_allocation();
  return __libc_realloc(pointer, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  note_allocation();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** pointer, size_t alignment, size_t size) {
  note_allocation();
  *pointer = __libc_memalign(alignment, size);
  return *pointer == nullptr ? 12 /* ENOMEM */ : 0;
}
}
#endif
