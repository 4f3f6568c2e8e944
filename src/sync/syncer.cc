#include "sync/syncer.h"

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "binlog/client/socket_binlog_source.h"
#include "binlog/control_events.h"
#include "binlog/format_description.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/source/transaction_payload_source.h"
#include "binlog/table_map.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/sync_point.h"
#include "filter/block_allow_list.h"
#include "filter/event_filter.h"
#include "filter/table_router.h"
#include "mysql/master_status.h"
#include "mysql/quote.h"
#include "sync/checkpoint.h"
#include "sync/ddl.h"
#include "sync/dml.h"
#include "sync/dml_worker.h"
#include "sync/event_charset.h"
#include "sync/online_ddl.h"
#include "sync/schema_tracker.h"
#include "sync/tidb_table_info.h"

namespace dm::sync {
namespace {

using Clock = std::chrono::steady_clock;

bool IsStatement(std::string_view query, std::string_view word) {
  query = TrimSpace(query);
  while (!query.empty() && query.back() == ';') query = TrimSpace(query.substr(0, query.size() - 1));
  return EqualsIgnoreCase(query, word);
}

std::string PositionText(const binlog::Position& p) { return p.ToString(); }

filter::EventType RowsEventType(binlog::RowsKind kind) {
  switch (kind) {
    case binlog::RowsKind::kWrite: return filter::EventType::kInsert;
    case binlog::RowsKind::kUpdate: return filter::EventType::kUpdate;
    case binlog::RowsKind::kDelete: return filter::EventType::kDelete;
  }
  return filter::EventType::kNull;
}

}  // namespace

class Syncer::Impl {
 public:
  explicit Impl(SyncerOptions options)
      : options_(std::move(options)), checkpoint_(options_.meta_schema, options_.task, options_.source_id) {}

  Status Run(std::stop_token stop);
  SyncStatus Snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    SyncStatus s = status_;
    if (pool_) s.total_events = events_applied_base_ + pool_->applied() + ddls_applied_;
    return s;
  }

 private:
  // A table id's state while its TABLE_MAP is in force.
  struct TableState {
    bool skip = true;  // filtered out: its row events are ignored
    filter::TableName name;
    std::optional<TableDml> dml;
    // The binlog event filter's verdict for its inserts, updates, deletes
    // (indexed by binlog::RowsKind), decided once per TABLE_MAP.
    std::array<filter::FilterAction, 3> row_actions{};
  };

  Status Prepare();
  Status RestartCheckpointAt(const binlog::Location& start);
  DmlWorkerOptions PoolOptions(uint32_t worker_count) const;
  Status OpenSource();
  Status HandleEvent(const binlog::RawEvent& event);
  Status HandleTableMap(const binlog::RawEvent& event);
  Status HandleRows(const binlog::RawEvent& event);
  // Fills `job` with the statements of one row change, or its merge form
  // (multiple-rows, compact; dml_worker.h) where merging keeps it exact.
  Status BuildJob(const TableDml& dml, binlog::RowsKind kind, std::span<const binlog::Value> before,
                  std::span<const binlog::Value> after, bool safe, DmlJob* job);
  // Starts tracking `table`: from its pending definition, else from the
  // target's table, else from the upstream's.
  Status SeedTable(const filter::TableName& table);
  // Seeds `table` from its pending definition when it has one; OK (and
  // nothing done) otherwise. A definition the tracker refuses is dropped
  // with a warning (the caller falls back as DM does). Sets *seeded.
  Status SeedPending(const filter::TableName& table, bool* seeded);
  // Replays the dump's CREATE DATABASEs and makes its tables pending;
  // false when a CREATE DATABASE could not be replayed.
  bool TakeDumpSchemas();
  Status HandleQuery(const binlog::RawEvent& event);
  Status HandleDdl(const binlog::RawEvent& event, const binlog::QueryEvent& query);
  // Applies part `index` of `query`'s DDL split per table (SplitPerTable),
  // under the event's sql_mode bits and session character set.
  Status ApplyDdlPart(const binlog::RawEvent& event, const binlog::QueryEvent& query, const DdlStatement& part,
                      uint32_t index);
  Status EndTransaction(const binlog::RawEvent& event);
  // Writes the checkpoint. `exiting`: the last flush of a run, which records
  // its safe-mode exit point (DM's safemode_exit_point) so that a restart
  // knows the stop was clean.
  Status Flush(bool exiting = false);
  Result<filter::TableName> Route(const filter::TableName& source) const;
  // The block-allow-list admits `table` (or database, table ""), and it is
  // not in a system schema.
  bool Replicated(const filter::TableName& table) const {
    return !filter::BlockAllowList::IsSystemSchema(table.schema) && block_allow_.Match(table.schema, table.table);
  }
  // The target's SHOW CREATE output for every object `statement` names
  // (after routing), "(absent)" for missing ones: the DDL marker's picture.
  Result<std::string> TargetDefinitions(const DdlStatement& statement);
  bool SafeModeAt(const binlog::Position& position) const;
  bool Synced() const;
  void RefreshMasterStatus();
  // synced: everything applied is flushed and reaches the master position
  // read last. Needs mu_.
  void UpdateSyncedLocked();

  SyncerOptions options_;
  SyncerCheckpoint checkpoint_;
  filter::BlockAllowList block_allow_;
  filter::TableRouter router_;
  filter::BinlogEventFilter event_filter_;

  std::unique_ptr<mysql::Connection> target_;    // checkpoints and DDL
  std::unique_ptr<mysql::Connection> upstream_;  // master status, tracker seeding
  std::unique_ptr<SchemaTracker> tracker_;
  std::optional<OnlineDdl> online_ddl_;  // online-ddl: true
  std::unique_ptr<DmlWorkerPool> pool_;
  std::unique_ptr<binlog::SocketBinlogSource> source_;
  // Events are read through this: it opens compressed transactions.
  std::unique_ptr<binlog::TransactionPayloadSource> events_;

