// TABLE_MAP_EVENT: binds a table id to a table and describes how each column
// is stored in the rows events that follow, plus (binlog_row_metadata=MINIMAL
// or FULL) optional metadata: signedness, charsets, names, ENUM/SET members,
// geometry types, primary key. Field table:
// docs/formats/binlog_events.md#table_map_event.
//
// Without optional metadata the binlog does not say whether an INT is
// unsigned, which charset a VARCHAR uses or what an ENUM's members are; the
// caller (the schema tracker) supplies that with ApplySchema. What optional
// metadata states always wins over the given schema, because it describes the
// table exactly as the server wrote these rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "binlog/column_type.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "common/status.h"

namespace dm::binlog {

// Optional metadata field types (TLV type byte).
enum class OptionalMetadataType : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
};

// The caller's knowledge of one column, in table order.
struct ColumnSchema {
  std::string name;
  bool is_unsigned = false;
  uint32_t charset = 0;               // collation id (63 = binary); 0 = unknown
  std::vector<std::string> elements;  // ENUM/SET members in definition order
};
struct TableSchema {
  std::vector<ColumnSchema> columns;
};

// One column of a mapped table: storage from TABLE_MAP, the rest resolved from
// optional metadata, else from ApplySchema, else defaults (signed, charset 0,
// no name, no members).
struct ColumnInfo {
  ColumnMeta meta;
  bool nullable = true;
  bool is_unsigned = false;
  uint32_t charset = 0;
  std::string name;
  std::vector<std::string> elements;
  std::optional<uint32_t> geometry_type;  // 0 GEOMETRY, 1 POINT, 2 LINESTRING, ...
  bool visible = true;                    // MySQL invisible columns are still logged
};

struct PrimaryKeyPart {
  uint32_t column = 0;
  uint32_t prefix_length = 0;  // 0: the whole column
  friend bool operator==(const PrimaryKeyPart&, const PrimaryKeyPart&) = default;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string schema;
  std::string table;
  std::vector<ColumnInfo> columns;
  std::vector<PrimaryKeyPart> primary_key;  // from optional metadata; empty if unknown
  uint32_t optional_fields = 0;             // bit (1 << type) per optional field present
  bool mariadb = false;                     // written by MariaDB (flavor rules differ)

  bool Has(OptionalMetadataType type) const {
    return (optional_fields & (uint32_t{1} << static_cast<uint8_t>(type))) != 0;
  }
};

// Decodes a TABLE_MAP_EVENT, including every optional metadata field dm
// knows; unknown optional fields are skipped by their length. The result owns
// its strings (it outlives the event: rows events refer to it by table id).
Result<TableMap> DecodeTableMap(const RawEvent& event, const FormatDescription& format);

// Fills signedness, charsets, names and ENUM/SET members that *map's optional
// metadata did not state, from `schema`. FailedPrecondition
// (BinlogSchemaMismatch) when the column counts differ: the tracked schema is
// not the one the server wrote the rows with.
Status ApplySchema(const TableSchema& schema, TableMap* map);

// The TABLE_MAPs in force, by table id. A server repeats the same TABLE_MAP
// before every transaction on a table; the cache decodes it only when its
// bytes differ from the cached one, so steady-state replication neither
// re-decodes nor allocates for it. Not thread-safe.
class TableMapCache {
 public:
  // At most this many table ids are kept; past it the cache starts over
  // (MySQL hands out new table ids after FLUSH TABLES, so ids can pile up).
  static constexpr size_t kMaxTables = 10000;

  // Returns the map for TABLE_MAP `event` and sets *fresh to true when it was
  // decoded anew (the caller then applies its schema with ApplySchema, on the
  // returned map) or false when the cached map was reused. The pointer stays
  // valid until the next Update() or Clear().
  Result<TableMap*> Update(const RawEvent& event, const FormatDescription& format, bool* fresh);
  // The map of `table_id`, or nullptr.
  const TableMap* Find(uint64_t table_id) const;
  void Clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::vector<uint8_t> body;  // the event bytes between header and checksum
    TableMap map;
  };
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace dm::binlog
