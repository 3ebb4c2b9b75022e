#include "arq/core/text_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "arq/core/error.h"

namespace arq {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::vector<std::string> read_lines(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw Error("cannot open '" + path + "': " + errno_text());
  std::string contents;
  char buffer[1 << 16];
  int count;
  while ((count = gzread(file, buffer, sizeof buffer)) > 0) contents.append(buffer, count);
  int status = Z_OK;
  const char* message = gzerror(file, &status);
  const bool failed = count < 0 || (status != Z_OK && status != Z_STREAM_END);
  const std::string error_message = failed ? std::string(message) : std::string();
  gzclose(file);
  if (failed) throw Error("cannot read '" + path + "': " + error_message);
  std::vector<std::string> lines;
  std::istringstream stream(contents);
  std::string line;
  while (std::getline(stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "': " + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error("cannot read '" + path + "'");
  return buffer.str();
}

void write_file_atomic(const std::string& path, const std::string& contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp = (folder / ("." + target.filename().string() + ".tmpXXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) throw Error("cannot create a temporary file next to '" + path + "': " + errno_text());
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      const std::string reason = errno_text();
      ::close(fd);
      ::unlink(temp.c_str());
      throw Error("cannot write '" + path + "': " + reason);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    throw Error("cannot write '" + path + "': " + reason);
  }
  ::chmod(temp.c_str(), 0644);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = errno_text();
    ::unlink(temp.c_str());
    throw Error("cannot rename into '" + path + "': " + reason);
  }
  // Make the rename itself durable: callers (checkpoints) delete older files next, relying on it.
  // EINVAL: the filesystem cannot sync folders, and there is nothing more to do.
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    const bool synced = ::fsync(dir_fd) == 0 || errno == EINVAL;
    const std::string reason = synced ? std::string() : errno_text();
    ::close(dir_fd);
    if (!synced) throw Error("cannot make the new '" + path + "' durable: " + reason);
  }
}

struct TextWriter::Impl {
  std::string path;
  FILE* plain = nullptr;
  gzFile compressed = nullptr;
  bool failed = false;
};

TextWriter::TextWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  if (path == "-") {
    impl_->plain = stdout;
  } else if (ends_with(path, ".gz")) {
    impl_->compressed = gzopen(path.c_str(), "wb6");
    if (impl_->compressed == nullptr) {
      throw Error("cannot open '" + path + "' for writing: " + errno_text());
    }
  } else {
    impl_->plain = std::fopen(path.c_str(), "wb");
    if (impl_->plain == nullptr) {
      throw Error("cannot open '" + path + "' for writing: " + errno_text());
    }
  }
}

TextWriter::~TextWriter() {
  try {
    close();
  } catch (const Error&) {
    // Destructors must not throw; callers who care call close() themselves.
  }
}

void TextWriter::write(const std::string& text) {
  if (text.empty()) return;
  if (impl_->compressed != nullptr) {
    if (gzwrite(impl_->compressed, text.data(), static_cast<unsigned>(text.size())) <= 0) {
      impl_->failed = true;
    }
  } else if (impl_->plain != nullptr) {
    if (std::fwrite(text.data(), 1, text.size(), impl_->plain) != text.size()) impl_->failed = true;
  }
}

void TextWriter::close() {
  if (impl_->compressed != nullptr) {
    if (gzclose(impl_->compressed) != Z_OK) impl_->failed = true;
    impl_->compressed = nullptr;
  } else if (impl_->plain != nullptr) {
    if (impl_->plain == stdout) {
      if (std::fflush(stdout) != 0) impl_->failed = true;
    } else if (std::fclose(impl_->plain) != 0) {
      impl_->failed = true;
    }
    impl_->plain = nullptr;
  }
  if (impl_->failed) {
    impl_->failed = false;
    throw Error("writing '" + impl_->path + "' failed");
  }
}

}  // namespace arq