  binlog::FormatDescription format_;
  binlog::TableMapCache table_maps_;
  std::unordered_map<uint64_t, TableState> tables_;
  std::string scratch_;  // inflated bytes of the current compressed event
  std::vector<binlog::Value> before_, after_;
  std::vector<uint64_t> keys_;
  std::string key_scratch_;  // the new image's key of an update (BuildJob)
  // Row changes so far of the current TRANSACTION_PAYLOAD_EVENT: its inner
  // events share its position, so their rows are numbered on across them
  // to keep every row point (position, row) distinct.
  uint32_t payload_rows_ = 0;

  binlog::Location committed_;  // after the last complete transaction
  std::optional<binlog::Location> safe_until_;
  // Safe mode until then (safe-mode-duration after an unclean stop).
  std::optional<Clock::time_point> safe_mode_deadline_;
  std::vector<WorkerProgress> recovery_;  // the workers' rows found at start
  std::optional<RowPoint> recovery_end_;  // the last of them
  std::optional<DdlMarker> ddl_marker_;
  // table_info as the checkpoint holds it, by upstream (schema, table).
  std::map<std::pair<std::string, std::string>, std::string> saved_table_info_;
  // Definitions known (checkpoint rows, the dump's schema files) but not in
  // the tracker yet, by upstream (schema, table): seeding runs statements on
  // the target (tens of ms a table), so a table is seeded when its first
  // TABLE_MAP or a DDL naming it needs it, and a restart costs nothing for
  // tables no event touches. Flush keeps them in the checkpoint.
  struct PendingTable {
    std::string create_table;
    std::string schema_collation;  // "" for the server's default
  };
  std::map<std::pair<std::string, std::string>, PendingTable> pending_;
  std::optional<binlog::Position> exit_at_;  // exit_when_synced target
  Clock::time_point last_flush_ = Clock::now();
  bool dirty_ = false;               // something applied since the last flush
  bool pushed_in_open_txn_ = false;  // row changes pushed after committed_
  bool use_gtid_ = false;            // streaming by GTID set

  mutable std::mutex mu_;
  SyncStatus status_;                 // guarded by mu_
  uint64_t events_applied_base_ = 0;  // guarded by mu_: pools replaced so far
  uint64_t ddls_applied_ = 0;         // guarded by mu_
  uint64_t transactions_ = 0;
  Clock::time_point started_ = Clock::now();
  Clock::time_point tps_sample_time_ = Clock::now();
  uint64_t tps_sample_count_ = 0;
  Clock::time_point last_master_read_{};
  std::optional<binlog::Position> master_position_;  // guarded by mu_: read last
};

Result<filter::TableName> Syncer::Impl::Route(const filter::TableName& source) const {
  DM_ASSIGN_OR_RETURN(filter::TableName target, router_.Route(source.schema, source.table));
  if (!options_.case_sensitive) {
    target.schema = AsciiLower(target.schema);
    target.table = AsciiLower(target.table);
  }
  return target;
}

bool Syncer::Impl::SafeModeAt(const binlog::Position& position) const {
  if (options_.syncer.safe_mode) return true;
  if (safe_mode_deadline_ && Clock::now() < *safe_mode_deadline_) return true;
  return safe_until_ && binlog::ComparePositions(position, safe_until_->position) < 0;
}

bool Syncer::Impl::Synced() const { return exit_at_ && binlog::ComparePositions(committed_.position, *exit_at_) >= 0; }

