// QUERY_EVENT (and MariaDB's QUERY_COMPRESSED_EVENT): a statement as text, with
// the session state it ran under in status variables. DDL, BEGIN/COMMIT of
// non-transactional engines and statement-based DML arrive this way.
// Field table: docs/formats/binlog_events.md#query_event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "common/status.h"

namespace dm::binlog {

struct QueryCharset {
  uint16_t client = 0;      // @@character_set_client (as its default collation id)
  uint16_t connection = 0;  // @@collation_connection
  uint16_t server = 0;      // @@collation_server
};

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view schema;  // the default database (USE), may be empty
  std::string_view query;

  // Status variables dm uses; absent when the server did not write them.
  std::optional<uint32_t> flags2;          // OPTION_* session flags
  std::optional<uint64_t> sql_mode;        // @@sql_mode bits
  std::optional<QueryCharset> charset;
  std::optional<uint16_t> charset_database;
  std::string_view catalog;
  std::string_view time_zone;              // @@time_zone when not SYSTEM
  std::optional<uint16_t> lc_time_names;
  std::optional<uint16_t> auto_increment_increment;
  std::optional<uint16_t> auto_increment_offset;
  std::optional<uint64_t> xid;             // MariaDB Q_XID, MySQL Q_DDL_LOGGED_WITH_XID
  std::optional<uint32_t> microseconds;    // sub-second part of the start time
  std::optional<uint16_t> default_collation_for_utf8mb4;
  // False when parsing stopped at a status variable code dm does not know: its
  // length is unknowable, so the rest of the block is skipped (the block's
  // total length still locates the schema and query exactly).
  bool status_vars_complete = true;
};

// Decodes QUERY_EVENT or QUERY_COMPRESSED_EVENT. The result views event.bytes;
// for the compressed type the query text is inflated into *scratch, which must
// outlive the result and not be modified meanwhile.
Result<QueryEvent> DecodeQuery(const RawEvent& event, const FormatDescription& format, std::string* scratch);

}  // namespace dm::binlog
