#include "arq/core/tensorboard.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "arq/core/crc32c.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

// Bit-at-a-time CRC-32C straight from the definition, to check the table-driven one against.
uint32_t crc32c_by_definition(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

TEST(Crc32c, StandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
}

// The iSCSI test patterns of RFC 3720, appendix B.4.
TEST(Crc32c, Rfc3720Vectors) {
  std::string zeros(32, '\0');
  std::string ones(32, '\xFF');
  std::string ascending(32, '\0');
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
    descending[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32c, MatchesDefinitionForEveryLengthAndAlignment) {
  std::string data;
  uint32_t state = 12345;
  for (int i = 0; i < 300; ++i) {
    state = state * 1103515245u + 12345u;
    data.push_back(static_cast<char>(state >> 16));
  }
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t length = 0; length + offset <= data.size(); length += 7) {
      const std::string piece = data.substr(offset, length);
      ASSERT_EQ(crc32c(piece), crc32c_by_definition(piece)) << offset << " " << length;
    }
  }
}

TEST(Crc32c, ChainsAcrossCalls) {
  const std::string whole = "The quick brown fox jumps over the lazy dog";
  for (size_t split = 0; split <= whole.size(); ++split) {
    const uint32_t first = crc32c(std::string_view(whole).substr(0, split));
    EXPECT_EQ(crc32c(std::string_view(whole).substr(split), first), crc32c(whole)) << split;
  }
}

