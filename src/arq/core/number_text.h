#pragma once
// Numbers as text, printf-style, in one place: fixed decimals for tables and plots, significant
// digits for files that other tools read back.
#include <string>

namespace arq {

// "%.*f": `decimals` digits after the point (3.14159, 2 -> "3.14").
std::string fixed_decimals(double value, int decimals);

// "%.*g": at most `digits` significant digits; 9 reads back as the same float, 17 as the same
// double.
std::string significant_digits(double value, int digits);

}  // namespace arq
