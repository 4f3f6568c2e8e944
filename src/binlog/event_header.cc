#include "binlog/event_header.h"

#include <fmt/format.h>
#include <zlib.h>

#include "binlog/event_reader.h"

namespace dm::binlog {

Result<EventHeader> DecodeEventHeader(std::span<const uint8_t> bytes, uint64_t position) {
  EventReader r(bytes, position);
  EventHeader h;
  h.timestamp = r.ReadU32("timestamp");
  h.type = static_cast<EventType>(r.ReadU8("type_code"));
  h.server_id = r.ReadU32("server_id");
  h.event_size = r.ReadU32("event_size");
  h.next_position = r.ReadU32("log_pos");
  h.flags = r.ReadU16("flags");
  if (!r.ok()) return r.status();
  if (h.event_size < kEventHeaderSize) {
    return Status(StatusCode::kCorruption,
                  fmt::format("binlog event at position {} has length {}, less than the {}-byte header",
                              position, h.event_size, kEventHeaderSize),
                  ErrorCode::kBinlogEventCorrupt);
  }
  return h;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::kOff: return "NONE";
    case ChecksumAlgorithm::kCrc32: return "CRC32";
    case ChecksumAlgorithm::kUndefined: return "UNDEFINED";
  }
  return "UNKNOWN";
}

uint32_t ComputeEventChecksum(std::span<const uint8_t> event) {
  const size_t n = event.size() - kChecksumSize;
  constexpr size_t kFlagsOffset = 17;
  uLong crc = crc32(0L, Z_NULL, 0);
  if (static_cast<EventType>(event[4]) == EventType::kFormatDescription &&
      (event[kFlagsOffset] & kFlagBinlogInUse) != 0) {
    uint8_t head[kEventHeaderSize];
    std::copy(event.begin(), event.begin() + kEventHeaderSize, head);
    head[kFlagsOffset] = static_cast<uint8_t>(head[kFlagsOffset] & ~kFlagBinlogInUse);
    crc = crc32(crc, head, kEventHeaderSize);
    crc = crc32(crc, event.data() + kEventHeaderSize, static_cast<uInt>(n - kEventHeaderSize));
  } else {
    crc = crc32(crc, event.data(), static_cast<uInt>(n));
  }
  return static_cast<uint32_t>(crc);
}

Status VerifyEventChecksum(std::span<const uint8_t> event, uint64_t position) {
  if (event.size() < kEventHeaderSize + kChecksumSize) {
    return Status(StatusCode::kCorruption,
                  fmt::format("binlog event at position {} is {} bytes, too short for a checksum", position,
                              event.size()),
                  ErrorCode::kBinlogChecksumMismatch);
  }
  const uint8_t* p = event.data() + event.size() - kChecksumSize;
  const uint32_t stored = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  const uint32_t computed = ComputeEventChecksum(event);
  if (stored != computed) {
    return Status(StatusCode::kCorruption,
                  fmt::format("binlog event checksum mismatch at position {} ({}, {} bytes): stored "
                              "0x{:08x}, computed 0x{:08x}",
                              position, EventTypeName(static_cast<EventType>(event[4])), event.size(),
                              stored, computed),
                  ErrorCode::kBinlogChecksumMismatch);
  }
  return Status::OK();
}

}  // namespace dm::binlog
