// The load unit: restores a dump directory (dm's dump unit, dumpling or
// mydumper) into the target, resumably.
//
//   LoadOptions options;
//   options.target = ...; options.task = "t"; options.source_id = "mysql-01";
//   options.dump_dir = "./dumped_data.t";
//   Progress progress;
//   DM_ASSIGN_OR_RETURN(LoadResult r, RunLoad(options, stop_token, &progress));
//   // r.metadata->master is where sync starts
//
// Steps (as DM's loader): classify the directory; create the checkpoint
// table and a row per file; create databases and tables (after routing);
// load data files in parallel over `pool_size` connections; create views;
// optionally delete the dump. A restart after any failure or kill -9 resumes
// each file at its checkpointed statement: every target transaction carries
// both rows and the checkpoint update that covers them, and starts by
// locking the file's checkpoint row, so a commit still in flight from a dead
// process is waited for, never applied twice. See
// docs/formats/checkpoint_tables.md for the rows' meaning.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/task_rules.h"
#include "load/dump_feed.h"
#include "load/dump_metadata.h"
#include "load/progress.h"
#include "mysql/connection.h"

namespace dm::load {

// A database (table == "") or table name.
struct TableName {
  std::string schema;
  std::string table;
  bool operator==(const TableName&) const = default;
};

// Maps a source name to its target name (routes). Called with table == ""
// for a database. Must be thread-safe. Empty function: identity.
using RouteFn = std::function<Result<TableName>(const TableName& source)>;
// True when a source table should be loaded (block-allow list). Empty: all.
using TableFilterFn = std::function<bool(const TableName& source)>;

// A target column that only the target has, and the value every row of a
// source table gets there (a route's extract-table/schema/source).
struct ExtraColumn {
  std::string column;
  std::string value;
};
// The extra columns of a source table, in the order they are written. Must
// be thread-safe. Empty function or result: none.
using ExtraColumnsFn = std::function<std::vector<ExtraColumn>(const TableName& source)>;

struct LoadOptions {
  // Target sessions. Unless set here, the loader adds
  //   foreign_key_checks = 0 (tables load in parallel, in any order),
  //   time_zone = '+00:00' (dumps read TIMESTAMP values in UTC) and
  //   sql_mode = 'NO_AUTO_VALUE_ON_ZERO' (rows keep id 0 and the zero dates
  //   the upstream accepted),
  // and never unique_checks=0 or sql_log_bin=0 (dump files asking for those
  // are not obeyed either).
  mysql::ConnectionOptions target;
  std::string task;       // names the checkpoint table {task}_loader_checkpoint
  std::string source_id;  // the checkpoint rows' `id`; at most 32 bytes
  std::string meta_schema = "dm_meta";
  std::string dump_dir;
  int pool_size = 16;  // parallel data connections (loaders.pool-size)
  config::OnDuplicateLogical on_duplicate = config::OnDuplicateLogical::kReplace;
  // When false (DM's default), target database and table names are
  // lower-cased (ASCII) after routing.
  bool case_sensitive = false;
  // Delete the dump directory after a successful load (clean-dump-file in
  // task-mode full; in mode all the sync unit deletes it once its checkpoint
  // holds the dump's table definitions).
  bool clean_dump_file = false;
  RouteFn route;
  TableFilterFn filter;
  // DM's extract columns: the target table of a source table with extra
  // columns must exist with them (DM has the user create it; the load never
  // creates it), its other columns being the dump's in order; every row
  // gets the values, through INSERT and LOAD DATA alike.
  ExtraColumnsFn extra_columns;
  // A data file is applied in transactions of at most this many statements
  // or bytes (whichever is reached first), each with its checkpoint update.
  size_t txn_max_statements = 16;
  size_t txn_max_bytes = size_t{32} << 20;
  // Retries of retryable errors (connection lost, deadlock) per file, each on
  // a fresh connection from the checkpointed offset, with doubling backoff.
  int max_retries = 8;
  std::chrono::milliseconds retry_backoff{200};
  // False for dumps made under NO_BACKSLASH_ESCAPES.
  bool backslash_escapes = true;
  // Send the rows of INSERT statements as LOAD DATA LOCAL INFILE where that
  // is exact (load_data.h): about a third less load time. Used only with
  // on-duplicate replace or ignore (LOAD DATA LOCAL cannot fail on a
  // duplicate), a non-strict sql_mode (LOCAL turns data errors into
  // warnings, as a non-strict INSERT does), and a target with local_infile
  // on; every other statement runs as an INSERT.
  bool load_data = true;
  // Rows sent by one LOAD DATA statement, at most (bounds memory per
  // connection).
  size_t load_data_batch_bytes = size_t{8} << 20;
  // Overlapped full mode (docs/design/overlapped_full.md): the dump is still
  // running and hands over its files through `feed`; null for a finished
  // dump. REQUIRES with a feed: no checkpoint rows yet for this source.
  DumpFeed* feed = nullptr;
  // With `feed`: true when another source of the task may load into this
  // target table. Only tables this load creates itself and no other source
  // may share take rows before the dump has finished, since only those can
  // be dropped again if the snapshot is lost; the others wait for the dump's
  // end. Empty: no table is shared.
  std::function<bool(const TableName& target)> shared_target;
};

struct LoadResult {
  std::optional<DumpMetadata> metadata;  // absent when the dump had none
  bool already_complete = false;         // every file was done before this run
  uint64_t tables_created = 0;           // CREATE TABLE run by this run
  uint64_t files_loaded = 0;             // data files finished by this run
  uint64_t bytes_loaded = 0;             // data bytes committed by this run
  uint64_t views_created = 0;
};

// Runs the load. `progress` (may be null) is updated live and may be read
// from other threads. Returns Cancelled when `stop` was requested (the
// checkpoint stays at the last committed transaction); errors name the file
// and byte offset of the failing statement.
Result<LoadResult> RunLoad(const LoadOptions& options, std::stop_token stop, Progress* progress);

}  // namespace dm::load
