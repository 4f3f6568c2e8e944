// Column types as they appear in TABLE_MAP events (MySQL's enum_field_types)
// and the per-column metadata that tells how each value is stored in row
// images. Metadata table: docs/formats/binlog_events.md#column-metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "binlog/event_reader.h"

namespace dm::binlog {

enum class ColumnType : uint8_t {
  kDecimal = 0,  // pre-5.0 DECIMAL; never in row events of supported servers
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,  // MySQL 8 internal (multi-valued index); never in row events
  kVector = 242,     // MySQL 9
  kJson = 245,       // MySQL binary JSON (MariaDB's JSON is a LONGTEXT: kBlob)
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

// "LONG", "VARCHAR", ...: MySQL's MYSQL_TYPE_ suffix; "TYPE_<n>" for others.
std::string_view ColumnTypeName(ColumnType type);

// How one column's values are stored, from the TABLE_MAP type byte and its
// metadata bytes. Fields not relevant to a type stay 0.
struct ColumnMeta {
  ColumnType type = ColumnType::kNull;       // the type byte of TABLE_MAP
  ColumnType real_type = ColumnType::kNull;  // STRING's real type (STRING, ENUM, SET); else == type
  uint32_t max_length = 0;   // VARCHAR/VAR_STRING/STRING: max bytes (length prefix 1 byte if < 256)
  uint8_t pack_length = 0;   // BLOB/JSON/GEOMETRY: length-prefix bytes; ENUM/SET: value bytes;
                             // FLOAT/DOUBLE: 4/8
  uint8_t precision = 0;     // NEWDECIMAL
  uint8_t scale = 0;         // NEWDECIMAL
  uint8_t fsp = 0;           // TIME2/DATETIME2/TIMESTAMP2: fractional digits 0-6
  uint16_t bits = 0;         // BIT: width in bits, 1-64
};

// True for the types ReadColumnMeta and DecodeValue handle; the others
// (pre-5.0 DECIMAL, TYPED_ARRAY, VECTOR, codes no server defines) cannot be
// decoded, or even skipped, since their value sizes are unknown.
bool IsSupportedColumnType(ColumnType type);

// Reads the metadata bytes of one column of type `type` from `r` (the
// TABLE_MAP metadata block) and validates them: unsupported types and
// impossible metadata fail the reader (Corruption).
ColumnMeta ReadColumnMeta(ColumnType type, EventReader& r);

// Numeric columns, as the SIGNEDNESS optional metadata counts them. MariaDB
// counts YEAR as numeric (it is an unsigned integer field there); MySQL does
// not (observed in the fixtures, see docs).
bool IsNumericColumn(const ColumnMeta& meta, bool mariadb);
// Character columns as DEFAULT_CHARSET/COLUMN_CHARSET count them: CHAR,
// VARCHAR and BLOB/TEXT, not ENUM/SET; GEOMETRY (a BLOB subclass) only for
// MariaDB. MySQL 8.0 leaves GEOMETRY out (observed in the go-mysql fixture
// tests/data/binlog/mysql/go_mysql_table_map_full_metadata.hex: 12 collations
// for the 12 CHAR/BLOB columns of a table with 8 GEOMETRY columns).
bool IsCharacterColumn(const ColumnMeta& meta, bool mariadb);
// ENUM and SET, as ENUM_AND_SET_*_CHARSET count them.
bool IsEnumOrSetColumn(const ColumnMeta& meta);

}  // namespace dm::binlog
