// Classification and rewriting of the statements found in dump files.
//
// Only the head of a statement is parsed (keywords and the object name); the
// rest (column definitions, VALUES rows) is carried over byte for byte, so
// binary data is never touched. Versioned comments (/*!40101 SET ...*/) are
// looked through, as the server runs their content.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dm::load {

enum class StatementKind : uint8_t {
  kEmpty,           // only comments
  kSet,             // SET ... (session state: character set, time zone, FK checks)
  kInsert,          // INSERT [IGNORE] [INTO] name ...
  kReplace,         // REPLACE [INTO] name ...
  kCreateDatabase,  // CREATE DATABASE|SCHEMA [IF NOT EXISTS] name ...
  kCreateTable,     // CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name ...
  kCreateSequence,  // CREATE [OR REPLACE] SEQUENCE [IF NOT EXISTS] name ... (MariaDB)
  kCreateView,      // CREATE ... VIEW name ...
  kDrop,            // DROP TABLE|VIEW ...
  kOther,
};

// What ParseStatementHead found. Byte ranges index the statement text.
struct StatementHead {
  StatementKind kind = StatementKind::kOther;
  bool ignore = false;  // INSERT IGNORE
  // For kInsert/kReplace/kCreate*: [name_begin, name_end)
  // covers the whole (possibly qualified) object name; everything from
  // name_end on is the statement's body.
  size_t name_begin = 0;
  size_t name_end = 0;
  std::string schema;  // qualifier, decoded ("" when absent)
  std::string name;    // object name, decoded
};

// Parses the head of `stmt`. A statement of a known kind whose name cannot be
// read (e.g. "INSERT INTO ;") is InvalidArgument.
Result<StatementHead> ParseStatementHead(std::string_view stmt);

// How INSERTs are turned into target statements (DM's on-duplicate-logical).
enum class InsertVerb : uint8_t {
  kReplace,  // REPLACE INTO: a duplicate key overwrites the target row
  kIgnore,   // INSERT IGNORE INTO: a duplicate key keeps the target row
  kInsert,   // INSERT INTO: a duplicate key fails the load
};

// Returns `stmt` (a kInsert or kReplace statement, head from
// ParseStatementHead) with its head replaced by "<verb> INTO <target>".
// `qualified_target` must already be quoted ("`db`.`t`").
std::string RewriteInsert(std::string_view stmt, const StatementHead& head, InsertVerb verb,
                          std::string_view qualified_target);

// Extra columns every row of a statement gets (a route's extract-table,
// extract-schema and extract-source), as SQL fragments.
struct ExtraColumnsSql {
  std::string names;   // ",`c_table`,`c_source`" (each quoted, each after a comma)
  std::string values;  // ",'01','a'" (literals in the same order)
  std::string assignments;  // " SET `c_table`='01',`c_source`='a'" (for LOAD DATA)
  bool empty() const { return names.empty(); }
};

// RewriteInsert, with `extra.names` added to the column list and
// `extra.values` to every row. A statement without a column list gets
// `default_columns` ("`a`,`b`", the dump's columns in order) first.
// InvalidArgument when the rows cannot be delimited (unclosed string or
// parenthesis, no VALUES).
Result<std::string> RewriteInsertWithExtraColumns(std::string_view stmt, const StatementHead& head, InsertVerb verb,
                                                  std::string_view qualified_target, std::string_view default_columns,
                                                  const ExtraColumnsSql& extra, bool backslash_escapes);

// Returns "CREATE TABLE <target><body>" for a kCreateTable statement,
// "CREATE SEQUENCE <target><body>" for kCreateSequence, or
// "CREATE DATABASE IF NOT EXISTS <target><body>" for kCreateDatabase.
std::string RewriteCreate(std::string_view stmt, const StatementHead& head, std::string_view quoted_target);

// The column names of a CREATE TABLE statement, in order (index and
// constraint clauses skipped). InvalidArgument when there is no column list.
Result<std::vector<std::string>> ParseCreateTableColumns(std::string_view stmt);

// The character set of a `SET NAMES x [COLLATE y]` statement, lower-cased;
// nullopt for any other statement.
std::optional<std::string> SetNamesCharset(std::string_view stmt);

// True when a SET statement touches a setting the loader must not take from a
// dump file because it risks correctness on the target (sql_log_bin,
// unique_checks): such statements are skipped.
bool IsUnsafeSessionSet(std::string_view stmt);

}  // namespace dm::load
