#include "arq/core/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "arq/core/json_error.h"
#include "arq/core/text_io.h"

namespace arq {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; add byte swapping for this platform");

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  size_t size;
};

constexpr std::array<DTypeInfo, 15> kDTypes = {{
    {DType::kBool, "BOOL", 1},
    {DType::kU8, "U8", 1},
    {DType::kI8, "I8", 1},
    {DType::kF8E5M2, "F8_E5M2", 1},
    {DType::kF8E4M3, "F8_E4M3", 1},
    {DType::kU16, "U16", 2},
    {DType::kI16, "I16", 2},
    {DType::kF16, "F16", 2},
    {DType::kBF16, "BF16", 2},
    {DType::kU32, "U32", 4},
    {DType::kI32, "I32", 4},
    {DType::kF32, "F32", 4},
    {DType::kU64, "U64", 8},
    {DType::kI64, "I64", 8},
    {DType::kF64, "F64", 8},
}};

const DTypeInfo& info(DType dtype) {
  for (const DTypeInfo& entry : kDTypes) {
    if (entry.dtype == dtype) return entry;
  }
  throw Error("unknown dtype enumerator " + std::to_string(static_cast<int>(dtype)));
}

constexpr std::string_view kMetadataKey = "__metadata__";
// The reference implementation refuses headers above 100 MB; so do we, before allocating.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// product(shape) * item_size, or false on overflow or a negative dimension.
bool byte_count(const std::vector<int64_t>& shape, size_t item_size, uint64_t& bytes) {
  uint64_t count = item_size;
  for (int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(count, static_cast<uint64_t>(dim), &count)) return false;
  }
  bytes = count;
  return true;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  return info(dtype).name;
}
size_t dtype_size(DType dtype) {
  return info(dtype).size;
}

DType parse_dtype(std::string_view name) {
  for (const DTypeInfo& entry : kDTypes) {
    if (entry.name == name) return entry.dtype;
  }
  std::string known;
  for (const DTypeInfo& entry : kDTypes)
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throw Error("unknown dtype '" + std::string(name) + "' (expected one of " + known + ")");
}

int64_t Tensor::num_elements() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

const Tensor& SafetensorsContent::at(const std::string& name) const {
  const auto it = tensors.find(name);
  if (it == tensors.end()) throw Error("no tensor named '" + name + "'");
  return it->second;
}

std::string encode_safetensors(std::span<const TensorView> tensors,
                               const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorView*> sorted;
  sorted.reserve(tensors.size());
  for (const TensorView& tensor : tensors) sorted.push_back(&tensor);
  std::sort(sorted.begin(), sorted.end(),
            [](const TensorView* a, const TensorView* b) { return a->name < b->name; });

  nlohmann::json header = nlohmann::json::object();
  uint64_t offset = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const TensorView& tensor = *sorted[i];
    if (tensor.name.empty()) throw Error("safetensors: a tensor has an empty name");
    if (tensor.name == kMetadataKey) {
      throw Error("safetensors: '__metadata__' is reserved and cannot name a tensor");
    }
    if (i > 0 && sorted[i - 1]->name == tensor.name) {
      throw Error("safetensors: two tensors are named '" + tensor.name + "'");
    }
    uint64_t expected = 0;
    if (!byte_count(tensor.shape, dtype_size(tensor.dtype), expected)) {
      throw Error("safetensors: tensor '" + tensor.name + "' has an invalid shape " +
                  shape_text(tensor.shape));
    }
    if (expected != tensor.bytes.size()) {
      throw Error("safetensors: tensor '" + tensor.name + "' of shape " + shape_text(tensor.shape) +
                  " and dtype " + std::string(dtype_name(tensor.dtype)) + " needs " +
                  std::to_string(expected) + " bytes but " + std::to_string(tensor.bytes.size()) +
                  " were given");
    }
    header[tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + expected}}};
    offset += expected;
  }
  if (!metadata.empty()) header[std::string(kMetadataKey)] = metadata;

  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::string file;
  file.reserve(8 + header_text.size() + offset);
  const uint64_t header_length = header_text.size();
  file.append(reinterpret_cast<const char*>(&header_length), 8);
  file += header_text;
  for (const TensorView* tensor : sorted) {
    file.append(reinterpret_cast<const char*>(tensor->bytes.data()), tensor->bytes.size());
  }
  return file;
}

void write_safetensors(const std::string& path, std::span<const TensorView> tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::string bytes;
  try {
    bytes = encode_safetensors(tensors, metadata);
  } catch (const Error& e) {
    throw Error("cannot write '" + path + "': " + e.what());
  }
  write_file_atomic(path, bytes);
}