void Syncer::Impl::RefreshMasterStatus() {
  auto now = Clock::now();
  if (now - last_master_read_ < std::chrono::seconds(5)) return;
  last_master_read_ = now;
  auto master = mysql::ReadMasterStatus(*upstream_);
  if (!master.ok()) {
    log::Warn("reading the upstream's binlog position failed", {{"error", master.status()}});
    upstream_.reset();
    auto conn = mysql::Connection::Connect(options_.upstream);
    if (conn.ok()) upstream_ = std::make_unique<mysql::Connection>(std::move(*conn));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  master_position_ = binlog::Position{master->file, master->position};
  status_.master_binlog = PositionText(*master_position_);
  status_.master_binlog_gtid = master->gtid_set;
  UpdateSyncedLocked();
}

void Syncer::Impl::UpdateSyncedLocked() {
  status_.synced =
      !dirty_ && master_position_ && binlog::ComparePositions(committed_.position, *master_position_) >= 0;
  if (status_.synced) status_.seconds_behind_master = 0;
}

DmlWorkerOptions Syncer::Impl::PoolOptions(uint32_t worker_count) const {
  DmlWorkerOptions pool;
  pool.target = options_.target;
  // The DML builder's literals are raw bytes in each column's own character
  // set (dml.h), TIMESTAMPs in UTC; the zero dates the upstream accepted
  // must be accepted too; parent and child rows travel on different workers.
  pool.target.charset = "binary";
  pool.target.session_variables.try_emplace("time_zone", "'+00:00'");
  pool.target.session_variables.try_emplace("sql_mode", "'NO_AUTO_VALUE_ON_ZERO'");
  pool.target.session_variables.try_emplace("foreign_key_checks", "0");
  pool.checkpoint = &checkpoint_;
  pool.worker_count = worker_count;
  pool.batch = static_cast<size_t>(std::max(1, options_.syncer.batch));
  pool.queue_size = static_cast<size_t>(std::max(1, options_.syncer.queue_size));
  pool.multiple_rows = options_.syncer.multiple_rows;
  pool.compact = options_.syncer.compact;
  return pool;
}

Status Syncer::Impl::Prepare() {
  DM_ASSIGN_OR_RETURN(block_allow_,
                      filter::BlockAllowList::Create(options_.block_allow_list.value_or(config::BlockAllowList{}),
                                                     options_.case_sensitive));
  DM_ASSIGN_OR_RETURN(router_, filter::TableRouter::Create(options_.routes, options_.case_sensitive));
  DM_ASSIGN_OR_RETURN(event_filter_, filter::BinlogEventFilter::Create(options_.filters, options_.case_sensitive));

  DM_ASSIGN_OR_RETURN(auto target, mysql::Connection::Connect(options_.target));
  target_ = std::make_unique<mysql::Connection>(std::move(target));
  DM_ASSIGN_OR_RETURN(auto upstream, mysql::Connection::Connect(options_.upstream));
  upstream_ = std::make_unique<mysql::Connection>(std::move(upstream));
  DM_RETURN_IF_ERROR(checkpoint_.Prepare(*target_));
  if (options_.online_ddl_rules) {
    DM_ASSIGN_OR_RETURN(online_ddl_, OnlineDdl::Create(options_.online_ddl_rules->shadow, options_.online_ddl_rules->trash,
                                                       options_.meta_schema, options_.task, options_.source_id));
    DM_RETURN_IF_ERROR(online_ddl_->Load(*target_));
  }
  if (options_.start_overrides_checkpoint) {
    if (!options_.start) return Status::InvalidArgument("a start point overriding the checkpoint is missing");
    DM_RETURN_IF_ERROR(RestartCheckpointAt(*options_.start));
  }

  DM_ASSIGN_OR_RETURN(std::optional<GlobalCheckpoint> global, checkpoint_.LoadGlobal(*target_));
  std::optional<bool> seeded_from_dump;  // set when start_schemas were used
  SchemaTracker::Options tracker_options;
  tracker_options.server = options_.target;
  tracker_options.scratch_prefix =
      fmt::format("_dm_tracker_{:08x}", Fnv1a64(options_.task + '\0' + options_.source_id) & 0xffffffffu);
  DM_ASSIGN_OR_RETURN(tracker_, SchemaTracker::Open(tracker_options));
  DM_RETURN_IF_ERROR(tracker_->Reset());

  if (global) {
    committed_ = global->location;
    safe_until_ = global->exit_safe;
    // Without an exit point the last run did not stop cleanly (killed, or
    // the machine went down): as DM, safe mode for safe-mode-duration from
    // now ("0s" turns that off). dm's exactly-once skip does not need it.
    const auto duration = options_.syncer.safe_mode_duration.value_or(
        std::chrono::seconds(2 * options_.syncer.checkpoint_flush_interval));
    if (global->exit_safe && binlog::ComparePositions(global->exit_safe->position, committed_.position) <= 0) {
      // Only the last run's clean-stop mark: consumed.
      safe_until_.reset();
      DM_RETURN_IF_ERROR(checkpoint_.ClearExitPoint(*target_));
    } else if (!global->exit_safe && duration.count() > 0) {
      safe_mode_deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(duration);
      log::Info("sync runs in safe mode after an unclean stop",
                {{"task", options_.task}, {"source", options_.source_id},
                 {"safe_mode_duration_s", std::chrono::duration_cast<std::chrono::seconds>(duration).count()}});
    }
    DM_ASSIGN_OR_RETURN(auto tables, checkpoint_.LoadTables(*target_));
    for (const TableCheckpoint& t : tables) {
      auto info = nlohmann::json::parse(t.table_info, nullptr, /*allow_exceptions=*/false);
      if (info.is_discarded() || !info.is_object()) continue;
      auto text = [&info](const char* key) {
        auto it = info.find(key);
        return it != info.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      std::string create_table = text("create_table");
      if (create_table.empty() && IsTiDbTableInfo(info)) {
        // DM's row (a task moved from DM): TiDB's TableInfo. The next flush
        // rewrites it in dm's form.
        auto converted = TiDbTableInfoToCreateTable(t.table_info);
        if (converted.ok()) {
          create_table = std::move(*converted);
        } else {
          log::Warn("a DM table_info in the syncer checkpoint cannot be read; the table is read elsewhere",
                    {{"task", options_.task}, {"source", options_.source_id}, {"checkpoint", checkpoint_.table()},
                     {"table", mysql::QualifiedName(t.table.schema, t.table.table)}, {"error", converted.status()}});
        }
      }
      // Without a definition the table is seeded as one the checkpoint does
      // not know.
      if (create_table.empty()) continue;
      saved_table_info_[{t.table.schema, t.table.table}] = t.table_info;
      PendingTable pending{create_table, text("schema_collation")};
      // The schema's collation decides later CREATE TABLEs without a
      // charset, whether or not one of its tables gets seeded.
      if (!pending.schema_collation.empty()) {
        DM_RETURN_IF_ERROR(tracker_->SeedSchema(t.table.schema, pending.schema_collation)
                               .WithContext(checkpoint_.table() + " table_info of `" + t.table.schema + "`.`" +
                                            t.table.table + "`"));
      }
      pending_[{t.table.schema, t.table.table}] = std::move(pending);
    }
    log::Info("sync resumes from its checkpoint",
              {{"task", options_.task}, {"source", options_.source_id}, {"location", committed_.ToString()}});
  } else if (options_.start) {
    committed_ = *options_.start;
    safe_until_ = options_.safe_mode_until;
    log::Info("sync starts",
              {{"task", options_.task}, {"source", options_.source_id}, {"location", committed_.ToString()}});
    if (options_.start_schemas) seeded_from_dump = TakeDumpSchemas();
  } else {
    return Status::FailedPrecondition(
        fmt::format("source {}: no syncer checkpoint in {} and no start position: set mysql-instances[].meta "
                    "(binlog-name, binlog-pos or binlog-gtid) for task-mode incremental",
                    options_.source_id, checkpoint_.table()));
  }
  if (!options_.enable_gtid && committed_.position.file.empty()) {
    return Status::FailedPrecondition("source " + options_.source_id + ": the start position has no binlog file");
  }

  DM_ASSIGN_OR_RETURN(recovery_, checkpoint_.LoadWorkerProgress(*target_));
  DM_ASSIGN_OR_RETURN(ddl_marker_, checkpoint_.LoadDdlMarker(*target_));
  uint32_t worker_count = static_cast<uint32_t>(std::max(1, options_.syncer.worker_count));
  for (const WorkerProgress& p : recovery_) {
    // The replayed changes must go to the workers that applied them first.
    worker_count = p.worker_count;
    if (!recovery_end_ || CompareRowPoints(p.applied, *recovery_end_) > 0) recovery_end_ = p.applied;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    pool_ = std::make_unique<DmlWorkerPool>(PoolOptions(worker_count));
  }

  if (seeded_from_dump) {
    // The definitions go into the checkpoint before any event, so a restart
    // finds them there once the dump's files are gone.
    DM_RETURN_IF_ERROR(Flush());
    if (*seeded_from_dump && options_.on_start_schemas_saved) options_.on_start_schemas_saved();
  }
  if (options_.exit_when_synced) {
    DM_ASSIGN_OR_RETURN(mysql::MasterStatus master, mysql::ReadMasterStatus(*upstream_));
    exit_at_ = binlog::Position{master.file, master.position};
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.syncer_binlog = PositionText(committed_.position);
  status_.syncer_binlog_gtid = committed_.gtid_set;
  status_.binlog_file = committed_.position.file;
  return Status::OK();
}

Status Syncer::Impl::RestartCheckpointAt(const binlog::Location& start) {
  DM_ASSIGN_OR_RETURN(std::optional<GlobalCheckpoint> old, checkpoint_.LoadGlobal(*target_));
  // The exit point is the start itself unless the old checkpoint (or its own
  // exit point) lies further: what was applied up to there may come again.
  GlobalCheckpoint restart{start, start};
  if (old) {
    for (const binlog::Location* reached : {&old->location, old->exit_safe ? &*old->exit_safe : nullptr}) {
      if (reached && binlog::ComparePositions(reached->position, restart.exit_safe->position) > 0) {
        restart.exit_safe = *reached;
      }
    }
  }
  log::Info("start point overrides the checkpoint", {{"task", options_.task}, {"source", options_.source_id},
                                                     {"location", start.ToString()},
                                                     {"safe_mode_until", restart.exit_safe->ToString()}});
  return checkpoint_.Restart(*target_, restart);
}

Status Syncer::Impl::OpenSource() {
  binlog::SocketBinlogSourceOptions source_options;
  source_options.connection = options_.upstream;
  source_options.server_id = options_.server_id;
  // GTID mode needs the GTID set of the start point; a start given as a
  // position only (meta without binlog-gtid) streams by position, and then
  // records no GTID set, since it would lack the history before the start.
  use_gtid_ = options_.enable_gtid && !committed_.gtid_set.empty();
  if (options_.enable_gtid && !use_gtid_) {
    log::Warn("enable-gtid is set but the start point has no GTID set: syncing by binlog position",
              {{"source", options_.source_id}, {"location", committed_.ToString()}});
  }
  if (!use_gtid_) committed_.gtid_set.clear();
  source_options.use_gtid = use_gtid_;
  source_options.start_gtid = committed_.gtid_set;
  source_options.start = committed_.position;
  // Frequent heartbeats let an idle syncer notice it is synced.
  source_options.heartbeat_period = std::chrono::seconds(1);
  DM_ASSIGN_OR_RETURN(source_, binlog::SocketBinlogSource::Open(std::move(source_options)));
  events_ = std::make_unique<binlog::TransactionPayloadSource>(*source_);
  return Status::OK();
}

Status Syncer::Impl::Flush(bool exiting) {
  DM_RETURN_IF_ERROR(pool_->Drain());
  DM_SYNC_POINT("syncer.flush.after-drain");  // rows and worker progress committed, checkpoint not
  GlobalCheckpoint global;
  global.location = committed_;
  if (safe_until_ && binlog::ComparePositions(committed_.position, safe_until_->position) < 0) {
    global.exit_safe = safe_until_;
  } else if (exiting) {
    // A clean stop: nothing past here needs safe mode (the workers' rows
    // cover what a stop inside a transaction applied beyond it).
    global.exit_safe = committed_;
  }
  // Only definitions that changed: a task seeded from a dump tracks every
  // table from the start, and rewriting them all at every flush would cost
  // a statement of the whole schema's size.
  std::vector<TableCheckpoint> tables;
  auto add = [&](const filter::TableName& name, const std::string& create_table, const std::string& collation) {
    std::string info = EncodeTableInfo({create_table, collation});
    auto saved = saved_table_info_.find({name.schema, name.table});
    if (saved == saved_table_info_.end() || saved->second != info) tables.push_back({name, committed_, std::move(info)});
  };
  for (const TrackedTable* t : tracker_->Tables()) add(t->name, t->create_sql, tracker_->SchemaCollation(t->name.schema));
  for (const auto& [key, t] : pending_) add({key.first, key.second}, t.create_table, t.schema_collation);
  // Rows of a transaction whose end has not been read yet are applied but
  // lie past `committed_`: the workers' rows must keep covering them. So
  // must the rows a crashed run left while its changes are being replayed
  // (committed_ not past the last of them): cleared, the replayed changes
  // between here and there would no longer be skipped and would apply twice.
  const bool replaying =
      recovery_end_ && binlog::ComparePositions(committed_.position, recovery_end_->position) <= 0;
  const bool clear_progress = !pushed_in_open_txn_ && !replaying;
  // A marker loaded at start belongs to a DDL ahead that a crashed run may
  // have applied: it must outlive the flushes before that DDL is passed
  // (HandleDdl resets it then), or a kill in between would apply it twice.
  DM_RETURN_IF_ERROR(checkpoint_.Flush(*target_, global, tables, clear_progress, ddl_marker_.has_value()));
  for (TableCheckpoint& t : tables) {
    saved_table_info_[{std::move(t.table.schema), std::move(t.table.table)}] = std::move(t.table_info);
  }
  // Rows of tables the upstream dropped or renamed away go too: at a restart
  // their definitions would come back for a table that no longer exists.
  std::vector<filter::TableName> gone;
  for (auto it = saved_table_info_.begin(); it != saved_table_info_.end();) {
    filter::TableName name{it->first.first, it->first.second};
    if (tracker_->Find(name) != nullptr || pending_.count(it->first) != 0) {
      ++it;
      continue;
    }
    gone.push_back(std::move(name));
    it = saved_table_info_.erase(it);
  }
  DM_RETURN_IF_ERROR(checkpoint_.RemoveTables(*target_, gone));
  last_flush_ = Clock::now();
  dirty_ = false;
  if (!clear_progress) return Status::OK();
  // The workers' rows are gone; the recorded pool size no longer binds.
  recovery_.clear();
  recovery_end_.reset();
  const auto configured = static_cast<uint32_t>(std::max(1, options_.syncer.worker_count));
  if (pool_->worker_count() != configured) {
    std::lock_guard<std::mutex> lock(mu_);
    events_applied_base_ += pool_->applied();
    pool_ = std::make_unique<DmlWorkerPool>(PoolOptions(configured));
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.syncer_binlog = PositionText(committed_.position);
  status_.syncer_binlog_gtid = committed_.gtid_set;
  // The flush may be what catches up with the master position read last.
  UpdateSyncedLocked();
  return Status::OK();
}

Status Syncer::Impl::Run(std::stop_token stop) {
  DM_RETURN_IF_ERROR(Prepare());
  DM_RETURN_IF_ERROR(OpenSource());
  std::stop_callback interrupt(stop, [this] { source_->Interrupt(); });
  Status result;
  binlog::RawEvent event;
  while (true) {
    if (stop.stop_requested()) {
      result = Status::Cancelled("sync stopped");
      break;
    }
    if (Synced()) break;
    auto more = events_->Next(&event);
    if (!more.ok()) {
      result = stop.stop_requested() ? Status::Cancelled("sync stopped") : more.status();
      break;
    }
    if (!*more) break;
    Status s = HandleEvent(event);
    if (!s.ok()) {
      result = std::move(s);
      break;
    }
  }
  // Keep what the workers can still commit: a stop, a synced exit and a
  // failure of the event loop all end with the checkpoint covering it. A
  // worker failure leaves the checkpoint as it was (its rows cover the rest).
  Status flushed = Flush(/*exiting=*/true);
  if (result.ok()) return flushed;
  if (!flushed.ok() && result.code() == StatusCode::kCancelled) return flushed;
  return result;
}

Status Syncer::Impl::HandleEvent(const binlog::RawEvent& event) {
  using binlog::EventType;
  const EventType type = event.header.type;
  if (type == EventType::kFormatDescription) {
    DM_ASSIGN_OR_RETURN(format_, binlog::DecodeFormatDescription(event));
  }
  if (type != EventType::kHeartbeat) DM_RETURN_IF_ERROR(binlog::VerifyChecksum(event, format_));
  switch (type) {
    case EventType::kRotate: {
      std::lock_guard<std::mutex> lock(mu_);
      status_.binlog_file = source_->file_name();
      return Status::OK();
    }
    case EventType::kHeartbeat:
      // Idle: the upstream has nothing more; a pending flush can happen now.
      RefreshMasterStatus();
      if (dirty_ && Clock::now() - last_flush_ >= std::chrono::seconds(options_.syncer.checkpoint_flush_interval)) {
        return Flush();
      }
      return Status::OK();
    case EventType::kTableMap: return HandleTableMap(event);
    case EventType::kXid: return EndTransaction(event);
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed: return HandleQuery(event);
    case EventType::kTransactionPayload:
      // Its inner events come next from events_.
      payload_rows_ = 0;
      return Status::OK();
    default:
      if (binlog::GetRowsEventTraits(type)) return HandleRows(event);
      return Status::OK();
  }
}

Status Syncer::Impl::HandleTableMap(const binlog::RawEvent& event) {
  bool fresh = false;
  DM_ASSIGN_OR_RETURN(binlog::TableMap * map, table_maps_.Update(event, format_, &fresh));
  if (!fresh && tables_.count(map->table_id) > 0) return Status::OK();
  TableState state;
  state.name = {map->schema, map->table};
  // An online schema change tool's copy and trash tables: their rows reach
  // the target through the real table.
  state.skip = !Replicated(state.name) ||
               (online_ddl_ && online_ddl_->RoleOf(map->table) != OnlineDdl::Role::kReal);
  if (!state.skip) {
    const TrackedTable* tracked = tracker_->Find(state.name);
    if (tracked == nullptr) {
      DM_RETURN_IF_ERROR(
          SeedTable(state.name)
              .WithContext(fmt::format("TABLE_MAP at {} for `{}`.`{}`", event.position, map->schema, map->table)));
      tracked = tracker_->Find(state.name);
    }
    if (tracked == nullptr) {
      return Status(
          StatusCode::kFailedPrecondition,
          fmt::format("TABLE_MAP at {}: `{}`.`{}` has no known definition", event.position, map->schema, map->table),
          ErrorCode::kBinlogSchemaMismatch);
    }
    DM_RETURN_IF_ERROR(binlog::ApplySchema(tracked->ToBinlogSchema(), map)
                           .WithContext(fmt::format("TABLE_MAP at {}:{} for `{}`.`{}`", source_->file_name(),
                                                    event.position, map->schema, map->table)));
    for (binlog::RowsKind kind : {binlog::RowsKind::kWrite, binlog::RowsKind::kUpdate, binlog::RowsKind::kDelete}) {
      DM_ASSIGN_OR_RETURN(state.row_actions[static_cast<size_t>(kind)],
                          event_filter_.Filter(map->schema, map->table, RowsEventType(kind), ""));
    }
    DM_ASSIGN_OR_RETURN(filter::TableName target, Route(state.name));
    DM_ASSIGN_OR_RETURN(TableDml dml,
                        TableDml::Make(*tracked, *map, mysql::QualifiedName(target.schema, target.table)));
    state.dml.emplace(std::move(dml));
  }
  tables_[map->table_id] = std::move(state);
  return Status::OK();
}

bool Syncer::Impl::TakeDumpSchemas() {
  // The schema files hold the definitions as of the snapshot, which is the
  // start point: exactly what the first rows events were written with, even
  // when the upstream has changed since and the target's tables differ from
  // the upstream's by design (other types). As DM, a definition that cannot
  // be used is a warning, not a failure.
  bool complete = true;
  for (const std::string& sql : options_.start_schemas->create_databases) {
    auto parsed = ParseStatement(sql, "");
    Status s = parsed.ok() ? tracker_->ApplyDdl(*parsed) : parsed.status();
    if (s.ok()) continue;
    log::Warn("sync cannot replay a CREATE DATABASE of the dump's schema files",
              {{"task", options_.task}, {"source", options_.source_id}, {"statement", QuoteStatementForError(sql)},
               {"error", s}});
    complete = false;
  }
  size_t tables = 0;
  for (const StartTable& t : options_.start_schemas->tables) {
    if (!Replicated(t.table)) {
      continue;
    }
    pending_[{t.table.schema, t.table.table}] = {t.create_table, tracker_->SchemaCollation(t.table.schema)};
    ++tables;
  }
  log::Info("sync takes its table definitions from the dump's schema files",
            {{"task", options_.task}, {"source", options_.source_id}, {"tables", tables}, {"complete", complete}});
  return complete;
}

Status Syncer::Impl::SeedPending(const filter::TableName& table, bool* seeded) {
  *seeded = false;
  auto it = pending_.find({table.schema, table.table});
  if (it == pending_.end()) return Status::OK();
  Status s = tracker_->SeedTable(table, it->second.create_table, it->second.schema_collation);
  // Unavailable/Aborted: the connection, not the definition; it stays
  // pending for the retry.
  if (s.IsRetryable()) return s;
  pending_.erase(it);
  if (s.ok()) {
    *seeded = true;
    return s;
  }
  log::Warn("the schema tracker refuses a saved table definition; the table is read elsewhere",
            {{"task", options_.task}, {"source", options_.source_id},
             {"table", mysql::QualifiedName(table.schema, table.table)}, {"error", s}});
  return Status::OK();
}

Status Syncer::Impl::SeedTable(const filter::TableName& table) {
  bool seeded = false;
  DM_RETURN_IF_ERROR(SeedPending(table, &seeded));
  if (seeded) return Status::OK();
  // Neither the checkpoint nor the dump knew the table. The target's table
  // is the upstream's as of the sync start point when the load created it
  // from the snapshot's definition and the user did not make it otherwise:
  // since then it has changed only by DDL this syncer replayed (DDL on
  // tables not tracked yet reaches the target but not the tracker). The
  // upstream's current definition may already include later DDL, so it is
  // the last resort.
  DM_ASSIGN_OR_RETURN(filter::TableName target, Route(table));
  auto on_target = ReadTableDefinition(*target_, target.schema, target.table, table);
  if (on_target.ok()) return tracker_->SeedTable(table, on_target->create_sql);
  if (on_target.status().code() != StatusCode::kNotFound) return on_target.status();
  log::Warn("the target lacks a replicated table; its definition is taken from the upstream as it is now",
            {{"table", mysql::QualifiedName(table.schema, table.table)}});
  return tracker_->SeedFromUpstream(*upstream_, table);
}

Status Syncer::Impl::HandleRows(const binlog::RawEvent& event) {
  DM_ASSIGN_OR_RETURN(binlog::RowsEvent rows, binlog::DecodeRowsEvent(event, format_, &scratch_));
  const binlog::TableMap* map = table_maps_.Find(rows.table_id);
  auto state_it = tables_.find(rows.table_id);
  if (map == nullptr || state_it == tables_.end()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("rows event at ({}, {}) refers to table id {} without a TABLE_MAP before it",
                              source_->file_name(), event.position, rows.table_id),
                  ErrorCode::kBinlogTableMapMissing);
  }
  const TableState& state = state_it->second;
  if (state.skip) return Status::OK();
  const binlog::RowsKind kind = rows.traits.kind;
  const filter::FilterAction action = state.row_actions[static_cast<size_t>(kind)];
  if (action == filter::FilterAction::kError) {
    return Status::FailedPrecondition(fmt::format("the binlog event filter refuses {} of `{}`.`{}` at {}",
                                                  filter::EventTypeName(RowsEventType(kind)), map->schema, map->table,
                                                  event.position));
  }
  if (action != filter::FilterAction::kDo) return Status::OK();

  const TableDml& dml = *state.dml;
  const size_t n = map->columns.size();
  if (before_.size() < n) before_.resize(n);
  if (after_.size() < n) after_.resize(n);
  const std::span<binlog::Value> before(before_.data(), n), after(after_.data(), n);
  const binlog::Position at{source_->file_name(), event.position};
  const bool safe = SafeModeAt(at);
  binlog::RowsReader reader(rows, *map);
  uint32_t row = event.in_transaction_payload ? payload_rows_ : 0;
  for (; reader.HasNext(); ++row) {
    DM_RETURN_IF_ERROR(
        reader
            .Next(kind == binlog::RowsKind::kWrite ? std::span<binlog::Value>() : before,
                  kind == binlog::RowsKind::kDelete ? std::span<binlog::Value>() : after)
            .WithContext(fmt::format("`{}`.`{}` rows event at {}", map->schema, map->table, at.ToString())));
    keys_.clear();
    if (dml.routes_by_table()) {
      keys_.push_back(dml.table_key());
    } else {
      if (kind != binlog::RowsKind::kWrite) dml.CausalityKeys(before, &keys_);
      if (kind != binlog::RowsKind::kDelete) dml.CausalityKeys(after, &keys_);
    }
    bool conflict = false;
    const uint32_t worker = WorkerForKeys(keys_, pool_->worker_count(), &conflict);
    DmlJob job;
    job.point = {at, row};
    if (recovery_end_) {
      if (CompareRowPoints(job.point, *recovery_end_) > 0) {
        recovery_end_.reset();
      } else {
        // Replayed after a crash: skip it when its worker committed it.
        bool applied = false;
        for (const WorkerProgress& p : recovery_) {
          applied = applied || (p.worker == worker && CompareRowPoints(job.point, p.applied) <= 0);
        }
        if (applied) continue;
      }
    }
    const Status built = BuildJob(dml, kind, before, after, safe, &job);
    DM_RETURN_IF_ERROR(built.WithContext(fmt::format("row {} of the rows event at {}", row, at.ToString())));
    // A change whose keys live on different workers runs alone: every
    // earlier change is applied first, and every later one waits for it
    // (a later change of one of its keys may belong to another worker).
    if (conflict) DM_RETURN_IF_ERROR(pool_->Drain());
    DM_RETURN_IF_ERROR(pool_->Push(worker, std::move(job)));
    if (conflict) DM_RETURN_IF_ERROR(pool_->Drain());
    dirty_ = true;
    pushed_in_open_txn_ = true;
  }
  payload_rows_ = row;
  return reader.status();
}

Status Syncer::Impl::BuildJob(const TableDml& dml, binlog::RowsKind kind, std::span<const binlog::Value> before,
                              std::span<const binlog::Value> after, bool safe, DmlJob* job) {
  const MergeForm& form = *dml.merge_form();
  if (options_.syncer.multiple_rows || options_.syncer.compact) {
    if (kind == binlog::RowsKind::kWrite) {
      job->form = dml.merge_form();
      job->change = RowChange::kInsert;
      job->safe = safe;
      // compact folds an insert with the other changes of its key.
      if (options_.syncer.compact && form.keyed && form.canonical_key && !safe) {
        DM_RETURN_IF_ERROR(dml.MergeKey(after, &job->key));
      }
      return dml.InsertTuple(after, &job->row);
    }
    // Safe mode's DELETE+REPLACE stays per row; so does an update that
    // moves a row to another key, and any change of a table with several
    // unique keys (merged, its rows could collide on another key).
    if (form.keyed && !safe) {
      DM_RETURN_IF_ERROR(dml.MergeKey(before, &job->key));
      if (kind == binlog::RowsKind::kDelete) {
        job->form = dml.merge_form();
        job->change = RowChange::kDelete;
        return Status::OK();
      }
      key_scratch_.clear();
      DM_RETURN_IF_ERROR(dml.MergeKey(after, &key_scratch_));
      if (key_scratch_ == job->key) {
        job->form = dml.merge_form();
        job->change = RowChange::kUpdate;
        return dml.InsertTuple(after, &job->row);
      }
      job->key.clear();
    }
  }
  switch (kind) {
    case binlog::RowsKind::kWrite: return dml.Insert(after, safe, &job->statements);
    case binlog::RowsKind::kUpdate: return dml.Update(before, after, safe, &job->statements);
    case binlog::RowsKind::kDelete: return dml.Delete(before, &job->statements);
  }
  return Status::Internal("unknown rows event kind");
}

Status Syncer::Impl::EndTransaction(const binlog::RawEvent& event) {
  pool_->Kick();  // the transaction's last partial batches go out now
  committed_.position = {source_->file_name(), events_->position()};
  if (use_gtid_) committed_.gtid_set = source_->gtid_state();
  pushed_in_open_txn_ = false;
  ++transactions_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
    status_.total_tps = transactions_ / static_cast<uint64_t>(std::max<int64_t>(1, elapsed));
    // recentTps: over the window since the last sample, at least 5 s long.
    const auto now = Clock::now();
    const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(now - tps_sample_time_).count();
    if (window >= 5000) {
      status_.recent_tps = (transactions_ - tps_sample_count_) * 1000 / static_cast<uint64_t>(window);
      tps_sample_time_ = now;
      tps_sample_count_ = transactions_;
    }
    int64_t lag = static_cast<int64_t>(std::time(nullptr)) - static_cast<int64_t>(event.header.timestamp);
    status_.seconds_behind_master = std::max<int64_t>(0, lag);
  }
  RefreshMasterStatus();
  if (Clock::now() - last_flush_ >= std::chrono::seconds(options_.syncer.checkpoint_flush_interval) || Synced()) {
    return Flush();
  }
  return Status::OK();
}

Status Syncer::Impl::HandleQuery(const binlog::RawEvent& event) {
  DM_ASSIGN_OR_RETURN(binlog::QueryEvent query, binlog::DecodeQuery(event, format_, &scratch_));
  if (IsStatement(query.query, "BEGIN")) return Status::OK();
  if (IsStatement(query.query, "COMMIT")) return EndTransaction(event);
  return HandleDdl(event, query);
}

Result<std::string> Syncer::Impl::TargetDefinitions(const DdlStatement& statement) {
  std::string out;
  for (const NameRef& ref : statement.names) {
    DM_ASSIGN_OR_RETURN(filter::TableName target, Route(ref.name));
    std::string sql = ref.name.table.empty() ? "SHOW CREATE DATABASE " + mysql::QuoteIdentifier(target.schema)
                                             : "SHOW CREATE TABLE " + mysql::QualifiedName(target.schema, target.table);
    auto rows = target_->QueryRows(sql);
    out += sql + "\n";
    // A missing object is part of the picture too (CREATE/DROP).
    out += rows.ok() && !rows->empty() && rows->at(0).size() >= 2 ? rows->at(0)[1].value_or("") : "(absent)";
    out += "\n";
  }
  return out;
}

Status Syncer::Impl::HandleDdl(const binlog::RawEvent& event, const binlog::QueryEvent& query) {
  const SqlDialect dialect = SqlDialect::FromSqlMode(query.sql_mode.value_or(0));
  const std::string where = fmt::format("QUERY at ({}, {})", source_->file_name(), event.position);
  auto parsed = ParseStatement(query.query, query.schema, dialect);
  if (!parsed.ok()) return std::move(parsed).status().WithContext(where);
  DdlStatement statement = std::move(*parsed);
  if (statement.kind == StatementKind::kNotDdl) {
    log::Info("sync skips a statement that changes no schema",
              {{"statement", statement.keywords}, {"position", where}});
    return Status::OK();
  }
  if (statement.kind == StatementKind::kDml) {
    return Status(StatusCode::kFailedPrecondition,
                  where + ": statement-based DML cannot be replicated exactly; set binlog_format=ROW upstream: " +
                      QuoteStatementForError(query.query),
                  ErrorCode::kSyncerUnitParseStmt);
  }
  if (statement.temporary) return Status::OK();
  // DDL is a barrier: everything before it is applied and checkpointed.
  DM_RETURN_IF_ERROR(Flush());
  auto split = SplitPerTable(statement);
  if (!split.ok()) return std::move(split).status().WithContext(where);
  std::vector<DdlStatement> parts = std::move(*split);
  std::vector<TableName> swapped_shadows;
  if (online_ddl_) {
    auto rewritten = online_ddl_->Rewrite(std::move(parts), {source_->file_name(), event.position}, dialect, *target_,
                                          [this](const TableName& real) { return Replicated(real); }, &swapped_shadows);
    if (!rewritten.ok()) return std::move(rewritten).status().WithContext(where);
    parts = std::move(*rewritten);
  }
  for (uint32_t i = 0; i < parts.size(); ++i) {
    DM_RETURN_IF_ERROR(ApplyDdlPart(event, query, parts[i], i).WithContext(where));
  }
  ddl_marker_.reset();
  table_maps_.Clear();
  tables_.clear();
  committed_.position = {source_->file_name(), events_->position()};
  if (use_gtid_) committed_.gtid_set = source_->gtid_state();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++ddls_applied_;
  }
  DM_RETURN_IF_ERROR(Flush());
  // Only now: a restart before this flush replays the swap and needs them.
  for (const TableName& shadow : swapped_shadows) DM_RETURN_IF_ERROR(online_ddl_->Forget(*target_, shadow));
  return Status::OK();
}

Status Syncer::Impl::ApplyDdlPart(const binlog::RawEvent& event, const binlog::QueryEvent& query,
                                  const DdlStatement& part, uint32_t index) {
  if (part.names.empty()) return Status::OK();
  const NameRef& subject = part.names.front();
  if (!Replicated(subject.name)) return Status::OK();
  DM_ASSIGN_OR_RETURN(filter::FilterAction action, event_filter_.Filter(subject.name.schema, subject.name.table,
                                                                        FilterEventType(part.kind), part.sql));
  if (action == filter::FilterAction::kError) {
    return Status::FailedPrecondition("the binlog event filter refuses " + QuoteStatementForError(part.sql));
  }
  if (action != filter::FilterAction::kDo) return Status::OK();
  if (!subject.name.table.empty()) {
    DM_ASSIGN_OR_RETURN(bool wildcard_merge, router_.MergesMany(subject.name.schema, subject.name.table));
    if (wildcard_merge || (options_.merged_by_other_sources && options_.merged_by_other_sources(subject.name))) {
      DM_ASSIGN_OR_RETURN(filter::TableName target, Route(subject.name));
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("{} changes `{}`.`{}`, which several upstream tables are merged into; running it "
                                "once per shard is not safe without shard DDL coordination",
                                QuoteStatementForError(part.sql), target.schema, target.table),
                    ErrorCode::kSyncerShardDDLNotCoordinated);
    }
  }
  DM_ASSIGN_OR_RETURN(std::string routed,
                      RewriteNames(part, [this](const filter::TableName& source) { return Route(source); }));
  DM_ASSIGN_OR_RETURN(std::string before, TargetDefinitions(part));
  const binlog::Position at{source_->file_name(), event.position};
  bool already_applied = false;
  if (ddl_marker_ && ddl_marker_->position == at) {
    // A crash hit this DDL: the parts before the marked one ran; the marked
    // one ran when the target no longer looks as it did before it.
    already_applied = index < ddl_marker_->part || (index == ddl_marker_->part && ddl_marker_->target_before != before);
  }
  if (!already_applied) {
    DM_RETURN_IF_ERROR(checkpoint_.SaveDdlMarker(*target_, {at, index, before}));
    DM_SYNC_POINT("syncer.ddl.before-target");
    // In the upstream session's character set: the text is in its client
    // character set. target_ gets its own back (checkpoint rows).
    DM_RETURN_IF_ERROR(ExecuteInEventCharset(*target_, routed, query.charset)
                           .WithContext("applying " + QuoteStatementForError(routed)));
    DM_SYNC_POINT("syncer.ddl.after-target");
    log::Info("sync applied a DDL",
              {{"task", options_.task}, {"source", options_.source_id}, {"ddl", routed}, {"position", at.ToString()}});
  } else {
    log::Info("sync found a DDL already applied before a restart", {{"ddl", routed}, {"position", at.ToString()}});
  }
  // The tracker replays DDL on tracked tables only: the tables it names
  // that have a pending definition must be in it first (a RENAME's target
  // or an IF NOT EXISTS table is then handled as the upstream did).
  for (const NameRef& ref : part.names) {
    if (ref.name.table.empty()) continue;
    bool seeded = false;
    DM_RETURN_IF_ERROR(SeedPending(ref.name, &seeded));
  }
  if (part.kind == StatementKind::kDropDatabase) {
    std::erase_if(pending_, [&](const auto& entry) { return entry.first.first == subject.name.schema; });
  }
  return tracker_->ApplyDdl(part, query.sql_mode.value_or(0), query.charset);
}

Syncer::Syncer(SyncerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Syncer::~Syncer() = default;
Status Syncer::Run(std::stop_token stop) { return impl_->Run(stop); }
SyncStatus Syncer::Snapshot() const { return impl_->Snapshot(); }

}  // namespace dm::sync
