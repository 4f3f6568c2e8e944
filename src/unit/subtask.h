// A subtask: one task's work for one source (one mysql-instances entry), run
// as DM runs it: units in order, Dump -> Load -> Sync, as task-mode selects
// (full: Dump+Load). Progress and errors are readable from other threads at
// any time for query-status and /metrics.
//
// The load runs while the dump does (docs/design/overlapped_full.md): it
// creates the tables once the dump's schema files exist and loads each data
// file as soon as the dump has closed it, into tables it created itself and
// no other source shares; other tables' files wait for the dump's end.
//
// Restart safety: a finished dump directory (its `metadata` exists) is never
// dumped again, and a load that has checkpoint rows resumes from them (as
// DM). An unfinished dump directory is discarded and dumped afresh, since a
// snapshot cannot be resumed; when a load had started on it, the rows of
// that lost snapshot are discarded with it (the tables the load created are
// dropped, its checkpoint rows removed: see load::EarlyLoadRecord), and dump
// and load start again.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "dump/dump.h"
#include "dump/progress.h"
#include "filter/block_allow_list.h"
#include "filter/table_router.h"
#include "load/loader.h"
#include "load/progress.h"
#include "mysql/connection.h"
#include "sync/binlog_schema.h"
#include "sync/syncer.h"

namespace dm::unit {

// DM's subtask stages; the numbers are dm_worker_task_state's values.
enum class Stage : int { kNew = 1, kRunning = 2, kPaused = 3, kStopped = 4, kFinished = 5 };
std::string_view StageName(Stage stage);  // "Running", ...

enum class UnitKind { kNone, kDump, kLoad, kSync };
std::string_view UnitName(UnitKind unit);  // "Dump", "Load", "Sync", "" for none

// Maps a task/source `DBConfig` (with its optional `security`) to connection
// options; the password stays a Secret.
mysql::ConnectionOptions ToConnectionOptions(const config::DBConfig& db);

// What binlog-schema operates on for `instance` of `task` (whose source is
// `source`): the same checkpoint, servers and routes as the subtask's sync.
sync::BinlogSchemaScope BinlogSchemaScopeFor(const config::TaskConfig& task, const config::MySQLInstance& instance,
                                             const config::SourceConfig& source);

// start-task --remove-meta (as DM): deletes the checkpoints of `task` for
// `source_id` from the target's meta schema, so the subtask starts afresh.
Status RemoveTaskMeta(const config::TaskConfig& task, const std::string& source_id);

// The global row of the syncer checkpoint of `task` for `source_id` as it
// stands on the target: an opaque text that changes with every write of the
// row (its position and the server's create and update times), empty when
// there is no row. Creates the meta schema and table when missing.
Result<std::string> SyncCheckpointStamp(const config::TaskConfig& task, const std::string& source_id);

// DM's start-task --start-time for one subtask (sync/start_time.h).
struct StartTimeArg {
  std::string time;  // empty: none
  // Cluster mode, where the time must apply once: the SyncCheckpointStamp
  // read when start-task stored `time`. The time applies while the
  // checkpoint is absent or still that one; a checkpoint written since means
  // a run started from the time (the syncer records the start point before
  // applying anything), so the subtask resumes from the checkpoint instead
  // (and reports the time consumed). nullopt
  // (standalone): the time applies at every start of the process.
  std::optional<std::string> checkpoint_at_start_task;
};

struct SubTaskStatus {
  std::string task;
  std::string source_id;
  Stage stage = Stage::kNew;
  UnitKind unit = UnitKind::kNone;
  dump::ProgressSnapshot dump;
  load::LoadStatus load;
  sync::SyncStatus sync;
  bool dump_started = false;
  bool load_started = false;
  bool sync_started = false;
  // Cluster mode: the --start-time is behind this subtask (see StartTimeArg):
  // it was skipped because a checkpoint was written after it, or the sync
  // that started from it has flushed a checkpoint.
  bool start_time_consumed = false;
  Status error;  // set when the subtask stopped with an error
};

class SubTask {
 public:
  // Copies what it needs; `task` must be validated (Adjust+Validate) and
  // `instance` one of its mysql_instances with `source` its source config.
  // With `exit_when_synced`, the sync unit (task-mode all and incremental)
  // ends once it has applied the upstream's position read when it started.
  // A `start_time` with a time (DM's --start-time, sync/start_time.h) makes
  // the sync unit start from that time, whatever the checkpoint, meta or
  // dump say, under StartTimeArg's rule; a resumable error resumes from the
  // checkpoint.
  SubTask(const config::TaskConfig& task, const config::MySQLInstance& instance, const config::SourceConfig& source,
          bool exit_when_synced = false, StartTimeArg start_time = {});

