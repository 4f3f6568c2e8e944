// The syncer's DML builder: turns decoded row images (binlog::RowsReader)
// into INSERT/UPDATE/DELETE text for the target, in safe mode REPLACE and
// DELETE+REPLACE (DESIGN.md §3), and computes the
// causality keys that decide which target connection a row change goes to.
//
// Statements are plain SQL text with literals inlined (not prepared
// statements): one round trip per batch, and the text can be logged and
// replayed by hand. Every literal is exact for a target session with
// SET NAMES binary, time_zone='+00:00' and a sql_mode without
// NO_BACKSLASH_ESCAPES, which is how the syncer opens its target sessions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "binlog/row_value.h"
#include "binlog/table_map.h"
#include "common/status.h"
#include "sync/table_schema.h"

namespace dm::sync {

// Appends `value` of `column` to *out as a SQL literal:
//   integers, DECIMAL          digits ("-12.50")
//   FLOAT, DOUBLE              the shortest text that reads back as the same
//                              double, in exponent form ("1.0000000149011612e-01"):
//                              a FLOAT is widened to double first, so the
//                              literal is the float's exact value; storing it
//                              into a FLOAT gives the same bits, and
//                              `float_col = literal` matches (the server
//                              compares FLOAT with a double constant as double;
//                              the shortest float text, "0.1", would not: both
//                              checked on MariaDB by dml_integration_test.cc).
//                              The exponent keeps it a double literal (a plain
//                              "0.1" is DECIMAL, and 1e308 would not fit one).
//   DATE, TIME, DATETIME,      quoted text with the column's fractional digits;
//   TIMESTAMP                  zero dates kept; TIMESTAMP from epoch seconds in
//                              UTC, 0 → '0000-00-00 00:00:00'
//   YEAR                       number, 0 as 0000 (a numeric 0 stores as 0000,
//                              a string '0' would be 2000)
//   BIT                        its unsigned number
//   ENUM, SET                  the index / bitmask as a number: exact whatever
//                              the members' charset and the session's
//   fixed BINARY(n)            X'..' of the full value, its stripped trailing
//                              zeros restored; covers MariaDB's INET4, INET6
//                              and UUID, which the binlog shows as BINARY(n)
//                              and which take a binary string of their full
//                              size as their binary form
//   other strings              quoted bytes escaped as mysql_real_escape_string
//                              (\0 \n \r \\ \' \" \Z)
//   JSON (MySQL binary)        its text (AppendValueTextWithJson), quoted; right
//                              for INSERT/SET and for a MariaDB target's WHERE
//                              (JSON is text there); a MySQL target compares a
//                              JSON column with a quoted string as a JSON
//                              string, so an all-columns WHERE over MySQL JSON
//                              would need CAST(.. AS JSON) (not done yet)
//   GEOMETRY                   X'..' of the internal form (SRID + WKB)
//   NULL                       NULL
// InvalidArgument for kAbsent and kJsonDiff (the caller handles partial
// images) and for non-finite FLOAT/DOUBLE (no column holds one); Corruption
// for a malformed binary JSON. On error *out may hold a partial literal.
// Allocation-free when *out has capacity, except for JSON (a thread-local
// scratch buffer that is reused).
[[nodiscard]] Status AppendSqlLiteral(const binlog::Value& value, const binlog::ColumnInfo& column,
                                      std::string* out);

// The statement pieces the DML workers merge row changes of one target table
// with (`multiple-rows` and `compact`, dml_worker.h). Shared by the jobs of a
// table version and the workers; immutable.
struct MergeForm {
  std::string target;          // "`db`.`t`"
  std::string insert_prefix;   // "INSERT INTO t (cols) VALUES "
  std::string replace_prefix;  // "REPLACE INTO t (cols) VALUES " (safe mode)
  // The rest apply when `keyed`: the table's handle key (primary key, else a
  // NOT NULL unique key) is its only unique key, so a row image collides
  // with another only on it and merged statements touch each key alone.
  bool keyed = false;
  // " ON DUPLICATE KEY UPDATE `c`=VALUES(`c`),..." over every written column
  // outside the key: with insert_prefix, rows that replace whole row images.
  std::string upsert_suffix;
  // "DELETE FROM t WHERE `k` IN (" for a one-column key, joined with ',' and
  // closed with ')'; "DELETE FROM t WHERE (" for a wider key, whose
  // conditions ("`a`=1 AND `b`=2") are joined with ") OR (" and closed with ')'.
  std::string delete_prefix;
  bool one_column_key = false;
  // The key's literals are equal exactly when the server finds the key
  // values equal (integers, DECIMAL, temporal types, YEAR, BIT: no
  // collation, no prefix, no -0.0), so changes of one key can be folded by
  // comparing text (compact).
  bool canonical_key = false;
};

// Per (tracked table, target table) precomputed pieces of the statements,
// built once per table version (a new TableDml after every DDL or new
// TABLE_MAP layout). Immutable after Make: const methods are thread-safe.
class TableDml {
 public:
  // `target` is the quoted "`db`.`tbl`" the statements write to. Uses
  // table.columns (generated columns are never written: they are skipped in
  // INSERT column lists and SET lists and in the all-columns WHERE) and
  // table.HandleKey() for WHERE; `map` gives the binlog ColumnInfo per column
  // (copied: the result does not refer to `table` or `map`).
  // FailedPrecondition (BinlogSchemaMismatch) naming the table when the
  // column counts differ, or a key names a column that does not exist.
  [[nodiscard]] static Result<TableDml> Make(const TrackedTable& table, const binlog::TableMap& map,
                                             std::string target);

