// The bf16 products (gemm_bf16.h): the rounding against its definition and VCVTNEPS2BF16, one
// VDPBF16PS against the emulation on random and edge-case bits, and whole products of both
// kernels against each other (bit for bit) and against a double-precision reference (within
// the bound below) at every edge of the blocking. Hardware checks are skipped, with the reason,
// where the CPU lacks avx512_bf16.
#include "arq/nn/gemm_bf16.h"

#include <gtest/gtest.h>

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "arq/core/error.h"
#include "arq/core/isa.h"
#include "arq/nn/gemm_bf16_levels.h"
#include "arq/nn/rng.h"

namespace arq::nn {
namespace {

constexpr const char* kNoBf16 = "this CPU lacks avx512_bf16 (VDPBF16PS); only the emulation runs";

std::uint32_t bits_of(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

float float_of(std::uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

// Values that reach every branch of the rounding and of the accumulation.
std::vector<float> edge_values() {
  const float inf = std::numeric_limits<float>::infinity();
  const float min_normal = std::numeric_limits<float>::min();
  return {0.0f,
          -0.0f,
          1.0f,
          -1.0f,
          inf,
          -inf,
          std::numeric_limits<float>::quiet_NaN(),
          float_of(0x7f800001u),  // a signalling NaN
          float_of(0xffc12345u),
          std::numeric_limits<float>::max(),
          -std::numeric_limits<float>::max(),
          min_normal,
          -min_normal,
          std::numeric_limits<float>::denorm_min(),
          min_normal / 3,         // subnormal
          float_of(0x3f808000u),  // exactly half-way, even below: rounds down
          float_of(0x3f818000u),  // half-way, odd below: rounds up
          float_of(0x3f808001u),  // just above half-way
          float_of(0x7f7f8000u),  // half-way to the next bf16 past max: rounds to inf
          1e-20f,
          1e-19f,
          3e19f,
          1e38f,
          0.1f,
          -2.5e-3f};
}

TEST(Bf16Rounding, FollowsTheDefinition) {
  EXPECT_EQ(round_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(round_to_bf16(-0.0f), 0x8000);
  EXPECT_EQ(round_to_bf16(float_of(0x3f808000u)), 0x3f80);  // tie to even (down)
  EXPECT_EQ(round_to_bf16(float_of(0x3f818000u)), 0x3f82);  // tie to even (up)
  EXPECT_EQ(round_to_bf16(float_of(0x3f808001u)), 0x3f81);
  EXPECT_EQ(round_to_bf16(float_of(0x3f807fffu)), 0x3f80);
  EXPECT_EQ(round_to_bf16(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(round_to_bf16(std::numeric_limits<float>::max()), 0x7f80);      // overflows to inf
  EXPECT_EQ(round_to_bf16(std::numeric_limits<float>::min() / 3), 0x0000);  // subnormal -> 0
  EXPECT_EQ(round_to_bf16(-std::numeric_limits<float>::denorm_min()), 0x8000);
  EXPECT_EQ(round_to_bf16(float_of(0x7f800001u)), 0x7fc0);  // NaN stays NaN, made quiet
  EXPECT_EQ(round_to_bf16(float_of(0xffc12345u)), 0xffc1);
  EXPECT_TRUE(std::isnan(bf16_to_float(round_to_bf16(std::nanf("")))));
  // Every finite normal value rounds to one of its two bf16 neighbours, the nearer one.
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    const float x =
        static_cast<float>(rng.normal()) * std::ldexp(1.0f, static_cast<int>(rng.uniform(-60, 60)));
    const float rounded = bf16_to_float(round_to_bf16(x));
    const float down = float_of(bits_of(x) & 0xffff0000u);
    const float up = float_of((bits_of(x) & 0xffff0000u) + 0x10000u);
    ASSERT_TRUE(rounded == down || rounded == up) << x;
    ASSERT_LE(std::abs(rounded - x), std::abs((rounded == down ? up : down) - x)) << x;
  }
}

TEST(Bf16Rounding, MatchesVcvtneps2bf16) {
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << kNoBf16;
  std::vector<float> values = edge_values();
  Rng rng(4);
  while (values.size() % 16 != 0 || values.size() < 4096) {
    values.push_back(float_of(static_cast<std::uint32_t>(rng.uniform(0, 4294967295.0))));
  }
  for (size_t i = 0; i < values.size(); i += 16) {
    std::uint16_t hardware[16];
    detail::round_to_bf16_avx512bf16(values.data() + i, hardware);
    for (size_t l = 0; l < 16; ++l) {
      const float x = values[i + l];
      if (std::isnan(x)) {
        EXPECT_TRUE(std::isnan(bf16_to_float(hardware[l]))) << "bits " << bits_of(x);
      } else {
        EXPECT_EQ(hardware[l], round_to_bf16(x)) << "bits " << bits_of(x);
      }
    }
  }
}

// The emulation's accumulation against one VDPBF16PS, on pairs built from edge values (each
// combination, with edge accumulators) and on random bit patterns. NaN results must both be NaN
// (payloads are not compared).
TEST(Bf16Dot, EmulationMatchesVdpbf16psBitForBit) {
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << kNoBf16;
  std::vector<std::uint16_t> halves;
  for (const float x : edge_values())
    halves.push_back(static_cast<std::uint16_t>(bits_of(x) >> 16));
  // bf16 subnormals and products that land in fp32's subnormal range or overflow.
  for (const std::uint16_t h :
       {0x0001, 0x807f, 0x0080, 0x0100, 0x1f80, 0x2000, 0x6000, 0x5f80, 0x3f7f, 0xbf80}) {
    halves.push_back(h);
  }
  std::vector<float> accumulators = edge_values();
  for (const std::uint32_t bits :
       {0x00800000u, 0x80800000u, 0x00ffffffu, 0x00000001u, 0x3f800001u, 0x4b800000u}) {
    accumulators.push_back(float_of(bits));
  }
  std::vector<std::uint32_t> a, b;
  std::vector<float> acc;
  const size_t n = halves.size();
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      const size_t k = (i * 7 + j * 3) % n, l = (i + j * 5) % n;
      a.push_back(halves[i] | (std::uint32_t{halves[k]} << 16));
      b.push_back(halves[j] | (std::uint32_t{halves[l]} << 16));
      acc.push_back(accumulators[(i + j) % accumulators.size()]);
      // The odd products alone and the even ones alone too.
      a.push_back(std::uint32_t{halves[i]} << 16);
      b.push_back(std::uint32_t{halves[j]} << 16);
      acc.push_back(accumulators[(i * 3 + j) % accumulators.size()]);
    }
  }
  Rng rng(5);
  for (int i = 0; i < 200000; ++i) {
    // Random signs, mantissas and exponents near 127 (most products and sums in range) or
    // anywhere (overflow, underflow, cancellation).
    const auto half = [&] {
      const std::uint32_t sign = rng.uniform(0, 1) < 0.5 ? 0x8000u : 0u;
      const std::uint32_t exponent = rng.uniform(0, 1) < 0.8
                                         ? static_cast<std::uint32_t>(rng.uniform(100, 154))
                                         : static_cast<std::uint32_t>(rng.uniform(0, 256));
      return static_cast<std::uint16_t>(sign | (std::min(exponent, 255u) << 7) |
                                        static_cast<std::uint32_t>(rng.uniform(0, 128)));
    };
    a.push_back(half() | (std::uint32_t{half()} << 16));
    b.push_back(half() | (std::uint32_t{half()} << 16));
    acc.push_back(float_of((std::uint32_t{half()} << 16) |
                           static_cast<std::uint32_t>(rng.uniform(0, 65536))));
  }
  std::vector<float> hardware = acc, emulated = acc;
  const int count = static_cast<int>(acc.size());
  detail::dot_pairs_with(Bf16Kernel::kAvx512Bf16, hardware.data(), a.data(), b.data(), count);
  detail::dot_pairs_with(Bf16Kernel::kEmulated, emulated.data(), a.data(), b.data(), count);
  int mismatches = 0;
  for (int i = 0; i < count && mismatches < 10; ++i) {
    const bool both_nan = std::isnan(hardware[i]) && std::isnan(emulated[i]);
    if (!both_nan && bits_of(hardware[i]) != bits_of(emulated[i])) {
      ++mismatches;
      ADD_FAILURE() << std::hex << "acc " << bits_of(acc[i]) << " a " << a[i] << " b " << b[i]
                    << ": VDPBF16PS " << bits_of(hardware[i]) << ", emulation "
                    << bits_of(emulated[i]);
    }
  }
}

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-1, 1));
  return m;
}

Matrix rounded(const Matrix& m) {
  Matrix r(m.rows(), m.cols());
  for (Eigen::Index i = 0; i < m.size(); ++i)
    r.data()[i] = bf16_to_float(round_to_bf16(m.data()[i]));
  return r;
}

struct Shape {
  Eigen::Index m, k, n;
};

// Every edge of the blocking: partial 4- and 8-row tiles, partial 16- and 32-column panels, odd
// depths (a half-empty last pair), several 512-deep blocks, more than one 128-row block, one
// row or one column.
const std::vector<Shape>& shapes() {
  static const std::vector<Shape> list = {
      {1, 1, 1},     {1, 400, 3200}, {3, 2, 5},      {8, 16, 32},     {9, 17, 33},  {13, 33, 16},
      {64, 48, 384}, {64, 112, 48},  {130, 513, 35}, {257, 1100, 70}, {512, 64, 1}, {7, 1024, 17}};
  return list;
}

std::string describe(const Shape& s, bool ta, float alpha, float beta) {
  return "m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) + " n=" + std::to_string(s.n) +
         " ta=" + std::to_string(ta) + " alpha=" + std::to_string(alpha) +
         " beta=" + std::to_string(beta);
}

TEST(GemmBf16, KernelsAgreeBitForBit) {
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << kNoBf16;
  Rng rng(6);
  for (const Shape& s : shapes()) {
    for (const bool ta : {false, true}) {
      for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, {0.7f, 1.0f}, {1.0f, -0.3f}}) {
        Matrix a = ta ? random_matrix(s.k, s.m, rng) : random_matrix(s.m, s.k, rng);
        Matrix b = random_matrix(s.k, s.n, rng);
        // Edge values sprinkled in (no NaN or inf here: they would make whole rows NaN).
        for (Eigen::Index i = 0; i < a.size(); i += 37) a.data()[i] = 1e-30f;
        for (Eigen::Index i = 0; i < b.size(); i += 41) b.data()[i] = -3e-10f;
        for (Eigen::Index i = 5; i < b.size(); i += 53) b.data()[i] = 1.5e30f;
        const Matrix c0 = random_matrix(s.m, s.n, rng);
        Bf16Panels panels;
        panels.pack(b);
        Matrix hardware = c0, emulated = c0;
        const Transpose t = ta ? Transpose::kYes : Transpose::kNo;
        detail::gemm_bf16_with(Bf16Kernel::kAvx512Bf16, a, t, panels, hardware, alpha, beta);
        detail::gemm_bf16_with(Bf16Kernel::kEmulated, a, t, panels, emulated, alpha, beta);
        ASSERT_EQ(0, std::memcmp(hardware.data(), emulated.data(), sizeof(float) * hardware.size()))
            << describe(s, ta, alpha, beta);
      }
    }
  }
}