TEST(Crc32c, MaskIsRotateAndOffset) {
  EXPECT_EQ(mask_crc32c(0), 0xA282EAD8u);
  EXPECT_EQ(mask_crc32c(0x00008000u), 0x00000001u + 0xA282EAD8u);  // bit 15 rotates to bit 0
  EXPECT_EQ(mask_crc32c(0x00000001u), 0x00020000u + 0xA282EAD8u);  // bit 0 rotates to bit 17
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(TensorBoardEncoding, ScalarEventHasTheProtobufBytes) {
  // Event{wall_time=1.5, step=3, summary{value{tag="a", simple_value=2.0}}}, by hand:
  const std::string expected =
      bytes({0x09, 0,    0,   0, 0,   0, 0, 0xF8, 0x3F,  // field 1, fixed64: 1.5
             0x10, 0x03,                                 // field 2, varint: 3
             0x2A, 0x0A,                                 // field 5 (Summary), 10 bytes
             0x0A, 0x08,                                 //   field 1 (Value), 8 bytes
             0x0A, 0x01, 'a',                            //     tag = "a"
             0x15, 0,    0,   0, 0x40});                 //     field 2, fixed32: 2.0f
  EXPECT_EQ(tensorboard::encode_scalar_event(1.5, 3, "a", 2.0f), expected);
}

TEST(TensorBoardEncoding, LargeStepsUseMultiByteVarints) {
  const std::string event = tensorboard::encode_scalar_event(0.0, 300, "t", 0.0f);
  // 300 = 0b10'0101100 -> 0xAC 0x02.
  EXPECT_EQ(event.substr(9, 3), bytes({0x10, 0xAC, 0x02}));
  const std::string negative = tensorboard::encode_scalar_event(0.0, -1, "t", 0.0f);
  EXPECT_EQ(negative.substr(9, 11),
            bytes({0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(TensorBoardEncoding, FileVersionEvent) {
  const std::string expected = bytes({0x09, 0, 0, 0, 0, 0, 0, 0, 0x40,  // 2.0
                                      0x1A, 0x0D}) +
                               "brain.Event:2";
  EXPECT_EQ(tensorboard::encode_file_version_event(2.0, "brain.Event:2"), expected);
}

// --- A small independent reader: TFRecord framing plus a generic protobuf field walker. ---

struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t varint = 0;  // wire types 0, 1, 5 (fixed values zero-extended)
  std::string bytes;    // wire type 2
};

uint64_t read_varint(const std::string& data, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) throw std::runtime_error("varint runs past the end");
    const auto byte = static_cast<unsigned char>(data[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  throw std::runtime_error("varint longer than 10 bytes");
}

std::vector<Field> parse_message(const std::string& data) {
  std::vector<Field> fields;
  size_t pos = 0;
  while (pos < data.size()) {
    const uint64_t key = read_varint(data, pos);
    Field field;
    field.number = static_cast<uint32_t>(key >> 3);
    field.wire_type = static_cast<uint32_t>(key & 7);
    if (field.wire_type == 0) {
      field.varint = read_varint(data, pos);
    } else if (field.wire_type == 1 || field.wire_type == 5) {
      const size_t width = field.wire_type == 1 ? 8 : 4;
      if (pos + width > data.size()) throw std::runtime_error("fixed field runs past the end");
      std::memcpy(&field.varint, data.data() + pos, width);
      pos += width;
    } else if (field.wire_type == 2) {
      const uint64_t length = read_varint(data, pos);
      if (pos + length > data.size()) throw std::runtime_error("bytes field runs past the end");
      field.bytes = data.substr(pos, length);
      pos += length;
    } else {
      throw std::runtime_error("unexpected wire type " + std::to_string(field.wire_type));
    }
    fields.push_back(field);
  }
  return fields;
}

std::vector<std::string> read_records(const std::string& file) {
  std::vector<std::string> records;
  size_t pos = 0;
  while (pos < file.size()) {
    EXPECT_LE(pos + 12, file.size()) << "truncated record header";
    uint64_t length;
    uint32_t length_crc;
    std::memcpy(&length, file.data() + pos, 8);
    std::memcpy(&length_crc, file.data() + pos + 8, 4);
    EXPECT_EQ(length_crc, mask_crc32c(crc32c(file.data() + pos, 8)));
    pos += 12;
    EXPECT_LE(pos + length + 4, file.size()) << "truncated record";
    std::string data = file.substr(pos, length);
    uint32_t data_crc;
    std::memcpy(&data_crc, file.data() + pos + length, 4);
    EXPECT_EQ(data_crc, mask_crc32c(crc32c(data)));
    pos += length + 4;
    records.push_back(std::move(data));
  }
  return records;
}

struct Scalar {
  double wall_time = 0;
  int64_t step = 0;
  std::string tag;
  float value = 0;
};

Scalar decode_scalar(const std::string& record) {
  Scalar scalar;
  for (const Field& field : parse_message(record)) {
    if (field.number == 1 && field.wire_type == 1) {
      std::memcpy(&scalar.wall_time, &field.varint, 8);
    } else if (field.number == 2 && field.wire_type == 0) {
      scalar.step = static_cast<int64_t>(field.varint);
    } else if (field.number == 5 && field.wire_type == 2) {
      const std::vector<Field> summary = parse_message(field.bytes);
      EXPECT_EQ(summary.size(), 1u);
      for (const Field& value_field : parse_message(summary.at(0).bytes)) {
        if (value_field.number == 1) scalar.tag = value_field.bytes;
        if (value_field.number == 2) {
          EXPECT_EQ(value_field.wire_type, 5u);
          const auto bits = static_cast<uint32_t>(value_field.varint);
          std::memcpy(&scalar.value, &bits, 4);
        }
      }
    } else {
      ADD_FAILURE() << "unexpected field " << field.number;
    }
  }
  return scalar;
}

class TensorBoardWriterTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("arq_tb_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(TensorBoardWriterTest, WrittenFileParsesBack) {
  const double before = unix_time_now();
  std::string path;
  {
    TensorBoardWriter writer((dir_ / "run").string());
    path = writer.path();
    writer.add_scalar("charts/episodic_return", 0, 1.25, 100.5);
    writer.add_scalar("charts/episodic_return", 1000, -7.0, 101.5);
    writer.add_scalar("losses/td_loss_layer0", 123456789012LL, 0.001, 102.5);
    writer.add_scalar("charts/SPS", 5, 3e9);  // wall time taken now
    writer.close();
  }
  const std::string name = fs::path(path).filename().string();
  EXPECT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
  EXPECT_EQ(fs::path(path).parent_path(), dir_ / "run");

  const std::vector<std::string> records = read_records(read_file(path));
  ASSERT_EQ(records.size(), 5u);

  // First record: wall_time and file_version only.
  const std::vector<Field> header = parse_message(records[0]);
  ASSERT_EQ(header.size(), 2u);
  EXPECT_EQ(header[0].number, 1u);
  double header_time;
  std::memcpy(&header_time, &header[0].varint, 8);
  EXPECT_GE(header_time, before - 1.0);
  EXPECT_EQ(header[1].number, 3u);
  EXPECT_EQ(header[1].bytes, "brain.Event:2");
  // The file name carries the same creation second.
  EXPECT_NE(name.find("." + std::to_string(static_cast<int64_t>(header_time)) + "."),
            std::string::npos);

  const Scalar first = decode_scalar(records[1]);
  EXPECT_EQ(first.tag, "charts/episodic_return");
  EXPECT_EQ(first.step, 0);
  EXPECT_EQ(first.value, 1.25f);
  EXPECT_EQ(first.wall_time, 100.5);
  const Scalar second = decode_scalar(records[2]);
  EXPECT_EQ(second.step, 1000);
  EXPECT_EQ(second.value, -7.0f);
  const Scalar third = decode_scalar(records[3]);
  EXPECT_EQ(third.tag, "losses/td_loss_layer0");
  EXPECT_EQ(third.step, 123456789012LL);
  EXPECT_EQ(third.value, 0.001f);
  const Scalar fourth = decode_scalar(records[4]);
  EXPECT_EQ(fourth.tag, "charts/SPS");
  EXPECT_EQ(fourth.value, 3e9f);
  EXPECT_GE(fourth.wall_time, before);
}

TEST_F(TensorBoardWriterTest, FlushMakesRecordsVisibleWhileOpen) {
  TensorBoardWriter writer(dir_.string());
  writer.add_scalar("a", 1, 2.0, 3.0);
  writer.flush();
  const std::vector<std::string> records = read_records(read_file(writer.path()));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(decode_scalar(records[1]).value, 2.0f);
}

TEST_F(TensorBoardWriterTest, TwoWritersInOneFolderGetDistinctFiles) {
  TensorBoardWriter first(dir_.string());
  TensorBoardWriter second(dir_.string());
  EXPECT_NE(first.path(), second.path());
  first.add_scalar("x", 1, 1.0, 0.0);
  second.add_scalar("x", 1, 2.0, 0.0);
  first.close();
  second.close();
  EXPECT_EQ(decode_scalar(read_records(read_file(first.path()))[1]).value, 1.0f);
  EXPECT_EQ(decode_scalar(read_records(read_file(second.path()))[1]).value, 2.0f);
}

TEST_F(TensorBoardWriterTest, WritingAfterCloseThrows) {
  TensorBoardWriter writer(dir_.string());
  writer.close();
  EXPECT_THROW(writer.add_scalar("a", 1, 1.0), Error);
}

TEST_F(TensorBoardWriterTest, UncreatableFolderThrowsNamingIt) {
  fs::create_directories(dir_);
  const fs::path blocker = dir_ / "a_file";
  write_file_atomic(blocker.string(), "x");
  try {
    TensorBoardWriter writer((blocker / "sub").string());
    FAIL() << "expected arq::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a_file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace arq
