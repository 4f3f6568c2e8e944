// DDL statements of QUERY events: classification, the table names they touch,
// routing rewrite and per-table split. Design: docs/design/ddl.md.
//
// The parser reads only as much of a statement as routing needs: the
// statement kind, every table (or database) name with its byte range, and for
// ALTER TABLE the list of specifications. Everything else (column
// definitions, expressions, options) is skipped by balanced parentheses and
// kept byte for byte, so a rewritten statement differs from the original only
// in the names it replaces. As DM (pkg/parser FetchDDLTables and
// RenameDDLTable), every table name of a DDL is routed, including LIKE
// sources and FOREIGN KEY parents; an unqualified name takes the event's
// default schema.
//
// Statements that are not DDL but arrive as QUERY events (BEGIN, COMMIT, XA,
// SET, GRANT, CREATE USER, FLUSH, ANALYZE, views, routines, triggers, events)
// are classified kNotDdl so the syncer can skip them with a note; statement-
// based DML is kDml. A statement that begins like none of these is an error,
// so a DDL dm does not know is never skipped silently.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "filter/event_filter.h"
#include "filter/table_router.h"
#include "sync/sql_lexer.h"

namespace dm::sync {

using TableName = filter::TableName;

enum class StatementKind : uint8_t {
  kNotDdl,  // not a schema change: the syncer skips it with a note
  kDml,     // INSERT/UPDATE/DELETE/REPLACE/LOAD DATA written as text
  kCreateDatabase,
  kDropDatabase,
  kAlterDatabase,
  kCreateTable,
  kAlterTable,
  kDropTable,
  kRenameTable,
  kTruncateTable,
  kCreateIndex,
  kDropIndex,
};

// DM's event name of a DDL kind ("create table", "drop index"), usable with
// filter::ParseEventType; "not ddl" and "dml" for the other two.
std::string_view StatementKindName(StatementKind kind);
// The binlog event filter's type for `kind`; kNull for kNotDdl and kDml.
filter::EventType FilterEventType(StatementKind kind);

// What a name means to its statement.
enum class NameRole : uint8_t {
  kSubject,     // the table or database the statement acts on (RENAME's old name)
  kNewName,     // RENAME TABLE a TO x, ALTER TABLE a RENAME TO x
  kLikeSource,  // CREATE TABLE t LIKE x
  kReferenced,  // REFERENCES x, UNION=(x, ...), EXCHANGE PARTITION p WITH TABLE x
};

// One table or database name in a statement.
struct NameRef {
  TableName name;               // table is "" for a database; schema defaulted
  NameRole role = NameRole::kSubject;
  bool schema_written = false;  // qualified in the text (or a database name)
  // The bytes of the whole name in the statement, quotes and dot included.
  // begin == end marks a name that is not written (ALTER DATABASE without a
  // name acts on the default schema): a rewrite inserts the name there.
  size_t begin = 0;
  size_t end = 0;
};

enum class AlterSpecKind : uint8_t {
  kAddColumn,        // ADD [COLUMN] c ..., ADD [COLUMN] (c ..., d ...)
  kAddIndex,         // ADD INDEX|KEY|FULLTEXT|SPATIAL
  kAddPrimaryKey,
  kAddUniqueKey,
  kAddForeignKey,
  kAddCheck,         // ADD [CONSTRAINT [c]] CHECK (...)
  kDropColumn,
  kDropIndex,        // DROP INDEX|KEY
  kDropPrimaryKey,
  kDropForeignKey,
  kDropConstraint,   // DROP CONSTRAINT c, DROP CHECK c
  kChangeColumn,     // CHANGE [COLUMN] old new definition
  kModifyColumn,     // MODIFY [COLUMN] c definition
  kAlterColumn,      // ALTER [COLUMN] c SET DEFAULT/DROP DEFAULT/SET [IN]VISIBLE
  kAlterIndex,       // ALTER INDEX i [NOT] IGNORED/VISIBLE/INVISIBLE
  kRenameColumn,     // RENAME COLUMN old TO new
  kRenameIndex,      // RENAME INDEX|KEY old TO new
  kRenameTable,      // RENAME [TO|AS] new
  kConvertCharset,   // CONVERT TO CHARACTER SET cs [COLLATE c]
  kTableOptions,     // ENGINE=..., [DEFAULT] CHARSET=..., COMMENT=..., AUTO_INCREMENT=...
  kAlterOptions,     // ALGORITHM=..., LOCK=...
  kEnableKeys,
  kDisableKeys,
  kOrderBy,
  kForce,
  kTablespace,       // DISCARD|IMPORT TABLESPACE
  kPartition,        // PARTITION BY, ADD/DROP/... PARTITION, REMOVE PARTITIONING, ...
  kOther,            // anything else (system versioning, periods, ...): see the text
};

// "add column", "drop primary key", ...
std::string_view AlterSpecKindName(AlterSpecKind kind);

enum class ColumnPosition : uint8_t { kDefault, kFirst, kAfter };

// One specification of an ALTER TABLE, as split at top-level commas.
struct AlterSpec {
  AlterSpecKind kind = AlterSpecKind::kOther;
  // The bytes of the specification in the statement: from its first token
  // to its last, so separating commas and comments around it are left out
  // and comments inside stay. The markers of a versioned comment that opens
  // or closes outside those tokens are not included ("ADD c INT /*!50100
  // COMMENT 'x' */" gives "ADD c INT /*!50100 COMMENT 'x'").
  size_t begin = 0;
  size_t end = 0;
  // The column, index, constraint or partition named first ("" when there is
  // none or the specification names a list, e.g. ADD COLUMN (a INT, b INT)).
  std::string name;
  // CHANGE old new, RENAME COLUMN/INDEX old TO new: the new name.
  std::string new_name;
  // ADD/CHANGE/MODIFY COLUMN: FIRST or AFTER after_column.
  ColumnPosition position = ColumnPosition::kDefault;
  std::string after_column;
  bool if_exists = false;      // MariaDB: DROP COLUMN IF EXISTS, CHANGE COLUMN IF EXISTS, ...
  bool if_not_exists = false;  // MariaDB: ADD COLUMN IF NOT EXISTS, ...
};

// A parsed statement. It owns a copy of its text; all offsets index `sql`.
struct DdlStatement {
  StatementKind kind = StatementKind::kNotDdl;
  std::string sql;
  std::string default_schema;  // the QUERY event's schema
  SqlDialect dialect;
  // The leading keywords in upper case ("CREATE TABLE", "GRANT",
  // "CREATE VIEW"), for notes and logs.
  std::string keywords;

