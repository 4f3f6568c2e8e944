#include "binlog/event_header.h"

#include <fmt/format.h>

#include "binlog/checksum.h"
#include "binlog/event_reader.h"

namespace dm::binlog {

Result<EventHeader> DecodeEventHeader(std::span<const uint8_t> bytes, uint64_t position) {
  if (bytes.size() < kEventHeaderSize) {
    EventReader r(bytes, position);
    r.Skip(kEventHeaderSize, "event header");
    return r.status();
  }
  // Runs once per event: fixed offsets, no per-field bounds checks.
  const uint8_t* p = bytes.data();
  auto u32 = [p](size_t at) {
    return uint32_t{p[at]} | uint32_t{p[at + 1]} << 8 | uint32_t{p[at + 2]} << 16 | uint32_t{p[at + 3]} << 24;
  };
  EventHeader h;
  h.timestamp = u32(0);
  h.type = static_cast<EventType>(p[4]);
  h.server_id = u32(5);
  h.event_size = u32(9);
  h.next_position = u32(13);
  h.flags = static_cast<uint16_t>(p[17] | p[18] << 8);
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
  if (static_cast<EventType>(event[4]) == EventType::kFormatDescription &&
      (event[kFlagsOffset] & kFlagBinlogInUse) != 0) {
    uint8_t head[kEventHeaderSize];
    std::copy(event.begin(), event.begin() + kEventHeaderSize, head);
    head[kFlagsOffset] = static_cast<uint8_t>(head[kFlagsOffset] & ~kFlagBinlogInUse);
    return Crc32(Crc32(0, head), event.subspan(kEventHeaderSize, n - kEventHeaderSize));
  }
  return Crc32(0, event.first(n));
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
