// The safetensors reader (model files of checkpoints): decode_safetensors on arbitrary bytes, as
// read_safetensors does after reading the file. A file it accepts must survive a round trip
// through the writer unchanged.
#include <cstring>
#include <vector>

#include "arq/core/safetensors.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arq;
  fuzz::allow_user_errors([&] {
    const SafetensorsContent content = decode_safetensors(fuzz::as_text(data, size), "fuzz");
    std::vector<TensorView> views;
    for (const auto& [name, tensor] : content.tensors) {
      if (tensor.num_elements() * static_cast<int64_t>(dtype_size(tensor.dtype)) !=
          static_cast<int64_t>(tensor.bytes.size())) {
        fuzz::fail("a decoded tensor's byte count disagrees with its shape");
      }
      if (tensor.dtype == DType::kF32) (void)tensor.values<float>();
      views.push_back({name, tensor.dtype, tensor.shape, std::as_bytes(std::span(tensor.bytes))});
    }
    std::string encoded;
    try {
      encoded = encode_safetensors(views, content.metadata);
    } catch (const Error&) {
      return;  // the writer is stricter than the reader (e.g. about names); that is allowed
    }
    const SafetensorsContent again = decode_safetensors(encoded, "fuzz (re-encoded)");
    if (again.metadata != content.metadata || again.tensors.size() != content.tensors.size()) {
      fuzz::fail("the re-encoded file differs");
    }
    for (const auto& [name, tensor] : content.tensors) {
      const Tensor& other = again.at(name);
      if (other.dtype != tensor.dtype || other.shape != tensor.shape ||
          other.bytes != tensor.bytes) {
        fuzz::fail("a re-encoded tensor differs");
      }
    }
  });
  return 0;
}
