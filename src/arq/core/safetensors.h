#pragma once
// safetensors files: the checkpoint format for tensors, readable from Python with numpy alone.
// Layout: uint64 little-endian header length N | N bytes of JSON header, space-padded to a
// multiple of 8 | raw little-endian tensor data. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end)} (offsets relative to the data section) and
// may hold "__metadata__": {string: string}. docs/checkpoints.md describes it for users.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "arq/core/error.h"

namespace arq {

enum class DType {
  kBool,
  kU8,
  kI8,
  kF8E5M2,
  kF8E4M3,
  kU16,
  kI16,
  kF16,
  kBF16,
  kU32,
  kI32,
  kF32,
  kU64,
  kI64,
  kF64
};

std::string_view dtype_name(DType dtype);  // "F32", "I64", ...
size_t dtype_size(DType dtype);            // bytes per element
// Throws arq::Error for a name safetensors does not define.
DType parse_dtype(std::string_view name);

// The dtype of a C++ element type (float -> F32, int64_t -> I64, ...).
template <typename T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>)
    return DType::kBool;
  else if constexpr (std::is_same_v<T, float>)
    return DType::kF32;
  else if constexpr (std::is_same_v<T, double>)
    return DType::kF64;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return DType::kU8;
  else if constexpr (std::is_same_v<T, int8_t>)
    return DType::kI8;
  else if constexpr (std::is_same_v<T, uint16_t>)
    return DType::kU16;
  else if constexpr (std::is_same_v<T, int16_t>)
    return DType::kI16;
  else if constexpr (std::is_same_v<T, uint32_t>)
    return DType::kU32;
  else if constexpr (std::is_same_v<T, int32_t>)
    return DType::kI32;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return DType::kU64;
  else if constexpr (std::is_same_v<T, int64_t>)
    return DType::kI64;
  else
    static_assert(sizeof(T) == 0, "no safetensors dtype for this type");
}

// A tensor to write. The bytes are borrowed: they must outlive the write call.
struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::span<const std::byte> bytes;  // row-major, little-endian, product(shape) * dtype_size

  template <typename T>
  static TensorView of(std::string name, std::vector<int64_t> shape, std::span<const T> values) {
    return {std::move(name), dtype_of<T>(), std::move(shape), std::as_bytes(values)};
  }
};

// A tensor read from a file (owns its bytes).
struct Tensor {
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::string bytes;

  int64_t num_elements() const;
  // The elements as T; throws arq::Error if T is not the stored dtype.
  template <typename T>
  std::vector<T> values() const {
    if (dtype_of<T>() != dtype) {
      throw Error("tensor holds " + std::string(dtype_name(dtype)) + " values, not " +
                  std::string(dtype_name(dtype_of<T>())));
    }
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
};

struct SafetensorsContent {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;

  // The named tensor; throws arq::Error naming it if absent.
  const Tensor& at(const std::string& name) const;
};

// The file's bytes. Tensors are laid out in name order and the header is canonical JSON with
// sorted keys, so equal inputs give byte-identical files. Throws arq::Error for an empty,
// duplicate or reserved ("__metadata__") name, a negative dimension, or a byte count that does
// not match shape and dtype.
std::string encode_safetensors(std::span<const TensorView> tensors,
                               const std::map<std::string, std::string>& metadata = {});

// Writes encode_safetensors(...) to `path` atomically (temporary file + rename).
void write_safetensors(const std::string& path, std::span<const TensorView> tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Parses and validates a whole file: header length within the file, JSON well formed, known
// dtypes, shapes matching byte counts, offsets in range and tiling the data section exactly.
// Throws arq::Error naming `source` (the file) and the problem.
SafetensorsContent decode_safetensors(std::string_view file_bytes, const std::string& source);
SafetensorsContent read_safetensors(const std::string& path);

}  // namespace arq
