// The outcome of comparing one target table with its sources, and how it is
// printed. Row values are printed only for rows that differ.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "diff/names.h"
#include "diff/table_meta.h"
#include "mysql/connection.h"

namespace dm::diff {

enum class DiffKind {
  kMissingTable,   // sources have the table, the target does not
  kExtraTable,     // the target has a selected table no source maps to
  kStructure,      // column lists differ (rows are then not compared)
  kMissingRow,     // a source row is not in the target
  kExtraRow,       // a target row is in no source
  kColumnsDiffer,  // same key, different values
};

// "missing-table", "extra-table", "structure", "missing-row", "extra-row",
// "columns-differ".
std::string_view DiffKindName(DiffKind kind);

struct Difference {
  DiffKind kind;
  std::string key;     // "(`id`=17)"; all columns for keyless tables; "" for table-level kinds
  std::string detail;  // which side has what
};

struct TableReport {
  TableName target;
  std::vector<std::string> sources;  // "127.0.0.1:3306 `db`.`t`", one per source table
  bool keyless = false;              // compared as a multiset of rows
  std::string key_name;              // index that chunked the table
  uint64_t rows_compared = 0;        // target rows checked
  uint64_t chunks = 0;
  std::vector<Difference> differences;  // at most the configured maximum, first first
  bool truncated = false;               // more differences exist than were kept
  Status error;                         // the comparison could not finish

  bool equal() const { return error.ok() && differences.empty(); }
};

// Shows a value for a report: NULL, exact text, 'printable UTF-8', or X'..'
// for other bytes; long values are cut at `max_bytes` with the length noted.
std::string FormatValue(const ColumnMeta& column, const mysql::Value& value, size_t max_bytes = 64);

// "(`a`=1, `b`='x')" for the given column indexes of `row`.
std::string FormatKey(const TableMeta& meta, const std::vector<size_t>& columns, const mysql::Row& row);

// The lines printed for one table: "[OK] ..." or "[DIFF] ..." lines, or
// "[ERROR] ...". Each ends with '\n'.
std::string FormatTableReport(const TableReport& report);

}  // namespace dm::diff
