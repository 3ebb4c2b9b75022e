#include "arq/core/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

uint64_t header_length_of(const std::string& file) {
  uint64_t length;
  std::memcpy(&length, file.data(), 8);
  return length;
}

nlohmann::json header_of(const std::string& file) {
  return nlohmann::json::parse(file.substr(8, header_length_of(file)));
}

// A file with a header we control completely, to feed the reader malformed input.
std::string file_with_header(const std::string& header, const std::string& data) {
  std::string file(8, '\0');
  const uint64_t length = header.size();
  std::memcpy(file.data(), &length, 8);
  return file + header + data;
}

class SafetensorsTest : public testing::Test {
 protected:
  SafetensorsTest() {
    for (int i = 0; i < 6; ++i) weights_.push_back(0.5f * static_cast<float>(i) - 1.0f);
    tensors_ = {TensorView::of<float>("layer1.weight", {2, 3}, weights_),
                TensorView::of<int64_t>("adam.step", {}, std::span<const int64_t>(&step_, 1)),
                TensorView::of<double>("a.bias", {2}, bias_),
                TensorView::of<uint8_t>("mask", {0, 4}, std::span<const uint8_t>())};
  }

  std::vector<float> weights_;
  int64_t step_ = 123456789012345;
  std::vector<double> bias_ = {3.25, -1e300};
  std::vector<TensorView> tensors_;
  std::map<std::string, std::string> metadata_ = {{"format", "arq"}, {"step", "42"}};
};

