// Decoders of the small events around transactions: ROTATE, XID, HEARTBEAT,
// INTVAR, RAND, USER_VAR, ROWS_QUERY and MariaDB's BINLOG_CHECKPOINT and
// ANNOTATE_ROWS. STOP_EVENT has an empty body and needs no decoder.
// Field tables: docs/formats/binlog_events.md.
//
// Every decoder takes the framed event and the FORMAT_DESCRIPTION in force,
// and returns views into event.bytes: a decoded event is valid as long as the
// bytes are. Bad bytes give Corruption (BinlogEventCorrupt) with the position.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "common/status.h"

namespace dm::binlog {

// ROTATE_EVENT: the next binlog file and the offset to read it from. Written
// at the end of a file, and sent first by a dump thread ("fake" rotate,
// timestamp 0, kFlagArtificial) to say where the stream starts.
struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};
Result<RotateEvent> DecodeRotate(const RawEvent& event, const FormatDescription& format);

// XID_EVENT: commit of an XA-capable (InnoDB) transaction.
struct XidEvent {
  uint64_t xid = 0;
};
Result<XidEvent> DecodeXid(const RawEvent& event, const FormatDescription& format);

// HEARTBEAT_LOG_EVENT: sent by a dump thread when idle; the coordinates are
// those of the last event it sent (file in the body, offset in log_pos).
struct HeartbeatEvent {
  std::string_view log_file;
  uint64_t position = 0;
};
Result<HeartbeatEvent> DecodeHeartbeat(const RawEvent& event, const FormatDescription& format);

// INTVAR_EVENT: LAST_INSERT_ID() or the auto-increment value used by the next
// statement-based QUERY.
enum class IntvarType : uint8_t { kInvalid = 0, kLastInsertId = 1, kInsertId = 2 };
struct IntvarEvent {
  IntvarType type = IntvarType::kInvalid;
  uint64_t value = 0;
};
Result<IntvarEvent> DecodeIntvar(const RawEvent& event, const FormatDescription& format);

// RAND_EVENT: the seeds RAND() uses in the next statement-based QUERY.
struct RandEvent {
  uint64_t seed1 = 0;
  uint64_t seed2 = 0;
};
Result<RandEvent> DecodeRand(const RawEvent& event, const FormatDescription& format);

// USER_VAR_EVENT: a user variable the next statement-based QUERY reads.
enum class UserVarType : uint8_t { kString = 0, kReal = 1, kInt = 2, kRow = 3, kDecimal = 4 };
struct UserVarEvent {
  std::string_view name;
  bool is_null = false;
  UserVarType type = UserVarType::kString;
  uint32_t charset = 0;        // collation id of a string value
  std::string_view value;      // raw value bytes (see docs for each type)
  bool is_unsigned = false;    // flags bit 0 of an INT value

  // The value as SQL text: the string bytes, the integer, the double with
  // round-trip digits, or the exact decimal; "NULL" when is_null.
  // REQUIRES: the event was returned by DecodeUserVar (value validated).
  std::string ValueText() const;
};
Result<UserVarEvent> DecodeUserVar(const RawEvent& event, const FormatDescription& format);

// MariaDB BINLOG_CHECKPOINT_EVENT: the oldest binlog file still needed for
// crash recovery.
struct BinlogCheckpointEvent {
  std::string_view file;
};
Result<BinlogCheckpointEvent> DecodeBinlogCheckpoint(const RawEvent& event, const FormatDescription& format);

// MariaDB ANNOTATE_ROWS_EVENT and MySQL ROWS_QUERY_LOG_EVENT: the statement
// that produced the following rows events (binlog_annotate_row_events,
// binlog_rows_query_log_events). MySQL truncates the text to 255 bytes in its
// length byte but stores it whole; dm returns the whole text.
struct RowsQueryEvent {
  std::string_view query;
};
Result<RowsQueryEvent> DecodeRowsQuery(const RawEvent& event, const FormatDescription& format);

}  // namespace dm::binlog
