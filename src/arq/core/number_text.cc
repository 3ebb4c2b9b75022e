#include "arq/core/number_text.h"

#include <cstdio>

namespace arq {

std::string fixed_decimals(double value, int decimals) {
  char buffer[352];  // the widest double printed with %.17f needs 327 characters
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string significant_digits(double value, int digits) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

}  // namespace arq
