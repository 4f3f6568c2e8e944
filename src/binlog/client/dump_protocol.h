// The replica side of the binlog dump protocol, as pure functions over bytes
// so they are unit-tested without a server: the COM_BINLOG_DUMP request, the
// framing of the packets a dump thread sends, 64-bit positions from the
// 32-bit log_pos of event headers, the end of MariaDB event groups, and the
// choice of a replica server id. Wire layouts:
// docs/formats/binlog_events.md#replication-stream.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/gtid_state.h"
#include "binlog/location.h"
#include "binlog/mysql_gtid_set.h"
#include "common/status.h"

namespace dm::binlog::client {

// The command byte of COM_BINLOG_DUMP (both flavors).
inline constexpr uint8_t kComBinlogDump = 0x12;

// MARIA_SLAVE_CAPABILITY_GTID, the @mariadb_slave_capability a replica
// announces: it understands GTID events, so the server sends them instead of
// dummy events.
inline constexpr int kMariaSlaveCapabilityGtid = 4;

// COM_BINLOG_DUMP flags.
inline constexpr uint16_t kDumpFlagNonBlock = 0x01;            // EOF at the end of the binlog instead of waiting
inline constexpr uint16_t kDumpFlagSendAnnotateRows = 0x02;    // MariaDB: send ANNOTATE_ROWS events

// The body of a COM_BINLOG_DUMP command (after the command byte): 4-byte
// position, 2-byte flags, 4-byte server id, file name without terminator.
// InvalidArgument when `position` does not fit the 4-byte field: servers
// cannot be asked for offsets past 4 GiB this way (use GTID mode).
Result<std::vector<uint8_t>> BuildBinlogDumpCommand(std::string_view file, uint64_t position, uint16_t flags,
                                                    uint32_t server_id);

// The upstream's flavor from its version string (VERSION(), or the version
// of the handshake) and @@version_comment: MariaDB when either names MariaDB
// (case-insensitively; some builds and proxies rewrite the version but keep
// the comment), else MySQL (Percona Server and other MySQL builds too).
ServerFlavor DetectServerFlavor(std::string_view version, std::string_view version_comment);

// Where and how a dump starts.
struct DumpStart {
  ServerFlavor flavor = ServerFlavor::kMariaDb;
  // GTID mode streams every event group after the GTIDs below; position mode
  // streams from `position`.
  bool gtid = false;
  Position position;
  MariaDbGtidState mariadb_gtids;  // GTID mode, MariaDB: the @slave_connect_state
  MySqlGtidSet mysql_gtids;        // GTID mode, MySQL: the transactions already executed
  uint32_t server_id = 0;
  bool non_blocking = false;   // end the stream at the end of the binlog
  bool annotate_rows = false;  // MariaDB: send ANNOTATE_ROWS events
};

// The flavor-specific part of starting a dump, decided without a server:
//   MariaDB, position mode: COM_BINLOG_DUMP(file, position);
//   MariaDB, GTID mode:     SET @slave_connect_state, COM_BINLOG_DUMP("", 4);
//   MySQL, position mode:   COM_BINLOG_DUMP(file, position);
//   MySQL, GTID mode:       COM_BINLOG_DUMP_GTID("", 4, the executed set).
// MariaDB sessions also announce @mariadb_slave_capability (GTID events
// instead of dummies). Statements common to both flavors (checksum,
// heartbeat period) are the caller's.
struct DumpRequest {
  std::vector<std::string> statements;  // to execute, in order, before the command
  uint8_t command = kComBinlogDump;     // kComBinlogDump or kComBinlogDumpGtid
  std::vector<uint8_t> body;            // the command's bytes after the command byte
  Position stream_start;                // where the server starts ("", 4 in GTID mode)
};
// InvalidArgument when the start cannot be requested (an offset past 4 GiB
// in position mode).
Result<DumpRequest> BuildDumpRequest(const DumpStart& start);

// True when `query` is the BEGIN that opens a transaction's events (MySQL
// logs a DDL as a GTID event and the statement alone, without BEGIN).
bool IsBeginQuery(std::string_view query);

// What one packet of the dump stream carries. Error packets never reach
// here: libmariadb turns them into client errors while reading.
enum class PacketKind { kEvent, kEof };
struct DumpPacket {
  PacketKind kind = PacketKind::kEof;
  std::span<const uint8_t> event;  // kEvent: the event bytes, after the 0x00 prefix
};
// Splits a packet: 0x00 + event, or the EOF packet (0xfe, < 9 bytes) the
// server sends at the end of the binlog in non-blocking mode. Corruption for
// anything else (an empty packet or an unknown prefix byte).
Result<DumpPacket> ParseDumpPacket(std::span<const uint8_t> packet);

// The 64-bit end offset of an event whose header says `log_pos` (its end
// offset modulo 2^32), given that the stream stood at `stream_position`
// before it and the event is `size` bytes: the smallest value >=
// stream_position + size with those low 32 bits. Events never end before the
// stream position; a server skipping events (GTID mode) moves it forward.
uint64_t ExtendLogPosition(uint64_t stream_position, uint32_t log_pos, uint32_t size);

// True when an event carries no position of its own in the server's file:
// fake ROTATE and fake GTID_LIST events (artificial, log_pos 0), the
// FORMAT_DESCRIPTION re-sent when a dump starts past offset 4 (log_pos 0),
// and heartbeats (log_pos is where the dump thread stands, not an event).
bool IsUnpositionedEvent(const EventHeader& header);

// True when `query` ends a MariaDB event group: COMMIT, ROLLBACK, XA COMMIT,
// XA ROLLBACK (case-insensitive, surrounding spaces ignored). Groups of
// transactional engines end with an XID event instead; standalone groups
// (DDL) end with their single statement.
bool IsGroupEndQuery(std::string_view query);

// As DM (pkg/utils.GetRandomServerID): a server id from [kServerIdBase,
// kServerIdBase + 100000) that is not in `taken` (the upstream's own id and
// the ids of SHOW SLAVE HOSTS), starting from `random`. NotFound when the
// whole range is taken.
inline constexpr uint32_t kServerIdBase = UINT32_MAX / 10;
Result<uint32_t> ChooseServerId(const std::set<uint32_t>& taken, uint32_t random);

}  // namespace dm::binlog::client