  // Runs the task-mode's units to the end, or until `stop` is requested
  // (Cancelled). Blocks. Call once.
  Status Run(std::stop_token stop);

  // A consistent copy of the current state. Thread-safe.
  SubTaskStatus Snapshot();

  const std::string& source_id() const { return source_.source_id; }

  // Where this subtask keeps its dump files: {loaders.dir}/{task}.{source-id}.
  std::string DumpDir() const;

 private:
  // Dump and load. With `sync_follows` (task-mode all) the load leaves the
  // dump directory to the sync unit, which starts from its metadata, seeds
  // its schema tracker from its schema files and then applies
  // clean-dump-file (as DM).
  Status RunFull(std::stop_token stop, bool sync_follows);
  // A fresh dump with the load running alongside it.
  Status DumpAndLoad(std::stop_token stop, load::LoadOptions load_options);
  Result<dump::DumpOptions> DumpOptionsForTask() const;
  Result<load::LoadOptions> LoadOptionsForTask(bool sync_follows) const;
  // Settles a load that started while the dump ran (load::EarlyLoadRecord):
  // when the dump never finished, drops the tables that load created,
  // removes its checkpoint rows and the dump directory.
  Status SettleEarlyLoad(bool dump_complete);
  // True for a target table that another instance of the task may load
  // into (its routes or identity can produce that name); conservative.
  Result<std::function<bool(const load::TableName&)>> OtherSourcesMayLoadInto() const;
  Status RunSync(std::stop_token stop);
  // The definitions in the dump directory's schema files ({db}-schema-create.sql,
  // {db}.{table}-schema.sql, compressed ones too) for a sync that starts at
  // the dump's snapshot. A file that cannot be read is left out with a
  // warning (the syncer then reads that table elsewhere) and `*complete` is
  // set to false.
  std::shared_ptr<const sync::StartSchemas> ReadStartSchemas(bool* complete) const;
  // Whether this run starts from the --start-time (StartTimeArg's rule);
  // marks the time consumed when it does not.
  Result<bool> StartTimeApplies();
  // Polls the checkpoint until a flush after the start time shows it
  // consumed, or `stop`. Runs beside the syncer.
  void WatchStartTimeConsumed(std::stop_token stop);
  // FailedPrecondition naming a route rule with extract columns: the load
  // fills them, the sync unit does not yet.
  Status RefuseExtractColumnsInSync() const;
  // The task's other mysql-instances entries, with their rules built.
  struct OtherInstance {
    filter::BlockAllowList block_allow;
    filter::TableRouter router;
    std::vector<config::RouteRule> rules;
  };
  Result<std::shared_ptr<const std::vector<OtherInstance>>> OtherInstances() const;
  // Whether another instance of the task replicates an upstream table into
  // the same target (see SyncerOptions::merged_by_other_sources).
  Result<std::function<bool(const filter::TableName&)>> OtherSourcesMerge() const;
  // True when the target holds loader checkpoint rows for this subtask.
  Result<bool> LoadHasStarted();
  // True when the target holds this subtask's syncer checkpoint: its dump and
  // load are behind it, even when the dump files are on another worker.
  Result<bool> SyncHasStarted();
  void SetUnit(UnitKind unit);
  void Finish(Stage stage, Status error);

  config::TaskConfig task_;
  config::MySQLInstance instance_;
  config::SourceConfig source_;

  dump::Progress dump_progress_;
  load::Progress load_progress_;
  bool exit_when_synced_ = false;
  StartTimeArg start_time_;
  std::unique_ptr<sync::Syncer> syncer_;  // set once, under mu_, when sync starts

  std::mutex mu_;
  Stage stage_ = Stage::kNew;      // guarded by mu_
  UnitKind unit_ = UnitKind::kNone;  // guarded by mu_
  bool dump_started_ = false;      // guarded by mu_
  bool load_started_ = false;      // guarded by mu_
  bool sync_started_ = false;      // guarded by mu_
  bool start_time_consumed_ = false;  // guarded by mu_
  Status error_;                   // guarded by mu_
};

}  // namespace dm::unit
