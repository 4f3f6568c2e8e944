// The schema tracker: every replicated upstream table's definition at the
// current binlog position, so rows events decode against the schema they were
// written with and the DML builder knows each table's keys.
//
// Method: exact server semantics by replay. Each upstream schema S maps to one
// scratch database `<prefix>_<16 hex of FNV-1a-64(S)>` on a MySQL/MariaDB
// server (the task's target); table names are kept. A seeded CREATE TABLE or a
// replicated DDL is rewritten to the scratch names (ddl.h RewriteNames) and
// run there, and the affected tables are read back from information_schema
// (ReadTableDefinition). Only tracked tables exist in the scratch databases,
// and they never hold rows.
//
// As DM's schema tracker (pkg/schema), which replays DDL in an embedded TiDB:
// DDL on temporary tables is ignored, a DDL on a table that is not tracked is
// ignored unless it creates the table, and TRUNCATE does not change a schema.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binlog/query_event.h"
#include "common/status.h"
#include "filter/table_router.h"
#include "mysql/connection.h"
#include "sync/ddl.h"
#include "sync/table_schema.h"

namespace dm::sync {

// Not thread-safe: one syncer thread owns a tracker. Pointers returned by
// Find() and Tables() stay valid until the next non-const call.
class SchemaTracker {
 public:
  struct Options {
    // Where the scratch databases live (the task's target). The tracker's
    // session adds its own settings (see Open) to `session_variables`; a
    // variable set here wins, so the syncer can copy the upstream's
    // explicit_defaults_for_timestamp, which decides TIMESTAMP nullability.
    mysql::ConnectionOptions server;
    // Prefix of every scratch database, e.g. "_dm_tracker_<8 hex>"; at most
    // 47 bytes so that prefix + "_" + 16 hex fits MySQL's 64. It must be
    // unique per tracker on the server: Reset() drops every database named
    // `<prefix>_<16 lowercase hex>`.
    std::string scratch_prefix;
  };

  // Connects to `options.server`. The session replays upstream DDL as
  // permissively as the server allows, because the upstream has already
  // accepted every statement it logged and the tracker must accept it too:
  //   sql_mode=''              no STRICT_*/NO_ZERO_DATE/NO_ENGINE_SUBSTITUTION:
  //                            those only turn warnings into errors (zero
  //                            date defaults, an engine the target lacks);
  //                            NO_AUTO_VALUE_ON_ZERO is not needed because
  //                            scratch tables never hold rows. ApplyDdl adds
  //                            the parse-affecting bits of the statement's
  //                            own sql_mode (ANSI_QUOTES, ...).
  //   foreign_key_checks=0     parents may be untracked or in other schemas
  //   innodb_strict_mode=0     row-format/size checks become warnings
  //   SET NAMES utf8mb4        names, comments and ENUM members round-trip
  // Does not touch existing scratch databases (call Reset() at task start).
  // Errors: InvalidArgument for a bad prefix; the connection error otherwise,
  // tagged SchemaTrackerInit.
  static Result<std::unique_ptr<SchemaTracker>> Open(const Options& options);

  SchemaTracker(const SchemaTracker&) = delete;
  SchemaTracker& operator=(const SchemaTracker&) = delete;
  ~SchemaTracker();

  // Drops every scratch database with the prefix (also ones left by an
  // earlier process) and forgets everything.
  Status Reset();

  // Seeds one table from a CREATE TABLE text (the checkpoint's table_info, a
  // dump's schema file, or SHOW CREATE TABLE on the upstream): one statement,
  // utf8mb4 text. The table created is `table` whatever name the text gives;
  // other names in it (REFERENCES) are taken as upstream names. A table that
  // is tracked already is replaced. Creates the scratch database when missing,
  // with `schema_collation` when given (else the server default); when it
  // exists and `schema_collation` is given, its default collation is set to it,
  // so later CREATE TABLEs without a charset get the upstream schema's.
  // Errors: SchemaTrackerInvalidCreateTableStmt when the text is not one plain
  // CREATE TABLE (LIKE, SELECT and TEMPORARY are refused);
  // SchemaTrackerCannotCreateTable when the server rejects it.
  Status SeedTable(const filter::TableName& table, std::string_view create_sql, std::string_view schema_collation = "");

