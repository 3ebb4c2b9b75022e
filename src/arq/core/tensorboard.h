#pragma once
// TensorBoard event files for scalar curves, written without protobuf: the handful of protobuf
// fields TensorBoard reads (Event.wall_time/step/file_version/summary, Summary.value,
// Value.tag/simple_value) are encoded by hand, framed as TFRecords:
//   uint64 length | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
// all little-endian. `tensorboard --logdir <run>` and `wandb sync` read these files.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace arq {

// Seconds since the Unix epoch, as TensorBoard's wall_time.
double unix_time_now();

// Encoders for the record layer, exposed so tests can check them piece by piece.
namespace tensorboard {

// Event{wall_time = 1, file_version = 3}: the first record of every event file.
std::string encode_file_version_event(double wall_time, std::string_view version);

// Event{wall_time = 1, step = 2, summary = 5 {value = 1 {tag = 1, simple_value = 2}}}.
std::string encode_scalar_event(double wall_time, int64_t step, std::string_view tag, float value);

// One TFRecord around `data`.
std::string frame_record(std::string_view data);

}  // namespace tensorboard

class TensorBoardWriter {
 public:
  // Creates `log_dir` if needed and opens a new file events.out.tfevents.<unix seconds>.<host>
  // in it (".1", ".2"... are appended if that name is taken), starting with the
  // file_version record "brain.Event:2". Throws arq::Error if the file cannot be created.
  explicit TensorBoardWriter(const std::string& log_dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One scalar point. Buffered: call flush() to make it visible to a running TensorBoard.
  void add_scalar(std::string_view tag, int64_t step, double value);
  void add_scalar(std::string_view tag, int64_t step, double value, double wall_time);

  void flush();  // throws arq::Error if a write failed
  void close();  // flushes and closes; further writes throw

  const std::string& path() const { return path_; }

 private:
  void write_record(std::string_view data);

  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace arq
