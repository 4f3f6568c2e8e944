// WRITE/UPDATE/DELETE_ROWS events, v1 (MariaDB, MySQL 5.5) and v2 (MySQL
// 5.6+, with extra data), MariaDB's compressed variants and the frame of
// MySQL's PARTIAL_UPDATE_ROWS. Field table:
// docs/formats/binlog_events.md#rows-events.
//
// DecodeRowsEvent splits the event into its parts without touching the row
// images; RowsReader then decodes one row change at a time into caller-owned
// Value arrays, so a consumer that reuses its arrays decodes every row with
// no allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "binlog/event_header.h"
#include "binlog/event_reader.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/row_value.h"
#include "binlog/table_map.h"
#include "common/status.h"

namespace dm::binlog {

// Rows event flags.
inline constexpr uint16_t kRowsFlagStmtEnd = 0x0001;  // last rows event of the statement
inline constexpr uint16_t kRowsFlagNoForeignKeyChecks = 0x0002;
inline constexpr uint16_t kRowsFlagRelaxedUniqueChecks = 0x0004;
inline constexpr uint16_t kRowsFlagCompleteRows = 0x0008;

struct RowsEvent {
  EventType type = EventType::kWriteRowsV1;
  RowsEventTraits traits{};
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::span<const uint8_t> extra_data;    // v2 extra data, without its length field
  std::optional<uint16_t> partition_id;   // MySQL extra data: partition of the row(s)
  std::optional<uint16_t> source_partition_id;  // ... and of the before image of an update
  uint32_t column_count = 0;
  // Columns present in the before image (UPDATE, DELETE) or the only image
  // (WRITE): bit i (LSB first) for column i.
  std::span<const uint8_t> columns_before;
  // Columns present in the after image (UPDATE, WRITE). For WRITE this is the
  // same bitmap as columns_before.
  std::span<const uint8_t> columns_after;
  std::span<const uint8_t> rows;  // the row images (inflated when compressed)
  uint64_t position = 0;          // binlog position of the event, for errors
  uint64_t rows_offset = 0;       // offset of rows[0] in the event (0 when inflated)

  bool statement_end() const { return (flags & kRowsFlagStmtEnd) != 0; }
};

// Splits a rows event. For compressed types the row images are inflated into
// *scratch, which must outlive the result and the RowsReader over it.
Result<RowsEvent> DecodeRowsEvent(const RawEvent& event, const FormatDescription& format, std::string* scratch);

// Iterates the row changes of one rows event under its table map.
class RowsReader {
 public:
  // `event` and `map` must outlive the reader. Fails at the first Next() when
  // the event's table id or column count differ from the map's
  // (BinlogTableMapMissing / BinlogSchemaMismatch).
  RowsReader(const RowsEvent& event, const TableMap& map);

  RowsReader(const RowsReader&) = delete;
  RowsReader& operator=(const RowsReader&) = delete;

  // True while row images remain and no error occurred.
  bool HasNext() const { return status_.ok() && reader_.ok() && reader_.remaining() > 0; }

  // Decodes the next row change. WRITE fills `after`, DELETE `before`, UPDATE
  // both; each span must hold map.columns.size() values (kInternal if not),
  // the other may be empty. Columns missing from an image become kAbsent.
  // In the after image of PARTIAL_UPDATE_ROWS a JSON column logged as
  // changes (binlog_row_value_options=PARTIAL_JSON) becomes kJsonDiff.
  // After an error every call returns it again.
  Status Next(std::span<Value> before, std::span<Value> after);

  const Status& status() const { return status_; }

 private:
  // Reads one row image. `partial_json` (PARTIAL_UPDATE_ROWS after images
  // only, else empty) has one bit per JSON column of the table, present in
  // the image or not: set when that column holds a diff list.
  void ReadImage(std::span<const uint8_t> present, size_t present_count, std::span<Value> out,
                 std::span<const uint8_t> partial_json = {});

  const RowsEvent& event_;
  const TableMap& map_;
  EventReader reader_;
  size_t present_before_ = 0;
  size_t present_after_ = 0;
  size_t json_columns_ = 0;  // JSON columns of the table (PARTIAL_UPDATE_ROWS)
  Status status_;
};

}  // namespace dm::binlog