  // Seeds `table` from the upstream server: its schema's default collation
  // (information_schema.SCHEMATA, as SHOW CREATE DATABASE shows it) and SHOW
  // CREATE TABLE. NotFound when the table (or schema) does not exist there;
  // FailedPrecondition when it is a view.
  Status SeedFromUpstream(mysql::Connection& upstream, const filter::TableName& table);

  // Sets the default collation of upstream schema `schema` for tables that a
  // later CREATE TABLE creates without a charset, creating its scratch
  // database when missing. Use it when the schema's collation is known but no
  // table of it is seeded.
  Status SeedSchema(std::string_view schema, std::string_view collation);

  // Applies one DDL (parsed with ParseStatement; names are UPSTREAM names) to
  // the scratch copy and refreshes what it changed:
  //   CREATE TABLE (incl. OR REPLACE, LIKE a tracked source): tracks the table
  //     (a stale tracked copy is replaced, since the upstream's CREATE
  //     succeeded); LIKE an untracked source is ignored; CREATE ... SELECT is
  //     refused (its SELECT would read target tables).
  //   ALTER TABLE, CREATE/DROP INDEX of a tracked table: re-reads it; ALTER
  //     ... RENAME TO moves it.
  //   RENAME TABLE (split per pair, in order): moves each tracked table.
  //   DROP TABLE (split per table): forgets each tracked table.
  //   CREATE DATABASE: creates the scratch database with the statement's
  //     charset; DROP DATABASE drops it and forgets its tables; ALTER DATABASE
  //     replays on an existing scratch database.
  //   TRUNCATE, temporary tables, kNotDdl and kDml: nothing.
  // Statements on tables that are not tracked and not created by the DDL are
  // ignored (OK). The statement runs with sql_mode ANSI_QUOTES /
  // NO_BACKSLASH_ESCAPES as `ddl.dialect` says.
  // Errors name the statement and are tagged SchemaTrackerCannotExecDDL:
  // FailedPrecondition when the server rejects it (the tracked schema differs
  // from the upstream's), Unavailable/Aborted when retrying may help. After an
  // Unavailable error the statement may or may not have run on the scratch
  // copy; the caller should Reset() and seed again.
  Status ApplyDdl(const DdlStatement& ddl);

  // As ApplyDdl(ddl), replaying under the upstream's sql_mode bits of the
  // QUERY event (MySQL's MODE_* values) that change how a DDL is parsed or
  // which type it gives: REAL_AS_FLOAT, PIPES_AS_CONCAT, ANSI_QUOTES,
  // IGNORE_SPACE, NO_BACKSLASH_ESCAPES, HIGH_NOT_PRECEDENCE, and on MariaDB
  // ORACLE. Bits that only reject statements are dropped (see Open). With
  // `charset` (the event's session character set), the statement runs in it
  // (ExecuteInEventCharset), since its text is in that client character set;
  // the tracker's own statements and reads stay utf8mb4.
  Status ApplyDdl(const DdlStatement& ddl, uint64_t upstream_sql_mode,
                  const std::optional<binlog::QueryCharset>& charset = std::nullopt);

  // The tracked definition, or nullptr when the table is not tracked. Valid
  // until the next non-const call.
  const TrackedTable* Find(const filter::TableName& table) const;

  // Forgets one table (e.g. filtered out) without touching the server: its
  // scratch copy is dropped by the next call that runs statements, so the
  // scratch databases still hold tracked tables only. Cannot fail.
  void Forget(const filter::TableName& table);

  // The default collation of upstream schema `schema` as the tracker set it
  // (a seed's `schema_collation`, SeedSchema, or a replayed CREATE/ALTER
  // DATABASE, read back from the server); "" when its scratch database has
  // the server's default or does not exist. Saved with the table
  // definitions, so that seeding them again gives later CREATE TABLEs
  // without a charset the same columns.
  std::string SchemaCollation(std::string_view schema) const;

  // All tracked tables, ordered by (schema, table), for checkpoint table_info
  // snapshots. Valid until the next non-const call.
  std::vector<const TrackedTable*> Tables() const;

