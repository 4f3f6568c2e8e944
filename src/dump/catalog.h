// What the dump knows about the upstream objects it dumps: the selected
// schemas, tables and views from information_schema (block-allow list
// applied, system schemas excluded), their columns and a chunking key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "dump/sql_format.h"
#include "filter/block_allow_list.h"
#include "mysql/connection.h"

namespace dm::dump {

struct DumpColumn {
  std::string name;
  std::string data_type;  // information_schema DATA_TYPE, lower case
  ValueEncoding encoding = ValueEncoding::kString;
};

enum class ObjectKind : uint8_t { kTable, kView, kSequence };

struct TableInfo {
  std::string schema;
  std::string name;
  ObjectKind kind = ObjectKind::kTable;
  std::string engine;          // "" for views
  bool transactional = true;   // InnoDB (or another MVCC engine)
  uint64_t estimated_rows = 0;  // TABLE_ROWS (an estimate for InnoDB)
  uint64_t avg_row_length = 0;
  // Columns written to data files, in table order; generated columns are
  // left out (the server computes them again on load).
  std::vector<DumpColumn> columns;
  // The integer column chunks are cut on: the first column of the primary
  // key, or of a unique key whose columns are all NOT NULL. Empty: the
  // table is dumped in one streamed query.
  std::string chunk_column;
};

struct Catalog {
  std::vector<std::string> schemas;  // to create, sorted
  std::vector<TableInfo> tables;     // tables, sequences and views, sorted by (schema, name)
};

// Reads the catalog over `conn` (a session with binary results). A schema is
// listed when it holds a selected object, or when it passes the list at
// schema level and the list has no do-tables.
Result<Catalog> LoadCatalog(mysql::Connection& conn, const filter::BlockAllowList& filter);

// True for integer DATA_TYPEs usable as a chunk key.
bool IsIntegerType(std::string_view data_type);

}  // namespace dm::dump