// alpha · op(A)·B + beta · C0 in double on the bf16-rounded operands, and Σ|a||b| per element.
void reference(const Matrix& a, bool ta, const Matrix& b, const Matrix& c0, float alpha, float beta,
               Eigen::MatrixXd& c, Eigen::MatrixXd& magnitude) {
  const Eigen::MatrixXd oa =
      ta ? Eigen::MatrixXd(a.transpose().cast<double>()) : Eigen::MatrixXd(a.cast<double>());
  c = double{alpha} * (oa * b.cast<double>());
  magnitude = std::abs(double{alpha}) * (oa.cwiseAbs() * b.cast<double>().cwiseAbs());
  if (beta != 0.0f) {
    c += double{beta} * c0.cast<double>();
    magnitude += std::abs(double{beta}) * c0.cast<double>().cwiseAbs();
  }
}

// Against the exact product of the rounded operands: only fp32 accumulation error, at most
// (k + 2) · 2⁻²⁴ · Σ|a||b| (k roundings of the running sum, the alpha and beta steps). Against
// the exact product of the fp32 operands: in addition each product's two roundings to bf16,
// |ab - round(a)round(b)| <= (2·2⁻⁹ + 2⁻¹⁸)|ab| < 2⁻⁷|ab|.
void check_against_reference(Bf16Kernel kernel) {
  Rng rng(7);
  for (const Shape& s : shapes()) {
    for (const bool ta : {false, true}) {
      for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, {0.5f, 1.0f}, {1.0f, 0.25f}}) {
        const Matrix a = ta ? random_matrix(s.k, s.m, rng) : random_matrix(s.m, s.k, rng);
        const Matrix b = random_matrix(s.k, s.n, rng);
        const Matrix c0 = random_matrix(s.m, s.n, rng);
        Matrix c(s.m, s.n);
        if (beta == 0.0f) {
          c.setConstant(std::numeric_limits<float>::quiet_NaN());  // must not be read
        } else {
          c = c0;
        }
        Bf16Panels panels;
        panels.pack(b);
        detail::gemm_bf16_with(kernel, a, ta ? Transpose::kYes : Transpose::kNo, panels, c, alpha,
                               beta);
        Eigen::MatrixXd exact_rounded, magnitude_rounded, exact, magnitude;
        reference(rounded(a), ta, rounded(b), c0, alpha, beta, exact_rounded, magnitude_rounded);
        reference(a, ta, b, c0, alpha, beta, exact, magnitude);
        const double accumulation = (static_cast<double>(s.k) + 2) * std::ldexp(1.0, -24);
        for (Eigen::Index i = 0; i < s.m; ++i) {
          for (Eigen::Index j = 0; j < s.n; ++j) {
            const double value = c(i, j);
            ASSERT_LE(std::abs(value - exact_rounded(i, j)),
                      accumulation * magnitude_rounded(i, j) + 1e-30)
                << describe(s, ta, alpha, beta) << " at " << i << "," << j;
            ASSERT_LE(std::abs(value - exact(i, j)),
                      (std::ldexp(1.0, -7) + accumulation) * magnitude(i, j) + 1e-30)
                << describe(s, ta, alpha, beta) << " at " << i << "," << j;
          }
        }
      }
    }
  }
}