TEST_F(SafetensorsTest, RoundTripKeepsEveryTensorAndTheMetadata) {
  const std::string file = encode_safetensors(tensors_, metadata_);
  const SafetensorsContent content = decode_safetensors(file, "memory");
  ASSERT_EQ(content.tensors.size(), 4u);
  EXPECT_EQ(content.metadata, metadata_);

  const Tensor& weight = content.at("layer1.weight");
  EXPECT_EQ(weight.dtype, DType::kF32);
  EXPECT_EQ(weight.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(weight.values<float>(), weights_);
  EXPECT_EQ(weight.num_elements(), 6);

  const Tensor& step = content.at("adam.step");
  EXPECT_TRUE(step.shape.empty());  // a scalar has shape [] and one element
  EXPECT_EQ(step.values<int64_t>(), std::vector<int64_t>{step_});

  EXPECT_EQ(content.at("a.bias").values<double>(), bias_);
  EXPECT_EQ(content.at("mask").shape, (std::vector<int64_t>{0, 4}));
  EXPECT_TRUE(content.at("mask").bytes.empty());

  EXPECT_THROW(content.at("missing"), Error);
  EXPECT_THROW(weight.values<double>(), Error);  // wrong element type
}

TEST_F(SafetensorsTest, LayoutIsTheDocumentedOne) {
  const std::string file = encode_safetensors(tensors_, metadata_);
  const uint64_t header_length = header_length_of(file);
  EXPECT_EQ(header_length % 8, 0u);
  EXPECT_EQ(file[8], '{');
  const nlohmann::json header = header_of(file);
  EXPECT_EQ(header["__metadata__"]["step"], "42");
  // Data in name order: a.bias (16 bytes), adam.step (8), layer1.weight (24), mask (0).
  EXPECT_EQ(header["a.bias"]["data_offsets"], nlohmann::json::array({0, 16}));
  EXPECT_EQ(header["adam.step"]["data_offsets"], nlohmann::json::array({16, 24}));
  EXPECT_EQ(header["layer1.weight"]["data_offsets"], nlohmann::json::array({24, 48}));
  EXPECT_EQ(header["layer1.weight"]["dtype"], "F32");
  EXPECT_EQ(header["layer1.weight"]["shape"], nlohmann::json::array({2, 3}));
  EXPECT_EQ(header["mask"]["data_offsets"], nlohmann::json::array({48, 48}));
  EXPECT_EQ(file.size(), 8 + header_length + 48);
  float third;
  std::memcpy(&third, file.data() + 8 + header_length + 24 + 2 * 4, 4);
  EXPECT_EQ(third, weights_[2]);
  // Padding is spaces only.
  const std::string header_text = file.substr(8, header_length);
  const size_t last_brace = header_text.rfind('}');
  EXPECT_EQ(header_text.find_first_not_of(' ', last_brace + 1), std::string::npos);
}

TEST_F(SafetensorsTest, OutputIsDeterministicAndIndependentOfInputOrder) {
  const std::string first = encode_safetensors(tensors_, metadata_);
  std::vector<TensorView> reversed(tensors_.rbegin(), tensors_.rend());
  EXPECT_EQ(encode_safetensors(reversed, metadata_), first);
  EXPECT_EQ(encode_safetensors(tensors_, metadata_), first);
}

TEST_F(SafetensorsTest, WriterRejectsBadTensors) {
  auto rejects = [&](std::vector<TensorView> tensors, const std::string& fragment) {
    try {
      encode_safetensors(tensors);
      ADD_FAILURE() << "expected an error mentioning " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  rejects({TensorView::of<float>("w", {4}, weights_)}, "needs 16 bytes but 24");
  rejects({TensorView::of<float>("w", {-6}, weights_)}, "invalid shape [-6]");
  rejects({TensorView::of<float>("", {6}, weights_)}, "empty name");
  rejects({TensorView::of<float>("__metadata__", {6}, weights_)}, "reserved");
  rejects({TensorView::of<float>("w", {6}, weights_), TensorView::of<float>("w", {6}, weights_)},
          "two tensors are named 'w'");
}

TEST_F(SafetensorsTest, FileRoundTripIsAtomicAndNamesTheFileOnError) {
  const fs::path dir =
      fs::temp_directory_path() /
      ("arq_safetensors_test_" + std::to_string(testing::UnitTest::GetInstance()->random_seed()));
  fs::create_directories(dir);
  const std::string path = (dir / "model.safetensors").string();
  write_safetensors(path, tensors_, metadata_);
  EXPECT_EQ(read_file(path), encode_safetensors(tensors_, metadata_));
  EXPECT_EQ(read_safetensors(path).at("layer1.weight").values<float>(), weights_);
  // Nothing but the file itself is left in the folder.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);

  const std::string file = read_file(path);
  write_file_atomic(path, file.substr(0, file.size() - 1));
  try {
    read_safetensors(path);
    ADD_FAILURE() << "truncated file accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_safetensors((dir / "absent.safetensors").string()), Error);
  fs::remove_all(dir);
}

// Every way a file can be wrong, each with the words the message must contain.
TEST_F(SafetensorsTest, CorruptInputIsRejectedWithAClearMessage) {
  const std::string good = encode_safetensors(tensors_, metadata_);
  const uint64_t header_length = header_length_of(good);
  const std::string data = good.substr(8 + header_length);
  const nlohmann::json header = header_of(good);
  auto with_header = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json changed = header;
    edit(changed);
    return file_with_header(changed.dump(), data);
  };

  struct Case {
    std::string what;
    std::string file;
    std::string expected_fragment;
  };
  std::string huge_length = good;
  const uint64_t too_long = good.size();
  std::memcpy(huge_length.data(), &too_long, 8);

  const std::vector<Case> cases = {
      {"empty file", "", "too short"},
      {"short file", good.substr(0, 5), "too short"},
      {"header length past the end", huge_length, "runs past the end"},
      {"truncated data", good.substr(0, good.size() - 3), "truncated"},
      {"trailing bytes", good + "xyz", "trailing bytes"},
      {"header not JSON", file_with_header("{\"a\": ", ""), "not valid JSON"},
      {"header not an object", file_with_header("[1, 2]    ", ""), "not a JSON object"},
      {"padding with NULs", file_with_header(std::string("{}") + '\0', ""), "not valid JSON"},
      {"text after a NUL", file_with_header(std::string("{}") + '\0' + "garbage", ""), "NUL byte"},
      {"duplicate tensor name",
       file_with_header(R"({"w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},)"
                        R"( "w": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}})",
                        "ab"),
       "names 'w' twice"},
      {"unknown dtype", with_header([](auto& h) { h["a.bias"]["dtype"] = "F128"; }),
       "unknown dtype 'F128'"},
      {"dtype not a string", with_header([](auto& h) { h["a.bias"]["dtype"] = 4; }), "dtype"},
      {"missing shape", with_header([](auto& h) { h["a.bias"].erase("shape"); }), "shape"},
      {"negative dimension", with_header([](auto& h) { h["a.bias"]["shape"] = {-2}; }),
       "non-negative integer"},
      {"fractional dimension", with_header([](auto& h) { h["a.bias"]["shape"] = {2.5}; }),
       "non-negative integer"},
      {"shape/bytes mismatch", with_header([](auto& h) { h["a.bias"]["shape"] = {3}; }),
       "does not match its 16 data bytes"},
      {"dtype/bytes mismatch", with_header([](auto& h) { h["a.bias"]["dtype"] = "F32"; }),
       "does not match"},
      {"offsets reversed", with_header([](auto& h) {
         h["a.bias"]["data_offsets"] = {16, 0};
       }),
       "end before they begin"},
      {"offsets out of range", with_header([](auto& h) {
         h["mask"]["data_offsets"] = {4800, 4800};
       }),
       "run past"},
      {"offsets with one element", with_header([](auto& h) { h["a.bias"]["data_offsets"] = {16}; }),
       "[begin, end]"},
      {"negative offset", with_header([](auto& h) {
         h["mask"]["data_offsets"] = {-1, 47};
       }),
       "not non-negative integers"},
      {"overlapping tensors", with_header([](auto& h) {
         h["adam.step"]["data_offsets"] = {8, 16};
       }),
       "contiguous"},
      {"gap between tensors", with_header([](auto& h) {
         h["adam.step"]["dtype"] = "I32";
         h["adam.step"]["data_offsets"] = {16, 20};
       }),
       "contiguous"},
      {"unexpected field", with_header([](auto& h) { h["a.bias"]["offsets"] = 1; }),
       "unexpected field 'offsets'"},
      {"entry not an object", with_header([](auto& h) { h["a.bias"] = 5; }), "not an object"},
      {"metadata not an object", with_header([](auto& h) { h["__metadata__"] = "x"; }),
       "__metadata__ is not an object"},
      {"metadata value not a string", with_header([](auto& h) { h["__metadata__"]["step"] = 42; }),
       "not a string"},
  };
  for (const Case& c : cases) {
    try {
      decode_safetensors(c.file, "bad.safetensors");
      ADD_FAILURE() << c.what << ": accepted";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("'bad.safetensors'"), std::string::npos) << c.what << ": " << message;
      EXPECT_NE(message.find(c.expected_fragment), std::string::npos) << c.what << ": " << message;
    }
  }
}

TEST(SafetensorsDType, NamesAndSizes) {
  EXPECT_EQ(dtype_name(DType::kF32), "F32");
  EXPECT_EQ(dtype_size(DType::kF64), 8u);
  EXPECT_EQ(dtype_size(DType::kBF16), 2u);
  EXPECT_EQ(parse_dtype("I64"), DType::kI64);
  EXPECT_EQ(parse_dtype("F8_E4M3"), DType::kF8E4M3);
  EXPECT_THROW(parse_dtype("f32"), Error);  // names are case-sensitive
  EXPECT_EQ(dtype_of<uint8_t>(), DType::kU8);
  EXPECT_EQ(dtype_of<int32_t>(), DType::kI32);
}

}  // namespace
}  // namespace arq
