// What dm-diff knows about one table: its columns (from
// information_schema), the key it chunks by, and for every column the SQL
// that reads its value byte-exactly.
//
// Exactness: sessions run with character_set_results=binary, so strings,
// BLOB, JSON, GEOMETRY, ENUM/SET arrive as the stored bytes (no charset
// conversion); integers, DECIMAL, temporal types and DOUBLE arrive as text
// that is exact for them (DOUBLE is printed shortest-round-trip, TIMESTAMP in
// the session's '+00:00'); FLOAT is widened to DOUBLE first, because the
// server prints FLOAT with 6 digits; BIT is read as its unsigned value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "diff/names.h"
#include "mysql/connection.h"

namespace dm::diff {

// How a column's value is shown in a report.
enum class ValueKind {
  kText,   // exact ASCII text (numbers, temporal types)
  kBytes,  // raw stored bytes (strings, binary, BLOB, JSON, GEOMETRY, ...)
};

struct ColumnMeta {
  std::string name;
  std::string data_type;    // information_schema DATA_TYPE, lower case ("varchar")
  std::string column_type;  // COLUMN_TYPE ("int(10) unsigned", "enum('a','b')")
  std::string charset;      // "" for non-string columns
  std::string collation;
  bool nullable = true;
  // True when this side has no such column and reads a literal instead (a
  // route's extract column, which only the target has); see ConstantColumn.
  bool constant = false;

  ValueKind kind = ValueKind::kBytes;
  std::string select_expr;    // exact value, as selected
  std::string checksum_expr;  // the same value for row checksums (NULL stays NULL)
};

struct TableMeta {
  TableName name;
  std::vector<ColumnMeta> columns;
  // Indexes into `columns` of the key that orders and chunks the table: the
  // primary key, else the smallest NOT NULL unique key whose columns have
  // types with a literal form (integers, DECIMAL, temporal, [VAR]CHAR,
  // [VAR]BINARY). Empty: compared as a multiset of rows.
  std::vector<size_t> key;
  std::string key_name;
};

// Loads the table's metadata; nullopt when the table does not exist.
Result<std::optional<TableMeta>> LoadTableMeta(mysql::Connection& conn, const TableName& name);

// Base tables of every non-system schema on the server.
Result<std::vector<TableName>> ListTables(mysql::Connection& conn);

// Differences between the column lists (names, order, COLUMN_TYPE, charset,
// collation) of a source table and the target table, one sentence each;
// empty when they agree. `source_label` names the source in the sentences.
std::vector<std::string> CompareStructure(const TableMeta& source, const TableMeta& target,
                                          std::string_view source_label);

// SQL literal for key column `column` holding `value` (as read with
// select_expr), compared under the column's own collation, so chunk bounds
// select the same rows on every side.
std::string KeyLiteral(const ColumnMeta& column, std::string_view value);

// Whether `data_type` can be part of a chunking key.
bool IsKeyableType(std::string_view data_type);

// Fills kind, select_expr and checksum_expr from name and data_type.
void DeriveExpressions(ColumnMeta* column);

// Target column `column` as read from a source table that lacks it: every
// row holds `value` there (DM's extract-table/schema/source value, which DM
// writes as a string). The literal is KeyLiteral(column, value), so it reads,
// checksums and compares (as a key) as the target column does.
ColumnMeta ConstantColumn(const ColumnMeta& column, std::string_view value);

}  // namespace dm::diff