TEST(GemmBf16, EmulationMatchesTheReference) {
  check_against_reference(Bf16Kernel::kEmulated);
}

TEST(GemmBf16, Avx512Bf16MatchesTheReference) {
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << kNoBf16;
  check_against_reference(Bf16Kernel::kAvx512Bf16);
}

TEST(GemmBf16, FloatBAndStridedViewsMatchPackedB) {
  Rng rng(8);
  const Matrix wide_a = random_matrix(40, 90, rng), wide_b = random_matrix(70, 60, rng);
  const auto a = wide_a.block(3, 5, 33, 61);  // strided views
  const auto b = wide_b.block(2, 7, 61, 45);
  Matrix wide_c = Matrix::Zero(50, 80);
  auto c = wide_c.block(4, 9, 33, 45);
  gemm_bf16(a, Transpose::kNo, b, c);
  Bf16Panels panels;
  panels.pack(Matrix(b));
  Matrix expected(33, 45);
  gemm_bf16(Matrix(a), Transpose::kNo, panels, expected);
  EXPECT_EQ(Matrix(c), expected);
  EXPECT_EQ(wide_c.topRows(4), Matrix::Zero(4, 80));  // nothing outside the view is written
}

// The control bits (rounding, DAZ, FTZ, exception masks), not the sticky exception flags.
TEST(GemmBf16, LeavesMxcsrAsItWas) {
  constexpr unsigned kFlags = 0x3f;
  Rng rng(9);
  const Matrix a = random_matrix(5, 6, rng), b = random_matrix(6, 7, rng);
  Matrix c(5, 7);
  const unsigned before = _mm_getcsr() & ~kFlags;
  gemm_bf16(a, Transpose::kNo, b, c);
  EXPECT_EQ(_mm_getcsr() & ~kFlags, before);
  EXPECT_EQ(before & ((1u << 6) | (1u << 15)), 0u);  // DAZ and FTZ were off and are again
}

TEST(GemmBf16, ShapeMismatchIsAnError) {
  Bf16Panels panels;
  panels.pack(Matrix::Zero(4, 3));
  Matrix c(2, 3);
  EXPECT_THROW(gemm_bf16(Matrix::Zero(2, 5), Transpose::kNo, panels, c), Error);
  EXPECT_THROW(gemm_bf16(Matrix::Zero(2, 4), Transpose::kYes, panels, c), Error);
}

TEST(GemmBf16, FollowsTheIsaOverride) {
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << kNoBf16;
  {
    const ScopedIsaLevel avx2(IsaLevel::kAvx2);
    EXPECT_EQ(active_bf16_kernel(), Bf16Kernel::kEmulated);
  }
  const ScopedIsaLevel avx512(IsaLevel::kAvx512);
  EXPECT_EQ(active_bf16_kernel(), Bf16Kernel::kAvx512Bf16);
}

}  // namespace
}  // namespace arq::nn
