// The syncer's progress on the target (docs/formats/checkpoint_tables.md):
//
// `{meta-schema}.{task}_syncer_checkpoint`, DM's table and columns: per
// source-id one global row (cp_schema = cp_table = '', is_global = 1), the
// position before which everything is applied, plus one row per table with
// the schema tracker's table_info and the global position of the flush that
// last changed it (never past the global row). DM tooling (and a task moved
// from DM) reads and writes the same rows.
//
// `{meta-schema}.{task}_syncer_worker_progress`, dm's own: per source-id and
// DML worker, the last row change that worker applied. A worker writes its
// row in the same target transaction as the rows it applies, so after
// kill -9 a restart from the global row knows exactly which of the replayed
// row changes each worker already committed: exactly once also for tables
// without a key, with no reliance on REPLACE.
//
// Thread-safety: a SyncerCheckpoint holds only names; its methods may run
// concurrently on different connections.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/location.h"
#include "common/status.h"
#include "filter/table_router.h"
#include "mysql/connection.h"

namespace dm::sync {

// A point between row changes: row `row` of the rows event starting at
// `position` (row 0 is the event's first row change). Orders as the binlog.
struct RowPoint {
  binlog::Position position;
  uint32_t row = 0;
};
std::strong_ordering CompareRowPoints(const RowPoint& a, const RowPoint& b);

// The global row.
struct GlobalCheckpoint {
  binlog::Location location;                  // resume here
  std::optional<binlog::Location> exit_safe;  // safe mode stays on until here
};

// A per-table row.
struct TableCheckpoint {
  filter::TableName table;  // upstream schema and table
  binlog::Location location;
  std::string table_info;  // JSON; "{}" when unknown
};

// What dm keeps in a per-table row's table_info (DM keeps TiDB's TableInfo
// JSON there): the tracked CREATE TABLE and, when not the server's default,
// the default collation of its schema, which decides later CREATE TABLEs
// without a charset. JSON: {"create_table": ..., "schema_collation": ...}.
struct TableInfo {
  std::string create_table;
  std::string schema_collation;  // "" for the server's default
};

// The table_info text of `info` (schema_collation left out when empty).
std::string EncodeTableInfo(const TableInfo& info);

// `table_info` read back; nullopt when it is not dm's form: "{}", DM's own
// TiDB TableInfo JSON (a task moved from DM, which has no create_table;
// tidb_table_info.h reads it), or not JSON at all.
std::optional<TableInfo> DecodeTableInfo(std::string_view table_info);

// A worker's row in the progress table.
struct WorkerProgress {
  uint32_t worker = 0;
  uint32_t worker_count = 0;  // the pool size that assigned the row changes
  RowPoint applied;           // last row change this worker committed
};

// A DDL being applied to the target: DDL is not transactional, so before
// running one the syncer records where it is and what the target's affected
// objects looked like; after a crash the replayed DDL is skipped when the
// target no longer looks like that (it ran).
struct DdlMarker {
  binlog::Position position;  // the DDL's QUERY event
  uint32_t part = 0;          // which statement of its per-table split (SplitPerTable)
  std::string target_before;  // the target's definitions before that part ran
};

class SyncerCheckpoint {
 public:
  // REQUIRES: source_id is at most 32 bytes (DM's column width).
  SyncerCheckpoint(std::string meta_schema, std::string task, std::string source_id);

  // "`dm_meta`.`task_syncer_checkpoint`".
  const std::string& table() const { return table_; }
  const std::string& progress_table() const { return progress_table_; }
  const std::string& source_id() const { return source_id_; }

  // Creates the meta schema and both tables when missing (DM's exact DDL for
  // the checkpoint) and upgrades a DM v1.0 checkpoint table by adding the
  // columns v2 introduced (binlog_gtid, exit_safe_binlog_*, table_info).
  Status Prepare(mysql::Connection& conn) const;

