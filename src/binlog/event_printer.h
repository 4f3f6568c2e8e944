// EventPrinter: every decoder of dm_binlog applied to a stream of events, each
// event rendered as one text line and, optionally, each row change as one
// more. It backs the dm-binlog tool, the decoder fuzzer (which needs every
// decoder reachable from raw bytes) and the decode benchmark.
//
// Line formats (docs/formats/binlog_events.md#dm-binlog-output):
//   <position> <TYPE> size=<n> [key=value ...]
//     W (v1, v2, ...)            one per row of WRITE_ROWS
//     U (before...) => (after...) UPDATE_ROWS
//     D (v1, v2, ...)            DELETE_ROWS
// Strings are single-quoted with ', \ and control bytes escaped; values of
// binary columns (charset 63: BINARY, VARBINARY, BLOB, INET6, UUID, ...)
// and GEOMETRY appear as 0x hex; MySQL binary JSON as its text, quoted;
// temporal, ENUM and SET values quoted; MySQL partial JSON updates as
// mysqlbinlog prints them: JSON_REPLACE(`col`, '$.a', 1) (json_diff.h).
//
// The printer tracks the FORMAT_DESCRIPTION and the TABLE_MAPs it has seen;
// rows events need their TABLE_MAP first (BinlogTableMapMissing otherwise).
// Not thread-safe; reuses its buffers, so printing allocates nothing per row
// once they have grown.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "binlog/append_text.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/row_value.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "common/status.h"

namespace dm::binlog {

struct EventPrinterOptions {
  bool rows = false;              // one line per row change
  bool verify_checksums = true;   // CRC32 of every event when the format says so
  // Checksum of events before the first FORMAT_DESCRIPTION: a replication
  // stream starts with a fake ROTATE carrying the negotiated checksum.
  ChecksumAlgorithm initial_checksum = ChecksumAlgorithm::kOff;
};

class EventPrinter {
 public:
  // Looks up a table's column schema for TABLE_MAPs without optional metadata
  // (signedness, charsets, ENUM/SET members); may return nullptr. Optional.
  using SchemaLookup = std::function<const TableSchema*(const std::string& db, const std::string& table)>;

  explicit EventPrinter(EventPrinterOptions options, SchemaLookup schemas = nullptr);

  // Decodes `event` and appends its line(s) to *out. On error *out holds
  // what was printed before it; the error names the event's position. The
  // printer stays usable: later events decode under the state it had.
  Status Print(const RawEvent& event, std::string* out);
  // The same, appending to a TextBuffer, which saves a copy per event (the
  // dm-binlog tool prints into one).
  Status Print(const RawEvent& event, TextBuffer* out);

  const FormatDescription& format() const { return format_; }
  uint64_t events() const { return events_; }
  uint64_t row_changes() const { return row_changes_; }

 private:
  Status PrintBody(const RawEvent& event, TextBuffer* out);
  Status PrintRows(uint64_t position, const RowsEvent& rows, TextBuffer* out);
  // Fails (Corruption) on a malformed MySQL JSON value or JSON diff.
  Status AppendRow(const std::vector<Value>& values, const TableMap& map, uint64_t position, TextBuffer* out);

  const EventPrinterOptions options_;
  const SchemaLookup schemas_;
  FormatDescription format_;
  bool have_format_ = false;
  bool line_closed_ = false;  // PrintBody ended the event's line itself
  TableMapCache tables_;
  std::string scratch_;     // inflated compressed events
  TextBuffer line_;         // Print(std::string*): the event's text
  std::string value_text_;  // AppendValueText output of one value
  std::vector<Value> before_;
  std::vector<Value> after_;
  uint64_t events_ = 0;
  uint64_t row_changes_ = 0;
};

// Appends `value` of column `index` of `map` as the printer shows it (see
// above). Corruption for malformed MySQL binary JSON or JSON diffs.
// REQUIRES: index < map.columns.size().
[[nodiscard]] Status AppendPrintedValue(const Value& value, const TableMap& map, size_t index, std::string* out);

}  // namespace dm::binlog
