#pragma once
// The arithmetic of the local agents' large products (`nn.precision`): fp32 throughout, or bf16
// operands with fp32 accumulation (see gemm_bf16.h). Weights, gradients and Adam stay fp32.
#include <optional>
#include <string_view>

namespace arq::nn {

enum class Precision {
  kFp32,  // every product in fp32
  kBf16,  // the large products' operands rounded to bf16, accumulated in fp32
};

std::string_view precision_name(Precision precision);  // "fp32", "bf16"
std::optional<Precision> parse_precision(std::string_view name);
// "fp32 | bf16" for messages and help.
inline constexpr const char* kPrecisionNames = "fp32 | bf16";
// Parses or throws arq::Error naming `what` (e.g. "config nn.precision") and the allowed values.
Precision parse_precision_or_throw(std::string_view name, std::string_view what);

}  // namespace arq::nn
