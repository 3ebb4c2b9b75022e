#include "arq/core/tensorboard.h"

#include <unistd.h>

#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "arq/core/crc32c.h"
#include "arq/core/error.h"

namespace arq {

double unix_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace tensorboard {
namespace {

static_assert(std::endian::native == std::endian::little,
              "event files are little-endian; add byte swapping for this platform");

// Protobuf wire types.
constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;
constexpr uint32_t kFixed32 = 5;

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_key(std::string& out, uint32_t field, uint32_t wire_type) {
  put_varint(out, (field << 3) | wire_type);
}

template <typename T>
void put_little_endian(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_bytes_field(std::string& out, uint32_t field, std::string_view bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

std::string encode_file_version_event(double wall_time, std::string_view version) {
  std::string event;
  put_key(event, 1, kFixed64);
  put_little_endian(event, wall_time);
  put_bytes_field(event, 3, version);
  return event;
}

std::string encode_scalar_event(double wall_time, int64_t step, std::string_view tag, float value) {
  std::string summary_value;
  put_bytes_field(summary_value, 1, tag);
  put_key(summary_value, 2, kFixed32);
  put_little_endian(summary_value, value);

  std::string summary;
  put_bytes_field(summary, 1, summary_value);

  std::string event;
  put_key(event, 1, kFixed64);
  put_little_endian(event, wall_time);
  // A negative int64 is a ten-byte varint of its two's complement, as protobuf does.
  put_key(event, 2, kVarint);
  put_varint(event, static_cast<uint64_t>(step));
  put_bytes_field(event, 5, summary);
  return event;
}

std::string frame_record(std::string_view data) {
  std::string record;
  record.reserve(data.size() + 16);
  const uint64_t length = data.size();
  put_little_endian(record, length);
  put_little_endian(record, mask_crc32c(crc32c(record.data(), 8)));
  record.append(data);
  put_little_endian(record, mask_crc32c(crc32c(data)));
  return record;
}

}  // namespace tensorboard

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(const std::string& log_dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(log_dir, error);
  if (error) {
    throw Error("cannot create TensorBoard folder '" + log_dir + "': " + error.message());
  }
  const double now = unix_time_now();
  const std::string base =
      (fs::path(log_dir) /
       ("events.out.tfevents." + std::to_string(static_cast<int64_t>(now)) + "." + host_name()))
          .string();
  // Two writers started in the same second must not share a file: "x" opens exclusively.
  for (int attempt = 0; file_ == nullptr; ++attempt) {
    path_ = attempt == 0 ? base : base + "." + std::to_string(attempt);
    file_ = std::fopen(path_.c_str(), "wbx");
    if (file_ == nullptr && (errno != EEXIST || attempt >= 1000)) {
      throw Error("cannot create TensorBoard event file '" + path_ + "': " + std::strerror(errno));
    }
  }
  write_record(tensorboard::encode_file_version_event(now, "brain.Event:2"));
  flush();
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) std::fclose(file_);  // errors cannot be reported from a destructor
}

void TensorBoardWriter::add_scalar(std::string_view tag, int64_t step, double value) {
  add_scalar(tag, step, value, unix_time_now());
}

void TensorBoardWriter::add_scalar(std::string_view tag, int64_t step, double value,
                                   double wall_time) {
  write_record(tensorboard::encode_scalar_event(wall_time, step, tag, static_cast<float>(value)));
}

void TensorBoardWriter::write_record(std::string_view data) {
  if (file_ == nullptr) throw Error("TensorBoard event file '" + path_ + "' is already closed");
  const std::string record = tensorboard::frame_record(data);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    throw Error("cannot write TensorBoard event file '" + path_ + "': " + std::strerror(errno));
  }
}

void TensorBoardWriter::flush() {
  if (file_ == nullptr) return;
  if (std::fflush(file_) != 0 || std::ferror(file_)) {
    throw Error("cannot write TensorBoard event file '" + path_ + "': " + std::strerror(errno));
  }
}

void TensorBoardWriter::close() {
  if (file_ == nullptr) return;
  flush();
  const int result = std::fclose(file_);
  file_ = nullptr;
  if (result != 0) {
    throw Error("cannot close TensorBoard event file '" + path_ + "': " + std::strerror(errno));
  }
}

}  // namespace arq
