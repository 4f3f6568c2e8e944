// Values of row images: one Value per column, decoded from the bytes of a
// rows event by the column's TABLE_MAP storage (ColumnMeta) and resolved
// signedness. Storage formats: docs/formats/binlog_events.md#row-values.
//
// A Value is a small typed scalar plus, for strings, DECIMAL, JSON and
// GEOMETRY, a view into the event buffer: decoding never allocates, so the
// hot path costs no allocation per row. A Value is valid while the bytes of
// the rows event it came from are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/event_reader.h"
#include "binlog/table_map.h"

namespace dm::binlog {

enum class ValueKind : uint8_t {
  kAbsent,     // the column is not in this row image (binlog_row_image=MINIMAL/NOBLOB)
  kNull,
  kInt,        // signed integer types: int_value
  kUInt,       // unsigned integer types: uint_value
  kFloat,      // float_value, exact bits
  kDouble,     // double_value, exact bits
  kDecimal,    // bytes: binary DECIMAL(column precision, scale); see decimal.h
  kBit,        // uint_value, the column's width in bits
  kYear,       // uint_value: 0 or 1901-2155
  kDate,       // temporal: year, month, day (zero date allowed)
  kTime,       // temporal: negative, hour (0-838), minute, second, micros
  kDateTime,   // temporal: all date and time fields (zero date allowed)
  kTimestamp,  // uint_value: seconds since the epoch (0: zero timestamp); temporal.micros
  kEnum,       // uint_value: 1-based member index, 0 for the '' error value
  kSet,        // uint_value: bit i set = member i+1 present
  kString,     // bytes: CHAR, VARCHAR, TEXT, BLOB, BINARY; charset from the column
  kJson,       // bytes: MySQL binary JSON (MariaDB's JSON arrives as kString)
  kGeometry,   // bytes: 4-byte little-endian SRID, then WKB
  kJsonDiff,   // bytes: the diff list of a MySQL partial JSON update (json_diff.h), after images of
               // PARTIAL_UPDATE_ROWS only
};
std::string_view ValueKindName(ValueKind kind);

struct Temporal {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint32_t hour = 0;  // TIME reaches 838
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micros = 0;
  bool negative = false;  // TIME only
};

struct Value {
  ValueKind kind = ValueKind::kAbsent;
  uint8_t fsp = 0;  // fractional digits of TIME2/DATETIME2/TIMESTAMP2 columns
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  float float_value = 0;
  double double_value = 0;
  Temporal temporal;
  std::string_view bytes;

  bool is_null() const { return kind == ValueKind::kNull; }
  bool is_absent() const { return kind == ValueKind::kAbsent; }
};

// Decodes the (non-NULL) value of `column` at r's position into *out. A
// failure (truncation, impossible DECIMAL digits or time fields, unsupported
// type) fails `r`, which the caller checks after the row.
void DecodeValue(const ColumnInfo& column, EventReader& r, Value* out);

// Servers strip trailing 0x00 bytes of BINARY(n) values (CHAR with the
// binary charset, which MariaDB's INET4, INET6 and UUID are too) from row
// images. Returns how many zero bytes follow value.bytes in the real value:
// the column's byte length minus the stored length for such columns, else 0.
// Needs the column's charset (63), known from FULL optional metadata or the
// schema given to ApplySchema.
size_t BinaryZeroPadding(const Value& value, const ColumnInfo& column);

// Appends `value` as text the way a SELECT shows it (time_zone '+00:00'):
// integers and exact decimals, FLOAT/DOUBLE with round-trip digits, temporal
// values with the column's fractional digits, ENUM/SET by member names when
// known (else by number), BIT as its number, string and binary bytes
// unchanged (BINARY(n) re-padded with its zero bytes), "NULL" for NULL and "(absent)" for a column not in the image.
// JSON values and JSON diffs are appended in their binary form (see
// mysql_json.h and json_diff.h for their text).
void AppendValueText(const Value& value, const ColumnInfo& column, std::string* out);

}  // namespace dm::binlog