  bool temporary = false;       // CREATE/DROP TEMPORARY TABLE: the syncer ignores it (as DM)
  bool if_exists = false;       // DROP ... IF EXISTS, MariaDB ALTER TABLE IF EXISTS, ...
  bool if_not_exists = false;   // CREATE ... IF NOT EXISTS
  bool or_replace = false;      // MariaDB CREATE OR REPLACE TABLE/DATABASE/INDEX
  bool create_like = false;     // CREATE TABLE t LIKE s
  // CREATE TABLE ... [AS] SELECT / TABLE / VALUES: the tables read by the
  // query are not in `names` and are not rewritten.
  bool create_select = false;

  // Every name, in text order. Multi-table DROP lists its tables; RENAME
  // TABLE lists old, new, old, new, ...
  std::vector<NameRef> names;
  // ALTER TABLE only, in text order.
  std::vector<AlterSpec> alter_specs;

  bool IsDdl() const { return kind != StatementKind::kNotDdl && kind != StatementKind::kDml; }
  // The bytes [begin, end) of the statement. REQUIRES: begin <= end.
  std::string_view Text(size_t begin, size_t end) const { return std::string_view(sql).substr(begin, end - begin); }
};

// `sql` in double quotes for an error message; a statement over 1 KiB is
// cut there and its size given, so one huge DDL cannot flood a log line.
std::string QuoteStatementForError(std::string_view sql);

// Parses one statement of a QUERY event whose default database is
// `default_schema` (may be empty: then an unqualified table name is an
// error). A trailing `;` is ignored; MariaDB's `SET STATEMENT ... FOR stmt`
// is classified by `stmt`, the prefix staying in the text. On failure InvalidArgument tagged SyncerUnitParseStmt (or
// SyncerUnitNoDefaultSchema) whose message names the byte offset and quotes
// the statement.
Result<DdlStatement> ParseStatement(std::string_view sql, std::string_view default_schema,
                                    const SqlDialect& dialect = SqlDialect());

// Maps an upstream name to its target. `source.table` is "" for a database
// name; the result must then carry the target schema (its table is ignored).
// filter::TableRouter::Route has this shape.
using NameMapper = std::function<Result<TableName>(const TableName& source)>;

// Returns the statement with every name in `statement.names` replaced by the
// mapper's target: tables as `schema`.`table`, databases as `schema` (quoted
// with backticks, embedded backticks doubled). All other bytes are copied
// unchanged. Errors from the mapper are returned with the statement as
// context; an empty target schema or table is InvalidArgument.
Result<std::string> RewriteNames(const DdlStatement& statement, const NameMapper& mapper);

// Splits a multi-table DROP TABLE or RENAME TABLE into one statement per
// table (per old/new pair), as DM does so that each can be routed and
// filtered on its own: the text before the first name and after the last name
// is kept in each, the names (and for RENAME the bytes between old and new
// name) are those of one table. Any other statement is returned as the only
// element. Each part is parsed again; an error names the part.
Result<std::vector<DdlStatement>> SplitPerTable(const DdlStatement& statement);

}  // namespace dm::sync
