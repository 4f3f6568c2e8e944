#include "binlog/format_description.h"

#include <fmt/format.h>

namespace dm::binlog {

std::string_view ServerFlavorName(ServerFlavor flavor) {
  return flavor == ServerFlavor::kMariaDb ? "mariadb" : "mysql";
}

uint8_t FormatDescription::PostHeaderLength(EventType type, uint8_t fallback) const {
  const size_t code = static_cast<uint8_t>(type);
  if (code == 0 || code > post_header_lengths.size()) return fallback;
  return post_header_lengths[code - 1];
}

std::array<int, 3> ParseServerVersion(std::string_view version) {
  std::array<int, 3> parts{0, 0, 0};
  size_t i = 0;
  for (int& part : parts) {
    int value = 0;
    size_t digits = 0;
    while (i < version.size() && version[i] >= '0' && version[i] <= '9' && digits < 6) {
      value = value * 10 + (version[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) break;
    part = value;
    if (i >= version.size() || version[i] != '.') break;
    ++i;
  }
  return parts;
}

Result<FormatDescription> DecodeFormatDescription(const RawEvent& event) {
  constexpr size_t kServerVersionLength = 50;
  // binlog_version + server_version + create_timestamp + header_length.
  constexpr size_t kFixedBody = 2 + kServerVersionLength + 4 + 1;
  EventReader r(event.bytes, event.position);
  r.Skip(kEventHeaderSize, "common header");
  FormatDescription f;
  f.binlog_version = r.ReadU16("binlog_version");
  std::string_view version = r.ReadBytes(kServerVersionLength, "server_version");
  f.create_timestamp = r.ReadU32("create_timestamp");
  f.common_header_length = r.ReadU8("header_length");
  if (!r.ok()) return r.status();
  if (f.binlog_version != 4) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("binlog version {} at position {} is not supported (only version 4, MySQL "
                              "5.0+ and MariaDB)",
                              f.binlog_version, event.position),
                  ErrorCode::kBinlogEventCorrupt);
  }
  if (f.common_header_length < kEventHeaderSize) {
    r.Fail(fmt::format("header_length {} is less than {}", f.common_header_length, kEventHeaderSize));
    return r.status();
  }
  f.server_version = std::string(version.substr(0, version.find('\0')));
  f.flavor = f.server_version.find("MariaDB") != std::string::npos ? ServerFlavor::kMariaDb
                                                                   : ServerFlavor::kMySql;
  // Checksum-aware writers append the algorithm byte and 4 checksum bytes.
  const auto v = ParseServerVersion(f.server_version);
  const std::array<int, 3> since =
      f.flavor == ServerFlavor::kMariaDb ? std::array<int, 3>{5, 3, 0} : std::array<int, 3>{5, 6, 1};
  const bool checksum_aware = v >= since;
  const size_t tail = checksum_aware ? 1 + kChecksumSize : 0;
  if (event.bytes.size() < kEventHeaderSize + kFixedBody + tail) {
    r.Fail(fmt::format("event of {} bytes is too short for a FORMAT_DESCRIPTION of version {}",
                       event.bytes.size(), f.server_version));
    return r.status();
  }
  const size_t n_types = event.bytes.size() - kEventHeaderSize - kFixedBody - tail;
  std::span<const uint8_t> lengths = r.ReadSpan(n_types, "post_header_lengths");
  f.post_header_lengths.assign(lengths.begin(), lengths.end());
  if (checksum_aware) {
    const uint8_t alg = r.ReadU8("checksum_alg");
    if (alg != 0 && alg != 1 && alg != 255) {
      r.Fail(fmt::format("unknown checksum algorithm {}", alg));
    }
    f.checksum = static_cast<ChecksumAlgorithm>(alg);
  }
  if (!r.ok()) return r.status();
  return f;
}

Status VerifyChecksum(const RawEvent& event, const FormatDescription& format) {
  if (format.checksum != ChecksumAlgorithm::kCrc32 || event.in_transaction_payload) return Status::OK();
  return VerifyEventChecksum(event.bytes, event.position);
}

EventReader BodyReader(const RawEvent& event, const FormatDescription& format) {
  EventReader r(event.bytes, event.position);
  const size_t checksum = event.in_transaction_payload ? 0 : format.checksum_size();
  if (event.bytes.size() < size_t{format.common_header_length} + checksum) {
    r.Fail(fmt::format("{} of {} bytes is shorter than its header and checksum",
                       EventTypeName(event.header.type), event.bytes.size()));
    return r;
  }
  r.SetLimit(event.bytes.size() - checksum);
  r.Skip(format.common_header_length, "common header");
  return r;
}

}  // namespace dm::binlog