  // The global row of this source; nullopt when there is none.
  Result<std::optional<GlobalCheckpoint>> LoadGlobal(mysql::Connection& conn) const;
  // The per-table rows of this source.
  Result<std::vector<TableCheckpoint>> LoadTables(mysql::Connection& conn) const;
  // The per-table row of upstream `table`; nullopt when there is none.
  Result<std::optional<TableCheckpoint>> LoadTable(mysql::Connection& conn, const filter::TableName& table) const;
  // The workers' rows of this source, by worker.
  Result<std::vector<WorkerProgress>> LoadWorkerProgress(mysql::Connection& conn) const;

  // Writes the global row and `tables` in one transaction; with
  // `clear_worker_progress` also deletes the workers' rows, for a flush where
  // everything the workers applied is at or before `global` (the caller has
  // drained them at a transaction boundary). A flush in the middle of a
  // transaction (stopping) keeps them: they cover the rows past `global`.
  // Clearing them removes the DDL marker too unless `keep_ddl_marker` (the
  // flush ahead of a DDL that a crashed run may have applied: the marker must
  // survive until that DDL is checkpointed). Positions must fit DM's INT
  // UNSIGNED columns (InvalidArgument naming them if not).
  Status Flush(mysql::Connection& conn, const GlobalCheckpoint& global, const std::vector<TableCheckpoint>& tables,
               bool clear_worker_progress = true, bool keep_ddl_marker = false) const;

  // Deletes the per-table rows of `tables` (autocommit): tables the upstream
  // dropped or renamed away, whose definitions must not come back at a
  // restart. Missing rows are no error.
  Status RemoveTables(mysql::Connection& conn, const std::vector<filter::TableName>& tables) const;

  // Sets the table_info of upstream `table` (autocommit), which the syncer
  // seeds the table from at its next start (binlog-schema update). A table
  // without a row gets one at the global row's location; a row's location
  // is kept. FailedPrecondition when there is no global row (the sync unit
  // has not started). REQUIRES: no syncer of this source runs.
  Status SaveTableInfo(mysql::Connection& conn, const filter::TableName& table, const std::string& table_info) const;

  // Empties the global row's safe-mode exit point, nothing else (autocommit):
  // a run that starts consumes the exit point of the last one, so that a
  // kill before its first flush is seen as an unclean stop.
  Status ClearExitPoint(mysql::Connection& conn) const;

  // The statement a worker runs inside its batch transaction, last, to
  // record `progress`.
  std::string WorkerProgressSql(const WorkerProgress& progress, mysql::StringEscaping escaping) const;

  // Records `marker` (autocommit), replacing any earlier one. Flush removes it.
  Status SaveDdlMarker(mysql::Connection& conn, const DdlMarker& marker) const;
  Result<std::optional<DdlMarker>> LoadDdlMarker(mysql::Connection& conn) const;

  // Deletes every row of this source in both tables (start-task --remove-meta).
  Status Remove(mysql::Connection& conn) const;

  // Replaces every row of this source in both tables by the global row
  // `global` alone, in one transaction: a start point that overrides the
  // checkpoint (--start-time) is recorded before anything is applied from
  // it, so a kill at any later moment resumes from it with the workers'
  // progress instead of starting over and applying changes twice.
  Status Restart(mysql::Connection& conn, const GlobalCheckpoint& global) const;

 private:
  std::string Quote(mysql::Connection& conn, std::string_view s) const;
  // The statement writing (insert or update) the global row and `tables`.
  Result<std::string> UpsertSql(mysql::Connection& conn, const GlobalCheckpoint& global,
                                const std::vector<TableCheckpoint>& tables) const;
  // Runs `statements` in one transaction, rolled back on the first error.
  static Status InTransaction(mysql::Connection& conn, const std::vector<std::string>& statements);
  // The per-table rows of this source that `where` (an SQL condition, ANDed)
  // selects, ordered by table.
  Result<std::vector<TableCheckpoint>> QueryTables(mysql::Connection& conn, const std::string& where) const;

  std::string meta_schema_;
  std::string source_id_;
  std::string table_name_;  // unquoted, for information_schema
  std::string table_;
  std::string progress_table_;
};

}  // namespace dm::sync
