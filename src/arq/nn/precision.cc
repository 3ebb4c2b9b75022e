#include "arq/nn/precision.h"

#include <string>

#include "arq/core/error.h"

namespace arq::nn {

std::string_view precision_name(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kBf16:
      return "bf16";
  }
  return "unknown";
}

std::optional<Precision> parse_precision(std::string_view name) {
  for (const Precision precision : {Precision::kFp32, Precision::kBf16}) {
    if (precision_name(precision) == name) return precision;
  }
  return std::nullopt;
}

Precision parse_precision_or_throw(std::string_view name, std::string_view what) {
  const std::optional<Precision> precision = parse_precision(name);
  if (!precision) {
    throw Error(std::string(what) + ": unknown precision '" + std::string(name) + "'; expected " +
                kPrecisionNames);
  }
  return *precision;
}

}  // namespace arq::nn