SafetensorsContent decode_safetensors(std::string_view file_bytes, const std::string& source) {
  auto fail = [&](const std::string& problem) -> Error {
    return Error("safetensors file '" + source + "': " + problem);
  };
  if (file_bytes.size() < 8) {
    throw fail("only " + std::to_string(file_bytes.size()) +
               " bytes, too short for the 8-byte header length (truncated?)");
  }
  uint64_t header_length = 0;
  std::memcpy(&header_length, file_bytes.data(), 8);
  if (header_length > file_bytes.size() - 8) {
    throw fail("header length " + std::to_string(header_length) + " runs past the end of the " +
               std::to_string(file_bytes.size()) + "-byte file (truncated or not safetensors?)");
  }
  if (header_length > kMaxHeaderBytes) {
    throw fail("header length " + std::to_string(header_length) + " exceeds the 100 MB limit");
  }
  const std::string_view header_text = file_bytes.substr(8, header_length);
  const std::string_view data = file_bytes.substr(8 + header_length);

  // JSON has no NUL bytes, but nlohmann's lexer would stop at one and ignore the rest.
  if (header_text.find('\0') != std::string_view::npos) {
    throw fail("header is not valid JSON: it contains a NUL byte (padding must be spaces)");
  }

  // nlohmann keeps the last of duplicate keys silently; a callback sees every top-level key.
  std::set<std::string> seen_keys;
  std::string duplicate;
  auto note_keys = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key) {
      const std::string key = parsed.get<std::string>();
      if (!seen_keys.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_text.begin(), header_text.end(), note_keys);
  } catch (const nlohmann::json::exception& e) {
    throw fail("header is not valid JSON: " + json_error_text(e));
  }
  if (!header.is_object()) throw fail("header is not a JSON object");
  if (!duplicate.empty()) throw fail("header names '" + duplicate + "' twice");

  SafetensorsContent content;
  std::vector<std::pair<std::pair<uint64_t, uint64_t>, std::string>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == kMetadataKey) {
      if (!entry.is_object()) throw fail("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw fail("__metadata__ value of '" + key + "' is not a string");
        content.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    // Captured by name, not as the structured binding (which clang 14 cannot capture).
    auto tensor_fail = [&, &tensor_name = name](const std::string& problem) {
      return fail("tensor '" + tensor_name + "': " + problem);
    };
    if (name.empty()) throw fail("a tensor has an empty name");
    if (!entry.is_object()) throw tensor_fail("entry is not an object");
    for (const auto& [key, value] : entry.items()) {
      if (key != "dtype" && key != "shape" && key != "data_offsets") {
        throw tensor_fail("unexpected field '" + key + "'");
      }
    }
    if (!entry.contains("dtype") || !entry["dtype"].is_string()) {
      throw tensor_fail("missing or non-string \"dtype\"");
    }
    if (!entry.contains("shape") || !entry["shape"].is_array()) {
      throw tensor_fail("missing or non-array \"shape\"");
    }
    if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() ||
        entry["data_offsets"].size() != 2) {
      throw tensor_fail("\"data_offsets\" must be an array [begin, end]");
    }
    Tensor tensor;
    try {
      tensor.dtype = parse_dtype(entry["dtype"].get<std::string>());
    } catch (const Error& e) {
      throw tensor_fail(e.what());
    }
    for (const nlohmann::json& dim : entry["shape"]) {
      if (!dim.is_number_unsigned() || dim.get<uint64_t>() > (uint64_t{1} << 62)) {
        throw tensor_fail("shape " + entry["shape"].dump() + " has a dimension that is not a " +
                          "non-negative integer");
      }
      tensor.shape.push_back(dim.get<int64_t>());
    }
    const nlohmann::json& offsets = entry["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
      throw tensor_fail("data_offsets " + offsets.dump() + " are not non-negative integers");
    }
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (begin > end) throw tensor_fail("data_offsets " + offsets.dump() + " end before they begin");
    if (end > data.size()) {
      throw tensor_fail("data_offsets " + offsets.dump() + " run past the " +
                        std::to_string(data.size()) + "-byte data section (truncated?)");
    }
    uint64_t expected = 0;
    if (!byte_count(tensor.shape, dtype_size(tensor.dtype), expected) || expected != end - begin) {
      throw tensor_fail("shape " + shape_text(tensor.shape) + " of " +
                        std::string(dtype_name(tensor.dtype)) + " does not match its " +
                        std::to_string(end - begin) + " data bytes");
    }
    tensor.bytes.assign(data.substr(begin, end - begin));
    ranges.push_back({{begin, end}, name});
    content.tensors.emplace(name, std::move(tensor));
  }

  // The tensors must tile the data section: no gaps, no overlaps, nothing left over.
  std::sort(ranges.begin(), ranges.end());
  uint64_t position = 0;
  for (const auto& [range, name] : ranges) {
    if (range.first != position) {
      throw fail("tensor '" + name + "' starts at data offset " + std::to_string(range.first) +
                 " but the previous tensor ends at " + std::to_string(position) +
                 " (offsets must be contiguous)");
    }
    position = range.second;
  }
  if (position != data.size()) {
    throw fail("tensors cover " + std::to_string(position) + " data bytes but the file holds " +
               std::to_string(data.size()) + " (trailing bytes)");
  }
  return content;
}

SafetensorsContent read_safetensors(const std::string& path) {
  return decode_safetensors(read_file(path), path);
}

}  // namespace arq