  // Statements for one row change; values as RowsReader decodes them, one per
  // column. Each statement is appended to *out as its own element, without
  // ';'. On error nothing is appended.
  //   Insert: "INSERT INTO t (cols) VALUES (...)"; safe mode "REPLACE INTO ...".
  //   Update: "UPDATE t SET c1=v1,... WHERE <key> LIMIT 1"; safe mode
  //           "DELETE FROM t WHERE <old key> LIMIT 1" then "REPLACE INTO t ..."
  //           with the new image (two statements: correct when the key changes
  //           and when the row is missing or already updated).
  //   Delete: "DELETE FROM t WHERE <key> LIMIT 1".
  // WHERE uses the handle key's columns of the old image (`c` = v, or `c` IS
  // NULL), else every non-generated column (tables without a primary key or
  // not-null unique key; LIMIT 1 then removes one of identical rows, as DM).
  // REQUIRES: spans hold one value per column. kAbsent values (MINIMAL/NOBLOB
  // images) in a needed column are InvalidArgument naming the column.
  [[nodiscard]] Status Insert(std::span<const binlog::Value> after, bool safe_mode,
                              std::vector<std::string>* out) const;
  [[nodiscard]] Status Update(std::span<const binlog::Value> before, std::span<const binlog::Value> after,
                              bool safe_mode, std::vector<std::string>* out) const;
  [[nodiscard]] Status Delete(std::span<const binlog::Value> before, std::vector<std::string>* out) const;

  // multiple-rows: appends the VALUES tuple "(v1,v2)" of one insert, for
  // merging consecutive inserts into one statement that starts with
  // InsertPrefix(safe_mode) and joins the tuples with ','. On error *out may
  // hold a partial tuple: the caller truncates it to its size before the call.
  [[nodiscard]] Status InsertTuple(std::span<const binlog::Value> after, std::string* out) const;
  // "INSERT INTO t (cols) VALUES " or, safe mode, "REPLACE INTO t (cols) VALUES ".
  const std::string& InsertPrefix(bool safe_mode) const {
    return safe_mode ? merge_->replace_prefix : merge_->insert_prefix;
  }

  // The merge pieces of this table (never null).
  const std::shared_ptr<const MergeForm>& merge_form() const { return merge_; }
  // Appends the handle key of `row` as MergeForm uses it: the literal of a
  // one-column key, else "`a`=1 AND `b`=2". REQUIRES: merge_form()->keyed.
  // Equal text means equal key bytes, so comparing the old and new image's
  // text tells whether an update keeps its key. InvalidArgument for an
  // absent or NULL key value.
  [[nodiscard]] Status MergeKey(std::span<const binlog::Value> row, std::string* out) const;

  // Causality keys of a row image, appended to *out: one 64-bit hash per
  // unique key (the primary key and every unique key whose values are all
  // non-NULL in this image), mixing the target table and key name with the
  // key's values; when no unique key applies (the table has none, or each
  // holds a NULL or absent value in this image), one hash of all
  // non-generated column values: such rows are matched on every column. Rows that share a key value share a hash
  // (also across the before and after images of an update). Values a unique
  // key treats as equal hash alike where that is cheap to know: -0.0 and 0.0,
  // and for non-binary strings ASCII letter case and trailing spaces (PAD
  // SPACE collations); other collation equivalences (non-ASCII case, accents)
  // are not folded. kAbsent values hash as their own kind.
  // REQUIRES: row holds one value per column.
  void CausalityKeys(std::span<const binlog::Value> row, std::vector<uint64_t>* out) const;

  // True when the table has several unique keys (the primary key counts).
  // Its changes then go to one worker as a whole, keyed by table_key():
  // per-key hashes of one row would mostly point at different workers, and
  // each such change would have to run alone with every worker drained.
  bool routes_by_table() const { return unique_keys_.size() > 1; }
  // A causality key of the target table itself.
  uint64_t table_key() const { return table_key_; }

  const std::string& target() const { return target_; }
  // The binlog column facts, one per column.
  const std::vector<binlog::ColumnInfo>& columns() const { return columns_; }

 private:
  struct Assignment {
    size_t column;
    std::string lhs;  // "`c`=" (SET) or "`c`" (WHERE)
  };
  struct UniqueKey {
    uint64_t seed;  // hash of target and key name
    std::vector<size_t> columns;
  };

  TableDml() = default;

  Status AppendWhere(std::span<const binlog::Value> before, std::string* out) const;
  Status AppendInsert(std::span<const binlog::Value> after, bool safe_mode, std::string* out) const;
  Status CheckSize(std::span<const binlog::Value> row, const char* image) const;

  std::string target_;
  std::vector<binlog::ColumnInfo> columns_;
  std::vector<std::string> names_;   // quoted column names, for error messages too
  std::vector<size_t> written_;      // non-generated columns, in table order
  std::vector<Assignment> set_;      // one per written column
  std::vector<Assignment> where_;    // handle key columns, else written columns
  std::vector<UniqueKey> unique_keys_;
  uint64_t all_columns_seed_ = 0;    // hash seed when there is no unique key
  uint64_t table_key_ = 0;
  std::shared_ptr<const MergeForm> merge_;
  std::string update_prefix_;  // "UPDATE t SET "
  std::string delete_prefix_;  // "DELETE FROM t WHERE "
  size_t row_estimate_ = 0;    // bytes reserved per statement beyond its prefix
};

}  // namespace dm::sync
