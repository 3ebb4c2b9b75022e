#include "arq/core/number_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace arq {
namespace {

TEST(NumberText, FixedDecimalsRoundsToTheGivenDigits) {
  EXPECT_EQ(fixed_decimals(3.14159, 2), "3.14");
  EXPECT_EQ(fixed_decimals(-0.05, 1), "-0.1");
  EXPECT_EQ(fixed_decimals(2.0, 0), "2");
}

TEST(NumberText, FixedDecimalsKeepsTheWholeOfTheLargestDouble) {
  const std::string text = fixed_decimals(std::numeric_limits<double>::max(), 17);
  EXPECT_EQ(text.size(), 309u + 1u + 17u);
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), std::numeric_limits<double>::max());
}

TEST(NumberText, SignificantDigitsReadBackExactly) {
  const float f = 0.1f + 1e-8f;
  EXPECT_EQ(std::strtof(significant_digits(f, 9).c_str(), nullptr), f);
  const double d = 1.0 / 3.0;
  EXPECT_EQ(std::strtod(significant_digits(d, 17).c_str(), nullptr), d);
  EXPECT_EQ(significant_digits(1e6, 9), "1000000");
  EXPECT_EQ(significant_digits(1.5e-12, 10), "1.5e-12");
}

}  // namespace
}  // namespace arq
