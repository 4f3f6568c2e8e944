// What the syncer knows about one replicated upstream table at the current
// binlog position: its columns (for decoding rows events: binlog::TableSchema)
// and its keys (for WHERE clauses and causality). Produced by the schema
// tracker (schema_tracker.h), consumed by the DML builder (dml.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binlog/table_map.h"
#include "filter/table_router.h"

namespace dm::sync {

struct TrackedColumn {
  std::string name;
  std::string data_type;    // information_schema DATA_TYPE, lower case ("int", "varchar", "inet6")
  std::string column_type;  // information_schema COLUMN_TYPE ("int(10) unsigned", "enum('a','b')")
  bool nullable = true;
  bool is_unsigned = false;
  uint32_t collation_id = 0;          // 63 for binary strings, 0 for non-string columns
  std::vector<std::string> elements;  // ENUM/SET members in definition order
  bool generated = false;             // VIRTUAL/STORED generated: never written by dm
};

struct TrackedKey {
  std::string name;             // "PRIMARY" for the primary key
  bool primary = false;
  bool unique = false;          // true for the primary key too
  std::vector<size_t> columns;  // positions in TrackedTable::columns, key order
  bool all_not_null = false;    // every key column is NOT NULL
};

struct TrackedTable {
  filter::TableName name;  // upstream schema and table
  std::string create_sql;  // SHOW CREATE TABLE at the tracked position
  std::vector<TrackedColumn> columns;  // in table order (binlog column order)
  std::vector<TrackedKey> keys;        // PRIMARY first, then unique keys, then the rest

  // The key that identifies a row in WHERE clauses: the primary key, else the
  // first unique key whose columns are all NOT NULL; nullptr when there is
  // none (rows are then matched on every column, with LIMIT 1).
  const TrackedKey* HandleKey() const {
    for (const TrackedKey& k : keys) {
      if (k.primary) return &k;
    }
    for (const TrackedKey& k : keys) {
      if (k.unique && k.all_not_null) return &k;
    }
    return nullptr;
  }

  // The column facts the binlog decoder needs (ApplySchema).
  binlog::TableSchema ToBinlogSchema() const {
    binlog::TableSchema schema;
    schema.columns.reserve(columns.size());
    for (const TrackedColumn& c : columns) {
      schema.columns.push_back({c.name, c.is_unsigned, c.collation_id, c.elements});
    }
    return schema;
  }
};

}  // namespace dm::sync
