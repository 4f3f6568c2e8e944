// How each column's value is read from the upstream and written as an SQL
// literal in a data file, so that replaying the file under
// `SET NAMES binary` stores the same bytes (docs/formats/dump_layout.md,
// "Value encodings"). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dm::dump {

enum class ValueEncoding : uint8_t {
  kNumber,  // integers, DECIMAL, YEAR, FLOAT/DOUBLE (read as CAST(.. AS DOUBLE)): bare text
  kString,  // character data, temporal types, ENUM/SET, JSON, INET/UUID: '...' with backslash escapes
  kBinary,  // binary-charset strings, BLOB, GEOMETRY (internal SRID+WKB): X'..'
  kBit,     // BIT: b'..' from the big-endian bytes the server sends
  // INET4/INET6/UUID: _utf8mb4'...'. Under SET NAMES binary a plain literal
  // is a binary string, which these types read as their 4/16-byte binary
  // form; the introducer makes the server parse the text form.
  kTypedText,
};

// The encoding of an information_schema.COLUMNS row: DATA_TYPE (any case)
// and CHARACTER_SET_NAME ("" when NULL).
ValueEncoding EncodingFor(std::string_view data_type, std::string_view charset);

// The SELECT expression reading column `quoted_name` exactly: FLOAT and
// DOUBLE are widened with CAST(.. AS DOUBLE) because the server prints
// FLOAT with 6 significant digits; DOUBLE text is shortest round-trip.
std::string SelectExpression(std::string_view quoted_name, std::string_view data_type);

// Appends the literal for `value` (nullopt = NULL) to *out. Strings are
// escaped as mysql_real_escape_string does (\0 \n \r \\ \' \" \Z), so files
// must be replayed without NO_BACKSLASH_ESCAPES.
void AppendValue(ValueEncoding encoding, std::optional<std::string_view> value, std::string* out);

}  // namespace dm::dump
