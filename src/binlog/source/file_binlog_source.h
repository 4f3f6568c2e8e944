// FileBinlogSource: reads the events of one binlog or relay log file, the way
// leveldb's log::Reader reads its records: magic check first, then events
// framed by the length in their headers, through a reused buffer. Every
// malformation is a Corruption error naming the file and position, never a
// crash, hang or allocation larger than the event limit and the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "binlog/source/binlog_source.h"

namespace dm::binlog {

struct FileBinlogSourceOptions {
  // Largest event accepted (servers cap events at max_allowed_packet <= 1 GiB).
  uint64_t max_event_size = kMaxEventSize;
};

class FileBinlogSource final : public BinlogSource {
  // Only Open() can construct (passkey): the object needs an open, checked fd.
  struct Token {
    explicit Token() = default;
  };

 public:
  // Opens `path` and checks the magic bytes. NotFound when the file does not
  // exist; Corruption (BinlogFileHeaderInvalid) when it is not a binlog file.
  static Result<std::unique_ptr<FileBinlogSource>> Open(const std::string& path,
                                                        FileBinlogSourceOptions options = {});

  FileBinlogSource(Token, int fd, std::string path, uint64_t file_size, FileBinlogSourceOptions options);
  ~FileBinlogSource() override;
  FileBinlogSource(const FileBinlogSource&) = delete;
  FileBinlogSource& operator=(const FileBinlogSource&) = delete;

  // See BinlogSource. An event whose length runs past the end of the file is
  // a truncated file, reported as Corruption at the event's position.
  Result<bool> Next(RawEvent* event) override;
  const std::string& file_name() const override { return file_name_; }
  uint64_t position() const override { return position_; }

 private:
  // Reads exactly `n` bytes at `offset` into buffer_[0, n).
  Status ReadAt(uint64_t offset, size_t n);
  // Makes file bytes [offset, offset + n) available in buffer_, reading ahead.
  // REQUIRES: offset + n <= file_size_.
  Status Fill(uint64_t offset, size_t n);
  Status Fail(Status status);

  const int fd_;
  const std::string path_;
  const std::string file_name_;
  const uint64_t file_size_;
  const FileBinlogSourceOptions options_;
  uint64_t position_ = 0;
  std::vector<uint8_t> buffer_;  // file bytes [buffer_offset_, buffer_offset_ + buffer_length_)
  uint64_t buffer_offset_ = 0;
  size_t buffer_length_ = 0;
  Status error_;  // sticky
};

}  // namespace dm::binlog
