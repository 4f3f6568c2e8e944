// FORMAT_DESCRIPTION_EVENT: the first event of every binlog file. It states
// the server version, the common header length, the post-header length of
// every event type and the checksum algorithm; every later event of the file
// is decoded under it. Field table: docs/formats/binlog_events.md#format_description_event.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/event_reader.h"
#include "common/status.h"

namespace dm::binlog {

enum class ServerFlavor : uint8_t { kMySql, kMariaDb };
std::string_view ServerFlavorName(ServerFlavor flavor);

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;  // "10.11.19-MariaDB-0+deb12u1-log"
  uint32_t create_timestamp = 0;
  uint8_t common_header_length = kEventHeaderSize;
  // Post-header length of event type code i+1 at index i.
  std::vector<uint8_t> post_header_lengths;
  ChecksumAlgorithm checksum = ChecksumAlgorithm::kOff;
  ServerFlavor flavor = ServerFlavor::kMySql;

  // Post-header length the server announced for `type`, or `fallback` when the
  // table does not cover it (a newer event type than the writer knew).
  uint8_t PostHeaderLength(EventType type, uint8_t fallback) const;
  // 4 when events carry a CRC32, else 0.
  size_t checksum_size() const { return checksum == ChecksumAlgorithm::kCrc32 ? kChecksumSize : 0; }
};

// Decodes a FORMAT_DESCRIPTION_EVENT. Its own checksum algorithm is read from
// its body (servers since MySQL 5.6.1 / MariaDB 5.3 append the algorithm byte
// and 4 checksum bytes); verify the checksum separately with
// VerifyEventChecksum when the result says CRC32. Only binlog version 4 is
// supported (MySQL 5.0 and later, every MariaDB).
Result<FormatDescription> DecodeFormatDescription(const RawEvent& event);

// (major, minor, patch) of a server version string; zeros where unparsable.
std::array<int, 3> ParseServerVersion(std::string_view version);

// Verifies `event`'s CRC32 when `format` says events carry one (see
// VerifyEventChecksum); events taken out of a TRANSACTION_PAYLOAD_EVENT carry
// none, the payload event's checksum covers them.
Status VerifyChecksum(const RawEvent& event, const FormatDescription& format);

// A reader over `event`'s body: it starts after the common header and stops
// before the checksum (which events of a transaction payload lack). When the event is too short for both, the reader is
// already failed and every read returns zero.
EventReader BodyReader(const RawEvent& event, const FormatDescription& format);

}  // namespace dm::binlog
