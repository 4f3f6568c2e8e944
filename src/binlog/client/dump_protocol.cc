#include "binlog/client/dump_protocol.h"

#include <fmt/format.h>

#include <cctype>

namespace dm::binlog::client {

Result<std::vector<uint8_t>> BuildBinlogDumpCommand(std::string_view file, uint64_t position, uint16_t flags,
                                                    uint32_t server_id) {
  if (position > UINT32_MAX) {
    return Status::InvalidArgument(
        fmt::format("binlog position ({}, {}) is past 4 GiB, which COM_BINLOG_DUMP cannot address; start from a GTID",
                    file, position));
  }
  std::vector<uint8_t> out;
  out.reserve(10 + file.size());
  auto put = [&out](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  put(position, 4);
  put(flags, 2);
  put(server_id, 4);
  out.insert(out.end(), file.begin(), file.end());
  return out;
}

Result<DumpPacket> ParseDumpPacket(std::span<const uint8_t> packet) {
  if (packet.empty()) return Status(StatusCode::kCorruption, "empty packet in the binlog dump stream", ErrorCode::kBinlogEventCorrupt);
  if (packet[0] == 0x00) return DumpPacket{PacketKind::kEvent, packet.subspan(1)};
  if (packet[0] == 0xfe && packet.size() < 9) return DumpPacket{PacketKind::kEof, {}};
  return Status(StatusCode::kCorruption,
                fmt::format("unexpected packet in the binlog dump stream: first byte 0x{:02x}, {} bytes", packet[0],
                            packet.size()),
                ErrorCode::kBinlogEventCorrupt);
}

uint64_t ExtendLogPosition(uint64_t stream_position, uint32_t log_pos, uint32_t size) {
  constexpr uint64_t kWrap = uint64_t{1} << 32;
  const uint64_t floor = stream_position + size;
  uint64_t end = (floor & ~(kWrap - 1)) | log_pos;
  if (end < floor) end += kWrap;
  return end;
}

bool IsUnpositionedEvent(const EventHeader& header) {
  return header.next_position == 0 || (header.flags & kFlagArtificial) != 0 ||
         header.type == EventType::kHeartbeat || header.type == EventType::kHeartbeatV2;
}

bool IsGroupEndQuery(std::string_view query) {
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.front()))) query.remove_prefix(1);
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.remove_suffix(1);
  }
  auto starts_with = [&](std::string_view word) {
    if (query.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(query[i])) != word[i]) return false;
    }
    return query.size() == word.size() || std::isspace(static_cast<unsigned char>(query[word.size()]));
  };
  if (query.size() == 6 && starts_with("COMMIT")) return true;
  if (query.size() == 8 && starts_with("ROLLBACK")) return true;
  if (starts_with("XA")) {
    std::string_view rest = query.substr(2);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
    query = rest;
    return starts_with("COMMIT") || starts_with("ROLLBACK");
  }
  return false;
}

Result<uint32_t> ChooseServerId(const std::set<uint32_t>& taken, uint32_t random) {
  constexpr uint32_t kRange = 100000;
  for (uint32_t i = 0; i < kRange; ++i) {
    const uint32_t id = kServerIdBase + (random + i) % kRange;
    if (taken.count(id) == 0) return id;
  }
  return Status::NotFound(fmt::format("every server id in [{}, {}) is taken by a replica of the upstream",
                                      kServerIdBase, kServerIdBase + kRange));
}

}  // namespace dm::binlog::client
