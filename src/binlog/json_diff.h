// MySQL partial JSON updates (binlog_row_value_options=PARTIAL_JSON): in the
// after image of a PARTIAL_UPDATE_ROWS_EVENT a JSON column may be logged as
// the list of changes an UPDATE made with JSON_SET/JSON_REPLACE/JSON_REMOVE
// instead of the whole document. Layout (MySQL's Json_diff_vector):
// docs/formats/binlog_events.md#partial-json-updates.
//
// The diff list is decoded in place (views into the event buffer) and checked
// for structure when the row is read (DecodeJsonDiffValue), so a consumer
// iterating it with JsonDiffReader sees only well-formed diffs; the values
// themselves are MySQL binary JSON, checked when rendered.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "binlog/event_reader.h"
#include "binlog/row_value.h"
#include "binlog/table_map.h"
#include "common/status.h"

namespace dm::binlog {

// enum_json_diff_operation: the byte before each diff.
enum class JsonDiffOperation : uint8_t {
  kReplace = 0,  // replace the value at the path
  kInsert = 1,   // insert a value at the path (object member or array element)
  kRemove = 2,   // remove the value at the path; no value follows
};

// The SQL function mysqlbinlog names a diff after: JSON_REPLACE, JSON_INSERT
// (JSON_ARRAY_INSERT when the path ends with an array index, i.e. ']'),
// JSON_REMOVE.
std::string_view JsonDiffFunctionName(JsonDiffOperation operation, std::string_view path);

// One change of a partial JSON update. Views point into the rows event.
struct JsonDiff {
  JsonDiffOperation operation = JsonDiffOperation::kReplace;
  std::string_view path;           // a MySQL JSON path: "$.a", "$[3]", "$.\"k y\"[0]"
  std::span<const uint8_t> value;  // MySQL binary JSON (AppendMySqlJsonText); empty for kRemove
};

// Iterates the diffs of a kJsonDiff value's bytes. Not thread-safe; the bytes
// must outlive the reader and the diffs it returns.
class JsonDiffReader {
 public:
  // `base_position` is the binlog position of diffs[0], for error messages.
  explicit JsonDiffReader(std::span<const uint8_t> diffs, uint64_t base_position = 0)
      : reader_(diffs, base_position) {}

  // True while diffs remain and none was malformed.
  bool HasNext() const { return reader_.ok() && reader_.remaining() > 0; }
  // Reads the next diff into *out. False at the end, or when the diff is
  // malformed (an operation code past kRemove, a length past the end): then
  // status() says why (Corruption, BinlogEventCorrupt).
  bool Next(JsonDiff* out);
  const Status& status() const { return reader_.status(); }

 private:
  EventReader reader_;
};

// Reads a partial JSON value of `column` at r's position into *out: the
// column's length prefix (pack_length bytes, 4 for JSON), then that many
// bytes of diffs, whose structure is checked. Sets out->kind = kJsonDiff and
// out->bytes to the diffs. Failures fail `r`.
void DecodeJsonDiffValue(const ColumnInfo& column, EventReader& r, Value* out);

// Appends the update as mysqlbinlog -v prints it, on one line: the functions
// nested in the order the diffs apply, consecutive diffs of the same function
// merged into one call, e.g.
//   JSON_REMOVE(JSON_REPLACE(`doc`, '$.day', 'monday'), '$.color')
// `column` is the text used for the column (mysqlbinlog writes @N). Values
// print as mysqlbinlog does: null, booleans and numbers bare; strings,
// temporal and other opaque values single-quoted; objects and arrays as
// CAST('<json text>' AS JSON). Quoted text escapes ', \ and control bytes
// (\n, \t, \r, \0, \xNN) so the line stays one line. Corruption when a value
// is malformed binary JSON or the diffs are malformed; *out may then hold
// part of the text.
[[nodiscard]] Status AppendJsonDiffText(std::span<const uint8_t> diffs, std::string_view column, std::string* out);

// The column reference AppendJsonDiffText is given for column `index`
// (0-based) of `map`: its name in backticks when known, else mysqlbinlog's
// @N (1-based).
std::string JsonDiffColumnReference(const TableMap& map, size_t index);

}  // namespace dm::binlog
