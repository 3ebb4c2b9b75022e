#pragma once
// fp32 -> bf16 rounding as VCVTNEPS2BF16 does it, written with integer operations so that it
// vectorises and gives the same bits on every CPU:
//   NaN       -> NaN (the top 16 bits with the quiet bit set)
//   ±0, subnormal -> ±0 (bf16 arithmetic treats subnormals as zero anyway)
//   otherwise round to nearest, ties to even (finite values past the largest bf16 become ±inf).
// Everything is in an unnamed namespace: the per-ISA units include this header and must not
// share inline functions with the rest of the program (cmake/check_isa_objects.cmake).
#include <cstdint>
#include <cstring>

namespace arq::nn::detail {
namespace {

inline std::uint16_t bf16_bits(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const std::uint32_t magnitude = bits & 0x7fffffffu;
  const std::uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  const std::uint32_t nan = (bits >> 16) | 0x40u;
  const std::uint32_t signed_zero = (bits >> 16) & 0x8000u;
  const std::uint32_t result = magnitude > 0x7f800000u           ? nan
                               : (magnitude & 0x7f800000u) == 0u ? signed_zero
                                                                 : rounded;
  return static_cast<std::uint16_t>(result);
}

// Two bf16 values in one 32-bit word as VDPBF16PS reads them: `even` (element 2i) in the low
// half, `odd` (element 2i+1) in the high half.
inline std::uint32_t bf16_pair(float even, float odd) {
  return static_cast<std::uint32_t>(bf16_bits(even)) |
         (static_cast<std::uint32_t>(bf16_bits(odd)) << 16);
}

}  // namespace
}  // namespace arq::nn::detail
