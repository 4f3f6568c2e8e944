// The sync unit: reads one source's binlog as a replica and applies it to the
// target, exactly once in effect across any crash (docs/design/syncer.md).
//
//   SyncerOptions options = ...;
//   Syncer syncer(std::move(options));
//   Status s = syncer.Run(stop_token);   // until stopped, an error, or synced
//   SyncStatus status = syncer.Snapshot();  // any thread, any time
//
// Pipeline: SocketBinlogSource -> event loop (this thread: table maps,
// schema tracker, filters and routes, DML building, causality) -> DmlWorkerPool
// (worker-count target connections). DDL is a barrier: every worker drains,
// the checkpoint is flushed, then the DDL runs on the target and the tracker.
// Checkpoints: checkpoint.h. Where sync starts: the checkpoint's global row,
// else `start` (task meta, or the dump's metadata in `all` mode).
// Table definitions (schema tracker seeding), first source that has one: the
// checkpoint's table_info, the dump's schema files (`start_schemas`), the
// target's table, the upstream's table as it is now.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "binlog/location.h"
#include "common/status.h"
#include "config/task_config.h"
#include "filter/table_router.h"
#include "mysql/connection.h"

namespace dm::sync {

// One table's definition from a dump's schema file.
struct StartTable {
  filter::TableName table;   // upstream name (the file's, not the text's)
  std::string create_table;  // one CREATE TABLE, utf8mb4 text
  std::string file;          // where it came from, for messages
};
// The databases and tables of a dump as of its snapshot (its binlog position).
struct StartSchemas {
  std::vector<std::string> create_databases;  // CREATE DATABASE statements, upstream names
  std::vector<StartTable> tables;
};

struct SyncerOptions {
  std::string task;
  std::string source_id;
  std::string meta_schema = "dm_meta";
  mysql::ConnectionOptions upstream;
  mysql::ConnectionOptions target;
  uint32_t server_id = 0;  // replica server id; 0 chooses one
  bool enable_gtid = false;  // stream by GTID (source enable-gtid)

  config::SyncerConfig syncer;  // worker-count, batch, queue-size, checkpoint-flush-interval, safe-mode, ...
  bool case_sensitive = false;
  std::optional<config::BlockAllowList> block_allow_list;
  std::vector<config::RouteRule> routes;
  std::vector<config::FilterRule> filters;
  // True when another source of the task also replicates this upstream
  // table into the same target table (shards with equal names). A DDL on
  // such a table, or on one a wildcard route merges, pauses the subtask
  // instead of running once per shard. Empty: no other source.
  std::function<bool(const filter::TableName& source)> merged_by_other_sources;
  // online-ddl: true (online_ddl.h): shadow-table-rules and trash-table-rules.
  struct OnlineDdlRules {
    std::vector<std::string> shadow;
    std::vector<std::string> trash;
  };
  std::optional<OnlineDdlRules> online_ddl_rules;

  // Where to start when the target has no checkpoint for this source.
  std::optional<binlog::Location> start;
  // --start-time (start_time.h): start at `start` even when the target has a
  // checkpoint, as DM gives --start-time precedence over the checkpoint. The
  // checkpoint and the workers' progress rows are replaced by `start` before
  // anything is applied; changes between `start` and where the old
  // checkpoint stood are replayed in safe mode (they may be on the target).
  bool start_overrides_checkpoint = false;
  // Safe mode until this location (a dump taken with consistency none).
  std::optional<binlog::Location> safe_mode_until;

  // The definitions at `start` from the dump's schema files (task-mode all),
  // used when the target has no checkpoint for this source: the databases'
  // statements are replayed in the schema tracker before the first event,
  // each table's definition is used when the table is first needed, and the
  // checkpoint is written at once with all of them as table_info, so
  // restarts no longer need the files (as DM's loadTableStructureFromDump).
  // Null: none.
  std::shared_ptr<const StartSchemas> start_schemas;
  // Called once a run's checkpoint holds every definition of start_schemas
  // (right after it is written; not when a CREATE DATABASE of them could not
  // be replayed), from the thread running Run(). The subtask deletes the
  // dump files then (clean-dump-file). Empty: nothing to do.
  std::function<void()> on_start_schemas_saved;

  // Return OK once everything up to the upstream's binlog position read at
  // start has been applied and checkpointed (--exit-when-synced).
  bool exit_when_synced = false;
};

// query-status's `sync` section.
struct SyncStatus {
  uint64_t total_events = 0;   // row changes and DDLs applied since start
  uint64_t total_tps = 0;      // transactions per second since start
  uint64_t recent_tps = 0;     // over the last few seconds
  std::string master_binlog;   // upstream's current position "(file, pos)"
  std::string master_binlog_gtid;
  std::string syncer_binlog;   // checkpointed position
  std::string syncer_binlog_gtid;
  bool synced = false;
  int64_t seconds_behind_master = 0;
  std::vector<std::string> blocking_ddls;
  std::string binlog_file;     // current file (dm_syncer_binlog_file)
};

class Syncer {
 public:
  explicit Syncer(SyncerOptions options);
  ~Syncer();
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  // Runs until `stop` (Cancelled, after draining and flushing), an error
  // (workers drained as far as they can; the checkpoint covers what was
  // applied), or, with exit_when_synced, until synced (OK).
  Status Run(std::stop_token stop);

  SyncStatus Snapshot() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dm::sync
