// The loader's fast path: the rows of consecutive INSERT statements of one
// data file, re-encoded as LOAD DATA input and sent with one
// `LOAD DATA LOCAL INFILE ... CHARACTER SET binary` statement.
//
// The target server parses tab-separated fields much faster than SQL
// literals (about a third less load time on sysbench tables), and the
// checkpoint keeps its meaning: a batch covers whole INSERT statements, so
// the offset committed with it is still a statement boundary of the file.
//
// Only what converts without any change of meaning is batched: plain
// literals (NULL, numbers, quoted strings, X'..' and 0x.. binary strings)
// into columns whose conversion from a string is the same as from the
// literal. A statement with anything else (BIT's b'..', GEOMETRY, INET6,
// DEFAULT, expressions, a column of another type) is not converted; the
// caller runs it as an INSERT. See docs/formats/dump_layout.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "load/statement.h"

namespace dm::load {

// How a target column takes a value in LOAD DATA input.
enum class LoadDataColumn : uint8_t {
  kUnsupported,  // not through LOAD DATA (BIT, YEAR, GEOMETRY, JSON, INET6, ...)
  kInteger,      // integer types: integer literals or strings
  kDecimal,      // DECIMAL: decimal literals (no exponent) or strings
  kFloat,        // FLOAT/DOUBLE: any numeric literal or string
  kTemporal,     // DATE, TIME, DATETIME, TIMESTAMP: strings only
  kString,       // CHAR/VARCHAR/TEXT/BINARY/BLOB types, ENUM, SET: strings and hex literals
};

// The class of a column from information_schema.COLUMNS.DATA_TYPE.
LoadDataColumn LoadDataColumnFor(std::string_view data_type);

// A target table's columns in ordinal order (generated columns as
// kUnsupported: they take no values).
struct LoadDataColumns {
  std::vector<std::string> names;
  std::vector<LoadDataColumn> classes;

  // The class of the column named `name` (case-insensitive); kUnsupported
  // for an unknown name.
  LoadDataColumn Find(std::string_view name) const;
};

// Rows of INSERT statements of one table, as LOAD DATA input
// (fields separated by tabs, rows ended by newlines, backslash escapes,
// \N for NULL).
class LoadDataBatch {
 public:
  LoadDataBatch(const LoadDataColumns* columns, bool backslash_escapes)
      : columns_(columns), backslash_escapes_(backslash_escapes) {}

  // Appends the rows of `stmt` (an INSERT or REPLACE whose head is `head`).
  // Returns false, leaving the batch as it was, when the statement cannot
  // be converted exactly or names other columns than the batch's first
  // statement.
  bool Append(std::string_view stmt, const StatementHead& head);

  // The statement that loads the batch into `qualified_target` (quoted),
  // with REPLACE or IGNORE for duplicates. REQUIRES: !empty(); verb is not
  // kInsert (LOAD DATA LOCAL cannot fail on a duplicate key).
  std::string Statement(InsertVerb verb, std::string_view qualified_target) const;

  std::string_view data() const { return data_; }
  bool empty() const { return rows_ == 0; }
  uint64_t rows() const { return rows_; }
  // Drops the rows; the column list is kept, as is the buffer's capacity.
  void Clear() {
    data_.clear();
    rows_ = 0;
  }

 private:
  // Sets `classes_` from a statement's column list ("" when it has none: all
  // columns in order), cached while the list does not change; false when a
  // column is unknown or unsupported.
  bool UseColumnList(std::string_view list);
  bool AppendRows(std::string_view values);

  const LoadDataColumns* columns_;
  bool backslash_escapes_;
  bool have_column_list_ = false;
  std::string column_list_;              // "(`a`,`b`)" as in the statements, or ""
  std::vector<LoadDataColumn> classes_;  // per value position
  std::string data_;
  uint64_t rows_ = 0;
};

}  // namespace dm::load
