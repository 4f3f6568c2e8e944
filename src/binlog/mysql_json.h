// MySQL binary JSON (the storage of JSON columns in MySQL 5.7/8.0 row images)
// to the text MySQL itself prints for the value (SELECT, JSON_EXTRACT,
// mysqlbinlog -v): `{"a": 1, "b": [true, null]}` with ", " and ": "
// separators, members in stored order, strings escaped as MySQL does, doubles
// in MySQL's shortest form with ".0" on integral values, DECIMAL and temporal
// values held as opaque data in their SQL text, other opaque data as
// "base64:typeN:...". Format and printing rules:
// docs/formats/binlog_events.md#mysql-binary-json.
//
// MariaDB stores JSON as text (a LONGTEXT column), so its values never come
// here: only kJson row values (column type 245, which only MySQL writes) do.
//
// Untrusted input: every offset and length is checked against the value's
// bytes, nesting deeper than kMySqlJsonMaxDepth containers is refused (as
// MySQL refuses documents deeper than JSON_DOCUMENT_MAX_DEPTH), and the text
// is limited to kMySqlJsonMaxExpansion times the binary size plus a constant,
// so entries that share or overlap their values cannot blow the output up.
// Thread-compatible pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "binlog/row_value.h"
#include "common/status.h"

namespace dm::binlog {

// MySQL's JSON_DOCUMENT_MAX_DEPTH: arrays and objects nested this deep are
// printed, one level more is Corruption.
inline constexpr int kMySqlJsonMaxDepth = 100;
// The text of a well-formed document is at most about 6 times its binary size
// (control characters print as \u00XX); 8x plus 256 bytes leaves room.
inline constexpr size_t kMySqlJsonMaxExpansion = 8;

// Appends the text of the binary JSON document `binary` to *out. An empty
// document is the JSON null literal (MySQL writes one for NULL inserted into
// a NOT NULL column in non-strict mode and reads it as null). On failure
// *out is left as it was and the status is Corruption (BinlogEventCorrupt)
// naming what is wrong and its offset inside the document.
[[nodiscard]] Status AppendMySqlJsonText(std::span<const uint8_t> binary, std::string* out);

// The same, returning the text.
[[nodiscard]] Result<std::string> MySqlJsonToText(std::span<const uint8_t> binary);

// For row values: appends the text of a kJson `value` (MySQL binary JSON) to
// *out; for any other kind, AppendValueText(value, column, out) and OK. This
// is the call consumers of MySQL rows use where they would use
// AppendValueText, which leaves JSON values in their binary form.
[[nodiscard]] Status AppendValueTextWithJson(const Value& value, const ColumnInfo& column, std::string* out);

// MySQL's text of a double inside JSON (my_gcvt with its field width, then
// ".0" when neither '.' nor 'e' appears): 1.0, 0.1, -2.5e-20, 1e16. Exposed
// for tests. REQUIRES: std::isfinite(d).
void AppendMySqlJsonDouble(double d, std::string* out);

}  // namespace dm::binlog
