// EventReader: the bounds-checked cursor every binlog decoder reads through.
//
// Modelled on MySQL's binlog event_reader (libs/mysql/binlog/event/
// event_reader.h): reads are little-endian unless named otherwise, the first
// failure is sticky (later reads return zero/empty and change nothing), and a
// limit keeps decoders away from the trailing CRC32 checksum. Instead of
// MySQL's goto-macros a failure is a dm::Status (kCorruption, catalogue code
// BinlogEventCorrupt) naming the field, the offset inside the event and the
// binlog position, so callers check ok() once after a group of reads.
//
// Views returned by the reader (strings, byte spans) point into the buffer
// given to the constructor: they live as long as that buffer does.
//
// Not thread-safe; one reader per decoding call.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "common/status.h"

namespace dm::binlog {

class EventReader {
 public:
  // Reads `data`. `base_position` is the binlog position of data[0] and only
  // appears in error messages. `data` must outlive the reader and its views.
  explicit EventReader(std::span<const uint8_t> data, uint64_t base_position = 0) noexcept
      : data_(data.data()), limit_(data.size()), base_position_(base_position) {}

  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;
  EventReader(EventReader&&) noexcept = default;
  EventReader& operator=(EventReader&&) noexcept = default;

  // True while no read has failed.
  bool ok() const { return status_.ok(); }
  // The first failure, or OK.
  const Status& status() const { return status_; }
  // Offset of the next byte to read, from data[0].
  size_t position() const { return pos_; }
  // The readable end (exclusive), from data[0].
  size_t limit() const { return limit_; }
  // Bytes left before the limit; 0 after a failure.
  size_t remaining() const { return ok() ? limit_ - pos_ : 0; }
  // Binlog position of the next byte (base_position + position()).
  uint64_t binlog_position() const { return base_position_ + pos_; }

  // Moves the end of the readable range to `limit` (offset from data[0]),
  // e.g. to exclude the checksum. Fails when limit is past the current limit
  // or before the current position.
  void SetLimit(size_t limit);

  // Fixed-width little-endian unsigned integers.
  uint8_t ReadU8(std::string_view field = {}) { return static_cast<uint8_t>(ReadUInt(1, field)); }
  uint16_t ReadU16(std::string_view field = {}) { return static_cast<uint16_t>(ReadUInt(2, field)); }
  uint32_t ReadU24(std::string_view field = {}) { return static_cast<uint32_t>(ReadUInt(3, field)); }
  uint32_t ReadU32(std::string_view field = {}) { return static_cast<uint32_t>(ReadUInt(4, field)); }
  uint64_t ReadU48(std::string_view field = {}) { return ReadUInt(6, field); }
  uint64_t ReadU64(std::string_view field = {}) { return ReadUInt(8, field); }

  // A little-endian unsigned integer of `bytes` bytes, 1 <= bytes <= 8.
  uint64_t ReadUInt(size_t bytes, std::string_view field = {}) {
    if (!Need(bytes, field)) return 0;
    uint64_t v = 0;
    for (size_t i = bytes; i > 0; --i) v = (v << 8) | data_[pos_ + i - 1];
    pos_ += bytes;
    return v;
  }
  // A little-endian two's complement integer of `bytes` bytes, sign-extended.
  int64_t ReadInt(size_t bytes, std::string_view field = {}) {
    uint64_t v = ReadUInt(bytes, field);
    if (bytes < 8 && bytes > 0) {
      const uint64_t sign = uint64_t{1} << (bytes * 8 - 1);
      v = (v ^ sign) - sign;
    }
    return static_cast<int64_t>(v);
  }
  // A big-endian unsigned integer of `bytes` bytes, 1 <= bytes <= 8 (row
  // values of DECIMAL, BIT and the *2 temporal types are big-endian).
  uint64_t ReadUIntBigEndian(size_t bytes, std::string_view field = {}) {
    if (!Need(bytes, field)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += bytes;
    return v;
  }
  // IEEE 754 values, exact bits.
  float ReadFloat(std::string_view field = {});
  double ReadDouble(std::string_view field = {});

  // A packed ("length-encoded") integer: < 0xfb is the value, 0xfc + 2 bytes,
  // 0xfd + 3 bytes, 0xfe + 8 bytes. 0xfb (SQL NULL on the wire) and 0xff are
  // invalid inside binlog events.
  uint64_t ReadPackedInt(std::string_view field = {});

  // `n` raw bytes.
  std::string_view ReadBytes(size_t n, std::string_view field = {}) {
    if (!Need(n, field)) return {};
    std::string_view v(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return v;
  }
  std::span<const uint8_t> ReadSpan(size_t n, std::string_view field = {}) {
    if (!Need(n, field)) return {};
    std::span<const uint8_t> v(data_ + pos_, n);
    pos_ += n;
    return v;
  }
  // A packed length followed by that many bytes.
  std::string_view ReadPackedString(std::string_view field = {});
  // Everything up to the limit.
  std::string_view ReadRest() { return ReadBytes(remaining()); }
  void Skip(size_t n, std::string_view field = {}) {
    if (Need(n, field)) pos_ += n;
  }

  // Records a corruption at the current offset (sticky; the first failure
  // wins). For semantic checks of decoders: "length 70000 exceeds 65535".
  void Fail(std::string_view what);

 private:
  bool Need(size_t n, std::string_view field) {
    if (ok() && n <= limit_ - pos_) [[likely]] return true;
    FailTruncated(n, field);
    return false;
  }
  void FailTruncated(size_t n, std::string_view field);

  const uint8_t* data_;
  size_t pos_ = 0;
  size_t limit_;
  uint64_t base_position_;
  Status status_;
};

}  // namespace dm::binlog
