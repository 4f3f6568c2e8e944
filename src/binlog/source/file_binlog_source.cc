#include "binlog/source/file_binlog_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "binlog/location.h"

namespace dm::binlog {
namespace {

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<std::unique_ptr<FileBinlogSource>> FileBinlogSource::Open(const std::string& path,
                                                                  FileBinlogSourceOptions options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string msg = fmt::format("cannot open binlog file {}: {}", path, std::strerror(err));
    return err == ENOENT ? Status::NotFound(std::move(msg)) : Status::Unavailable(std::move(msg));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(fmt::format("binlog file {} is not a regular file", path));
  }
  auto source = std::make_unique<FileBinlogSource>(Token{}, fd, path, static_cast<uint64_t>(st.st_size), options);
  if (source->file_size_ < kBinlogMagic.size()) {
    return Status(StatusCode::kCorruption,
                  fmt::format("{} is {} bytes, too short for the binlog magic header", path, source->file_size_),
                  ErrorCode::kBinlogFileHeaderInvalid);
  }
  DM_RETURN_IF_ERROR(source->ReadAt(0, kBinlogMagic.size()));
  if (!std::equal(kBinlogMagic.begin(), kBinlogMagic.end(), source->buffer_.begin())) {
    return Status(StatusCode::kCorruption,
                  fmt::format("{} does not start with the binlog magic bytes fe 62 69 6e", path),
                  ErrorCode::kBinlogFileHeaderInvalid);
  }
  source->position_ = kFirstEventOffset;
  return source;
}

FileBinlogSource::FileBinlogSource(Token, int fd, std::string path, uint64_t file_size, FileBinlogSourceOptions options)
    : fd_(fd), path_(std::move(path)), file_name_(BaseName(path_)), file_size_(file_size), options_(options) {}

FileBinlogSource::~FileBinlogSource() { ::close(fd_); }

Status FileBinlogSource::ReadAt(uint64_t offset, size_t n) {
  if (buffer_.size() < n) buffer_.resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, buffer_.data() + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable(fmt::format("read {} at {}: {}", path_, offset + done, std::strerror(errno)));
    }
    if (got == 0) {
      // The file shrank since it was opened.
      return Status(StatusCode::kCorruption,
                    fmt::format("{} ends at {} while reading {} bytes at {}", path_, offset + done, n, offset),
                    ErrorCode::kBinlogEventCorrupt);
    }
    done += static_cast<size_t>(got);
  }
  buffer_offset_ = offset;
  buffer_length_ = n;
  return Status::OK();
}

Status FileBinlogSource::Fill(uint64_t offset, size_t n) {
  if (offset >= buffer_offset_ && offset + n <= buffer_offset_ + buffer_length_) return Status::OK();
  // Read ahead in large chunks: one system call serves many small events.
  constexpr size_t kReadAhead = size_t{1} << 20;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(n, kReadAhead), file_size_ - offset));
  return ReadAt(offset, want);
}

Status FileBinlogSource::Fail(Status status) {
  error_ = std::move(status);
  return error_;
}

Result<bool> FileBinlogSource::Next(RawEvent* event) {
  if (!error_.ok()) return error_;
  if (position_ == file_size_) return false;
  const uint64_t left = file_size_ - position_;
  if (left < kEventHeaderSize) {
    return Fail(Status(StatusCode::kCorruption,
                       fmt::format("{}: truncated event header at position {}: {} bytes left, need {}", path_,
                                   position_, left, kEventHeaderSize),
                       ErrorCode::kBinlogEventCorrupt));
  }
  if (Status s = Fill(position_, kEventHeaderSize); !s.ok()) return Fail(std::move(s));
  auto header = DecodeEventHeader(std::span(buffer_.data() + (position_ - buffer_offset_), kEventHeaderSize), position_);
  if (!header.ok()) return Fail(header.status().WithContext(path_));
  const uint64_t size = header->event_size;
  if (size > options_.max_event_size) {
    return Fail(Status(StatusCode::kCorruption,
                       fmt::format("{}: event at position {} claims {} bytes, more than the {} allowed", path_,
                                   position_, size, options_.max_event_size),
                       ErrorCode::kBinlogEventTooLarge));
  }
  if (size > left) {
    return Fail(Status(StatusCode::kCorruption,
                       fmt::format("{}: event at position {} ({}) claims {} bytes, only {} left in the file", path_,
                                   position_, EventTypeName(header->type), size, left),
                       ErrorCode::kBinlogEventCorrupt));
  }
  if (Status s = Fill(position_, size); !s.ok()) return Fail(std::move(s));
  event->header = *header;
  event->bytes = std::span(buffer_.data() + (position_ - buffer_offset_), size);
  event->position = position_;
  position_ += size;
  return true;
}

}  // namespace dm::binlog
