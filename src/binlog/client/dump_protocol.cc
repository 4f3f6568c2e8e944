#include "binlog/client/dump_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "binlog/client/mysql_gtid_dump.h"

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

namespace {

bool ContainsIgnoringCase(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

// `query` without surrounding spaces and trailing semicolons.
std::string_view TrimQuery(std::string_view query) {
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.front()))) query.remove_prefix(1);
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.remove_suffix(1);
  }
  return query;
}

}  // namespace

ServerFlavor DetectServerFlavor(std::string_view version, std::string_view version_comment) {
  return ContainsIgnoringCase(version, "mariadb") || ContainsIgnoringCase(version_comment, "mariadb")
             ? ServerFlavor::kMariaDb
             : ServerFlavor::kMySql;
}

Result<DumpRequest> BuildDumpRequest(const DumpStart& start) {
  DumpRequest request;
  const bool mariadb = start.flavor == ServerFlavor::kMariaDb;
  if (mariadb) {
    request.statements.push_back(fmt::format("SET @mariadb_slave_capability = {}", kMariaSlaveCapabilityGtid));
  }
  if (!start.gtid) {
    uint16_t flags = start.non_blocking ? kDumpFlagNonBlock : 0;
    if (mariadb && start.annotate_rows) flags |= kDumpFlagSendAnnotateRows;
    DM_ASSIGN_OR_RETURN(request.body,
                        BuildBinlogDumpCommand(start.position.file, start.position.offset, flags, start.server_id));
    request.command = kComBinlogDump;
    request.stream_start = start.position;
    return request;
  }
  // GTID mode: the server finds the first file itself and announces it with
  // a fake ROTATE.
  request.stream_start = Position{"", kFirstEventOffset};
  if (mariadb) {
    // The state is digits, '-' and ',' only (MariaDbGtidState::ToString).
    request.statements.push_back(fmt::format("SET @slave_connect_state = '{}'", start.mariadb_gtids.ToString()));
    uint16_t flags = start.non_blocking ? kDumpFlagNonBlock : 0;
    if (start.annotate_rows) flags |= kDumpFlagSendAnnotateRows;
    DM_ASSIGN_OR_RETURN(request.body, BuildBinlogDumpCommand("", kFirstEventOffset, flags, start.server_id));
    request.command = kComBinlogDump;
    return request;
  }
  const uint16_t flags = start.non_blocking ? kDumpGtidFlagNonBlock : 0;
  DM_ASSIGN_OR_RETURN(request.body,
                      BuildBinlogDumpGtidCommand("", kFirstEventOffset, flags, start.server_id, start.mysql_gtids));
  request.command = kComBinlogDumpGtid;
  return request;
}

bool IsBeginQuery(std::string_view query) {
  query = TrimQuery(query);
  return query.size() == 5 && ContainsIgnoringCase(query, "BEGIN");
}

bool IsUnpositionedEvent(const EventHeader& header) {
  return header.next_position == 0 || (header.flags & kFlagArtificial) != 0 ||
         header.type == EventType::kHeartbeat || header.type == EventType::kHeartbeatV2;
}

bool IsGroupEndQuery(std::string_view query) {
  query = TrimQuery(query);
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