  // The scratch database of upstream schema `schema` (whether or not it
  // exists): prefix + "_" + 16 lowercase hex digits of FNV-1a-64(schema).
  std::string ScratchDatabase(std::string_view schema) const {
    return ScratchDatabaseName(options_.scratch_prefix, schema);
  }
  static std::string ScratchDatabaseName(std::string_view prefix, std::string_view schema);

 private:
  explicit SchemaTracker(Options options, mysql::Connection conn);

  using Key = std::pair<std::string, std::string>;  // upstream (schema, table)
  static Key KeyOf(const filter::TableName& t) { return {t.schema, t.table}; }

  Status EnsureConnected();
  // Drops the scratch copies of tables Forget() let go.
  Status DropForgotten();
  Status SetSqlMode(uint64_t bits);
  // One statement; DROP/RENAME TABLE already split per table.
  Status ApplyOne(const DdlStatement& ddl, const std::optional<binlog::QueryCharset>& charset);
  // Records scratch name -> upstream schema (for ToUpstreamNames) and refuses
  // a hash collision between two upstream schemas.
  Status RegisterSchema(std::string_view schema);
  Status EnsureScratchDatabase(std::string_view schema, std::string_view collation);
  Status DropScratchDatabase(std::string_view schema);
  // Records the scratch database's collation after a replayed statement set it.
  Status ReadBackCollation(std::string_view schema);
  Status DropScratchTable(const filter::TableName& table);
  // Runs `sql` (`ddl` rewritten to scratch names) in `charset` when given;
  // errors quote `ddl`.
  Status RunDdl(const DdlStatement& ddl, std::string_view sql, const std::optional<binlog::QueryCharset>& charset);
  // Reads the scratch copy of `table` into the map.
  Status Refresh(const filter::TableName& table);
  // `ddl` with every name rewritten to its scratch name; `subject` (when
  // given) becomes the scratch name of `subject_as` instead.
  Result<std::string> ToScratch(const DdlStatement& ddl, const filter::TableName* subject = nullptr,
                                const filter::TableName* subject_as = nullptr);

  Options options_;
  std::optional<mysql::Connection> conn_;
  uint64_t sql_mode_bits_ = 0;  // what the session has now
  std::map<Key, TrackedTable> tables_;
  // Upstream schemas whose scratch database exists -> its default collation
  // as SchemaCollation() returns it.
  std::map<std::string, std::string> scratch_dbs_;
  std::map<std::string, std::string> scratch_to_upstream_;
  std::vector<filter::TableName> forgotten_;  // scratch tables still to drop
};

// Reads the definition of `schema`.`table` as it exists on `conn` from
// information_schema (COLUMNS, STATISTICS, COLLATIONS and, on MariaDB 10.10+,
// COLLATION_CHARACTER_SET_APPLICABILITY) and SHOW CREATE TABLE, naming the
// result `as`. Column facts: DATA_TYPE lower-cased, COLUMN_TYPE, IS_NULLABLE,
// "unsigned" in COLUMN_TYPE, the collation id of COLLATION_NAME (63 for binary
// strings and MariaDB's INET4/INET6/UUID, 0 for other non-string types),
// ENUM/SET members unquoted from COLUMN_TYPE, generated from EXTRA. Keys:
// PRIMARY, then unique keys, then the rest, each in the server's order; keys
// on expressions (MySQL functional key parts) are left out, since no column
// holds their value. NotFound when the table does not exist. Usable on the
// upstream directly. Errors are tagged SchemaTrackerCannotGetTable.
Result<TrackedTable> ReadTableDefinition(mysql::Connection& conn, std::string_view schema, std::string_view table,
                                         const filter::TableName& as);

// The members of an ENUM or SET COLUMN_TYPE ("enum('a','it''s')"), unquoted
// with the server's rules: '' is a quote, backslash escapes \0 \b \n \r \t \Z
// and any other byte as itself. InvalidArgument on a malformed list.
Result<std::vector<std::string>> ParseEnumMembers(std::string_view column_type);

}  // namespace dm::sync
