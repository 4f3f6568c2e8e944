// The v4 common event header, the framing every binlog event shares, and the
// CRC32 checksum that follows an event when FORMAT_DESCRIPTION says so.
// Layout: docs/formats/binlog_events.md#common-header.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "binlog/event_type.h"
#include "common/status.h"

namespace dm::binlog {

// Bytes 0-3 of every binlog and relay log file.
inline constexpr std::array<uint8_t, 4> kBinlogMagic = {0xfe, 0x62, 0x69, 0x6e};  // "\xfebin"
inline constexpr size_t kEventHeaderSize = 19;
inline constexpr size_t kChecksumSize = 4;
// Servers cap an event at max_allowed_packet, itself at most 1 GiB; a larger
// length can only be damage, so readers refuse it before allocating.
inline constexpr uint64_t kMaxEventSize = uint64_t{1} << 30;

// Header flags (bit values of EventHeader::flags).
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;  // FORMAT_DESCRIPTION: file not closed cleanly
inline constexpr uint16_t kFlagThreadSpecific = 0x0004;
inline constexpr uint16_t kFlagSuppressUse = 0x0008;
inline constexpr uint16_t kFlagArtificial = 0x0020;   // made up by the server (fake ROTATE)
inline constexpr uint16_t kFlagRelayLog = 0x0040;
inline constexpr uint16_t kFlagIgnorable = 0x0080;
inline constexpr uint16_t kFlagSkipReplication = 0x8000;  // MariaDB @@skip_replication

// The 19-byte header at the start of every event (all fields little-endian).
struct EventHeader {
  uint32_t timestamp = 0;      // seconds since the epoch when the statement began
  EventType type = EventType::kUnknown;
  uint32_t server_id = 0;      // server that first wrote the event
  uint32_t event_size = 0;     // header + body + checksum
  uint32_t next_position = 0;  // log_pos: end of this event in the server's file (32-bit, wraps)
  uint16_t flags = 0;
};

// Decodes the first 19 bytes of `bytes`. Fails (Corruption) when fewer than
// 19 bytes are given or event_size < 19. `position` is the event's binlog
// position, for the error message.
Result<EventHeader> DecodeEventHeader(std::span<const uint8_t> bytes, uint64_t position);

// One framed event as a source delivers it. The bytes belong to the source
// (see BinlogSource for how long they stay valid).
struct RawEvent {
  EventHeader header;
  std::span<const uint8_t> bytes;  // the whole event: header, body, checksum
  uint64_t position = 0;           // binlog position of bytes[0] (64-bit, never wraps)
  // Taken out of a TRANSACTION_PAYLOAD_EVENT (TransactionPayloadSource): no
  // checksum of its own, and `position` is the payload event's.
  bool in_transaction_payload = false;
  uint64_t end_position() const { return position + bytes.size(); }
};

// Checksum algorithm byte of FORMAT_DESCRIPTION (binlog_checksum).
enum class ChecksumAlgorithm : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm alg);

// CRC32 (zlib's) of an event without its last 4 bytes, as servers compute it:
// for FORMAT_DESCRIPTION the BINLOG_IN_USE flag counts as clear, because the
// server clears that flag when it closes the file without rewriting the
// checksum. REQUIRES: event.size() >= kEventHeaderSize + kChecksumSize.
uint32_t ComputeEventChecksum(std::span<const uint8_t> event);

// Compares the stored checksum (last 4 bytes, little-endian) with the computed
// one; Corruption (BinlogChecksumMismatch) naming `position` when they differ
// or the event is too short to carry one.
Status VerifyEventChecksum(std::span<const uint8_t> event, uint64_t position);

}  // namespace dm::binlog
