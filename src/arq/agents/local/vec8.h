#pragma once
// Eight-float vectors for the bilinear kernel, written with the GCC/Clang vector extension so
// the compiler emits AVX (or two SSE halves) without intrinsics, plus a vectorised tanh.
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace arq::local {

using Vec8 = float __attribute__((vector_size(32)));
inline constexpr int kLanes = 8;

inline Vec8 splat(float x) {
  return Vec8{} + x;
}
inline Vec8 load8(const float* p) {
  Vec8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void store8(float* p, Vec8 v) {
  std::memcpy(p, &v, sizeof(v));
}
inline float sum8(Vec8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}
// Lane-wise min/max. With AVX they are single instructions; the portable form is a compare and
// a select (the compiler may not use min/max for it because of NaN and signed-zero rules).
inline Vec8 min8(Vec8 a, Vec8 b) {
#if defined(__AVX__)
  return _mm256_min_ps(a, b);
#else
  return a < b ? a : b;
#endif
}
inline Vec8 max8(Vec8 a, Vec8 b) {
#if defined(__AVX__)
  return _mm256_max_ps(a, b);
#else
  return a > b ? a : b;
#endif
}

// Rounds n up to a whole number of vectors.
inline int padded_width(int n) {
  return (n + kLanes - 1) / kLanes * kLanes;
}

// tanh as x·P(x²)/Q(x²) on [-7.905, 7.905] (beyond it tanh rounds to ±1 in float): the rational
// approximation Eigen uses for float, max abs error about 3e-7. Branch-free so it vectorises.
inline Vec8 tanh8(Vec8 x) {
  const Vec8 limit = splat(7.90531110763549805f);
  x = min8(max8(x, -limit), limit);
  const Vec8 x2 = x * x;
  Vec8 p = splat(-2.76076847742355e-16f);
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  Vec8 q = splat(1.19825839466702e-06f);
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return x * p / q;
}

}  // namespace arq::local
