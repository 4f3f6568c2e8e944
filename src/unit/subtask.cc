#include "unit/subtask.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "dump/dump.h"
#include "filter/block_allow_list.h"
#include "filter/table_router.h"
#include "load/checkpoint.h"
#include "load/dump_dir.h"
#include "load/dump_metadata.h"
#include "load/loader.h"
#include "mysql/quote.h"
#include "sync/checkpoint.h"
#include "sync/online_ddl.h"
#include "sync/start_time.h"

namespace dm::unit {
namespace fs = std::filesystem;

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kNew: return "New";
    case Stage::kRunning: return "Running";
    case Stage::kPaused: return "Paused";
    case Stage::kStopped: return "Stopped";
    case Stage::kFinished: return "Finished";
  }
  return "";
}

std::string_view UnitName(UnitKind unit) {
  switch (unit) {
    case UnitKind::kNone: return "";
    case UnitKind::kDump: return "Dump";
    case UnitKind::kLoad: return "Load";
    case UnitKind::kSync: return "Sync";
  }
  return "";
}

mysql::ConnectionOptions ToConnectionOptions(const config::DBConfig& db) {
  mysql::ConnectionOptions options;
  options.host = db.host;
  options.port = db.port;
  options.user = db.user;
  options.password = db.password;
  for (const auto& [name, value] : db.session) options.session_variables[name] = value;
  if (db.security) {
    options.tls.ssl_ca = db.security->ssl_ca;
    options.tls.ssl_cert = db.security->ssl_cert;
    options.tls.ssl_key = db.security->ssl_key;
    options.tls.cert_allowed_cn = db.security->cert_allowed_cn;
  }
  return options;
}

sync::BinlogSchemaScope BinlogSchemaScopeFor(const config::TaskConfig& task, const config::MySQLInstance& instance,
                                             const config::SourceConfig& source) {
  sync::BinlogSchemaScope scope{task.name,
                                source.source_id,
                                task.meta_schema,
                                ToConnectionOptions(source.from),
                                ToConnectionOptions(task.target_database),
                                {},
                                task.case_sensitive};
  for (const std::string& name : instance.route_rules) scope.routes.push_back(task.routes.at(name));
  return scope;
}

SubTask::SubTask(const config::TaskConfig& task, const config::MySQLInstance& instance,
                 const config::SourceConfig& source, bool exit_when_synced, StartTimeArg start_time)
    : task_(task),
      instance_(instance),
      source_(source),
      exit_when_synced_(exit_when_synced),
      start_time_(std::move(start_time)) {}

std::string SubTask::DumpDir() const {
  return (fs::path(instance_.resolved.loader.dir) / fmt::format("{}.{}", task_.name, source_.source_id)).string();
}

SubTaskStatus SubTask::Snapshot() {
  SubTaskStatus status;
  status.task = task_.name;
  status.source_id = source_.source_id;
  {
    std::lock_guard lock(mu_);
    status.stage = stage_;
    status.unit = unit_;
    status.dump_started = dump_started_;
    status.load_started = load_started_;
    status.sync_started = sync_started_;
    status.start_time_consumed = start_time_consumed_;
    status.error = error_;
    if (syncer_) status.sync = syncer_->Snapshot();
  }
  if (status.dump_started) status.dump = dump_progress_.Snapshot();
  if (status.load_started) status.load = load_progress_.Snapshot();
  return status;
}

void SubTask::SetUnit(UnitKind unit) {
  std::lock_guard lock(mu_);
  stage_ = Stage::kRunning;
  unit_ = unit;
  if (unit == UnitKind::kDump) dump_started_ = true;
  if (unit == UnitKind::kLoad) load_started_ = true;
  if (unit == UnitKind::kSync) sync_started_ = true;
}

void SubTask::Finish(Stage stage, Status error) {
  std::lock_guard lock(mu_);
  stage_ = stage;
  error_ = std::move(error);
}

Status SubTask::Run(std::stop_token stop) {
  Status status;
  switch (task_.task_mode) {
    case config::TaskMode::kFull:
      status = RunFull(stop, /*sync_follows=*/false);
      break;
    case config::TaskMode::kAll: {
      status = RefuseExtractColumnsInSync();
      // After a failover the new worker has no dump files; a sync that has
      // started (its checkpoint exists) goes on from the checkpoint.
      Result<bool> sync_started = status.ok() ? SyncHasStarted() : Result<bool>(status);
      status = sync_started.status();
      if (status.ok() && !*sync_started) status = RunFull(stop, /*sync_follows=*/true);
      if (status.ok()) status = RunSync(stop);
      break;
    }
    case config::TaskMode::kIncremental:
      status = RefuseExtractColumnsInSync();
      if (status.ok()) status = RunSync(stop);
      break;
    default:
      status = Status::FailedPrecondition(
          fmt::format("task-mode '{}' is not supported yet: this build runs task-mode full, all and incremental",
                      config::EnumToString(task_.task_mode)));
  }
  if (status.ok()) {
    Finish(Stage::kFinished, Status::OK());
  } else {
    status = std::move(status).WithContext(fmt::format("task '{}' source '{}'", task_.name, source_.source_id));
    Finish(status.code() == StatusCode::kCancelled ? Stage::kStopped : Stage::kPaused, status);
  }
  return status;
}

Result<bool> SubTask::LoadHasStarted() {
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(ToConnectionOptions(task_.target_database)));
  load::LoaderCheckpoint checkpoint(task_.meta_schema, task_.name, source_.source_id);
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  DM_ASSIGN_OR_RETURN(auto rows, checkpoint.LoadAll(conn));
  return !rows.empty();
}

Result<bool> SubTask::SyncHasStarted() {
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(ToConnectionOptions(task_.target_database)));
  sync::SyncerCheckpoint checkpoint(task_.meta_schema, task_.name, source_.source_id);
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  DM_ASSIGN_OR_RETURN(auto global, checkpoint.LoadGlobal(conn));
  return global.has_value();
}

Status RemoveTaskMeta(const config::TaskConfig& task, const std::string& source_id) {
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(ToConnectionOptions(task.target_database)));
  load::LoaderCheckpoint loader(task.meta_schema, task.name, source_id);
  DM_RETURN_IF_ERROR(loader.Prepare(conn));
  DM_RETURN_IF_ERROR(loader.Remove(conn));
  sync::SyncerCheckpoint syncer(task.meta_schema, task.name, source_id);
  DM_RETURN_IF_ERROR(syncer.Prepare(conn));
  DM_RETURN_IF_ERROR(syncer.Remove(conn));
  DM_ASSIGN_OR_RETURN(sync::OnlineDdl online_ddl, sync::OnlineDdl::Create(task.shadow_table_rules, task.trash_table_rules,
                                                                         task.meta_schema, task.name, source_id));
  DM_RETURN_IF_ERROR(online_ddl.Load(conn));
  return online_ddl.ForgetAll(conn);
}

Result<std::string> SyncCheckpointStamp(const config::TaskConfig& task, const std::string& source_id) {
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(ToConnectionOptions(task.target_database)));
  sync::SyncerCheckpoint checkpoint(task.meta_schema, task.name, source_id);
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  // The server's timestamps tell apart two flushes at one position: the
  // global row is inserted afresh after the syncer removes it for a start
  // time, and every update stamps update_time.
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows(fmt::format(
                                     "SELECT binlog_name, binlog_pos, binlog_gtid, create_time, update_time FROM {} "
                                     "WHERE id = {} AND is_global = 1",
                                     checkpoint.table(), mysql::QuoteString(source_id, conn.escaping()))));
  if (rows.empty()) return std::string();
  const mysql::Row& row = rows.front();
  auto text = [&row](size_t i) { return row[i].value_or(""); };
  return fmt::format("({}, {}) gtid '{}' created {} updated {}", text(0), text(1), text(2), text(3), text(4));
}

Status SubTask::RunFull(std::stop_token stop, bool sync_follows) {
  const std::string dir = DumpDir();
  bool dump_complete = fs::exists(fs::path(dir) / "metadata");
  DM_RETURN_IF_ERROR(SettleEarlyLoad(dump_complete));
  DM_ASSIGN_OR_RETURN(bool load_started, LoadHasStarted());
  // An earlier version's clean-dump-file kept only `metadata` once the load
  // was done; without the load's checkpoint (start-task --remove-meta) such
  // a directory holds no rows to load, so the snapshot is taken again.
  if (dump_complete && !load_started) {
    dump_complete = std::any_of(fs::directory_iterator(dir), fs::directory_iterator(),
                                [](const fs::directory_entry& e) { return e.path().filename() != "metadata"; });
  }
  DM_ASSIGN_OR_RETURN(load::LoadOptions load_options, LoadOptionsForTask(sync_follows));
  if (!dump_complete && !load_started) return DumpAndLoad(stop, std::move(load_options));

  log::Info("skipping dump: a finished dump or a started load exists", {{"task", task_.name},
                                                                        {"source", source_.source_id}});
  SetUnit(UnitKind::kLoad);
  DM_ASSIGN_OR_RETURN(load::LoadResult loaded, load::RunLoad(load_options, stop, &load_progress_));
  log::Info("load unit finished", {{"task", task_.name}, {"source", source_.source_id},
                                   {"tables_created", loaded.tables_created}, {"files", loaded.files_loaded},
                                   {"bytes", loaded.bytes_loaded}, {"already_complete", loaded.already_complete}});
  return Status::OK();
}

Result<dump::DumpOptions> SubTask::DumpOptionsForTask() const {
  dump::DumpOptions options;
  options.source = ToConnectionOptions(source_.from);
  options.output_dir = DumpDir();
  options.case_sensitive = task_.case_sensitive;
  if (!instance_.block_allow_list.empty()) {
    options.block_allow_list = task_.block_allow_list.at(instance_.block_allow_list);
  }
  DM_RETURN_IF_ERROR(dump::ApplyMydumperConfig(instance_.resolved.mydumper, &options));
  return options;
}

Result<load::LoadOptions> SubTask::LoadOptionsForTask(bool sync_follows) const {
  std::vector<config::RouteRule> rules;
  for (const std::string& name : instance_.route_rules) rules.push_back(task_.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter routes, filter::TableRouter::Create(rules, task_.case_sensitive));
  auto router = std::make_shared<const filter::TableRouter>(std::move(routes));
  load::LoadOptions options;
  options.target = ToConnectionOptions(task_.target_database);
  options.task = task_.name;
  options.source_id = source_.source_id;
  options.meta_schema = task_.meta_schema;
  options.dump_dir = DumpDir();
  options.pool_size = instance_.resolved.loader.pool_size;
  options.on_duplicate = instance_.resolved.loader.on_duplicate_logical;
  options.case_sensitive = task_.case_sensitive;
  options.clean_dump_file = task_.clean_dump_file && !sync_follows;
  if (!router->empty()) {
    options.route = [router](const load::TableName& source) -> Result<load::TableName> {
      DM_ASSIGN_OR_RETURN(filter::TableName target, router->Route(source.schema, source.table));
      return load::TableName{std::move(target.schema), std::move(target.table)};
    };
    options.extra_columns = [router, source_id = source_.source_id](const load::TableName& source) {
      std::vector<load::ExtraColumn> columns;
      for (filter::ExtraColumn& c : router->ExtraColumns(source.schema, source.table, source_id)) {
        columns.push_back({std::move(c.column), std::move(c.value)});
      }
      return columns;
    };
  }
  return options;
}

Status SubTask::DumpAndLoad(std::stop_token stop, load::LoadOptions load_options) {
  const std::string dir = DumpDir();
  DM_ASSIGN_OR_RETURN(dump::DumpOptions dump_options, DumpOptionsForTask());
  DM_ASSIGN_OR_RETURN(load_options.shared_target, OtherSourcesMayLoadInto());
  {
    std::lock_guard lock(mu_);
    stage_ = Stage::kRunning;
    unit_ = UnitKind::kDump;
    dump_started_ = true;
    load_started_ = true;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);  // an unfinished dump cannot be resumed
  load::DumpFeed feed;
  dump_options.on_schema_files_written = [&feed] { feed.SchemaReady(); };
  dump_options.on_data_file_written = [&feed](const dump::DumpFile& f) {
    feed.Add({f.name, f.schema, f.table, f.bytes});
  };
  load_options.feed = &feed;
  // The dump stops with the subtask, or when the load failed.
  std::stop_source dump_stop;
  std::stop_callback forward(stop, [&dump_stop] { dump_stop.request_stop(); });
  Status dump_status;
  std::jthread dumper([&] {
    log::Info("dump unit starts", {{"task", task_.name}, {"source", source_.source_id}, {"dir", dir}});
    Result<dump::DumpResult> dumped = dump::RunDump(dump_options, dump_stop.get_token(), &dump_progress_);
    if (dumped.ok()) {
      log::Info("dump unit finished",
                {{"task", task_.name}, {"source", source_.source_id}, {"tables", dumped->tables},
                 {"rows", dumped->rows}, {"bytes", dumped->bytes},
                 {"binlog", fmt::format("({}, {})", dumped->position.file, dumped->position.pos)}});
      SetUnit(UnitKind::kLoad);
    } else {
      dump_status = dumped.status();
    }
    feed.Finish(dump_status);
  });
  Result<load::LoadResult> loaded = load::RunLoad(load_options, stop, &load_progress_);
  if (!loaded.ok()) dump_stop.request_stop();
  dumper.join();
  if (!loaded.ok()) {
    // A dump that failed by itself is the cause; a cancelled one stopped
    // because the load failed (or the subtask was stopped).
    if (!dump_status.ok() && dump_status.code() != StatusCode::kCancelled) return dump_status;
    return loaded.status();
  }
  if (!dump_status.ok()) return dump_status;
  log::Info("load unit finished", {{"task", task_.name}, {"source", source_.source_id},
                                   {"tables_created", loaded->tables_created}, {"files", loaded->files_loaded},
                                   {"bytes", loaded->bytes_loaded}, {"overlapped_with_dump", true}});
  return Status::OK();
}

Status SubTask::SettleEarlyLoad(bool dump_complete) {
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(ToConnectionOptions(task_.target_database)));
  load::EarlyLoadRecord record(task_.meta_schema, task_.name, source_.source_id);
  DM_RETURN_IF_ERROR(record.Prepare(conn));
  DM_ASSIGN_OR_RETURN(load::EarlyLoadRecord::State state, record.Load(conn));
  if (!state.started && state.tables.empty()) return Status::OK();
  // The dump finished before the process stopped: its rows stand and the
  // load resumes from its checkpoint.
  if (dump_complete) return record.Clear(conn);
  std::string dropped;
  for (const auto& [schema, table] : state.tables) dropped += (dropped.empty() ? "" : ", ") + mysql::QualifiedName(schema, table);
  log::Warn("the load had started on a dump that never finished: that snapshot is lost, so the tables the load "
            "created are dropped and dump and load start again",
            {{"task", task_.name}, {"source", source_.source_id}, {"dropped", dropped}});
  // The record is cleared last: a kill before that repeats the whole step.
  for (const auto& [schema, table] : state.tables) {
    DM_RETURN_IF_ERROR(conn.Execute("DROP TABLE IF EXISTS " + mysql::QualifiedName(schema, table)));
  }
  load::LoaderCheckpoint checkpoint(task_.meta_schema, task_.name, source_.source_id);
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  DM_RETURN_IF_ERROR(checkpoint.Remove(conn));
  std::error_code ec;
  fs::remove_all(DumpDir(), ec);
  if (ec) {
    return Status::Internal(fmt::format("cannot remove the unfinished dump {}: {}", DumpDir(), ec.message()))
        .WithErrorCode(ErrorCode::kDumpWriteFile);
  }
  return record.Clear(conn);
}

Result<std::shared_ptr<const std::vector<SubTask::OtherInstance>>> SubTask::OtherInstances() const {
  auto others = std::make_shared<std::vector<OtherInstance>>();
  for (const config::MySQLInstance& other : task_.mysql_instances) {
    if (other.source_id == instance_.source_id) continue;
    OtherInstance o;
    if (!other.block_allow_list.empty()) {
      DM_ASSIGN_OR_RETURN(o.block_allow, filter::BlockAllowList::Create(task_.block_allow_list.at(other.block_allow_list),
                                                                        task_.case_sensitive));
    }
    for (const std::string& name : other.route_rules) o.rules.push_back(task_.routes.at(name));
    DM_ASSIGN_OR_RETURN(o.router, filter::TableRouter::Create(o.rules, task_.case_sensitive));
    others->push_back(std::move(o));
  }
  return std::shared_ptr<const std::vector<OtherInstance>>(std::move(others));
}

Result<std::function<bool(const load::TableName&)>> SubTask::OtherSourcesMayLoadInto() const {
  DM_ASSIGN_OR_RETURN(auto others, OtherInstances());
  const bool case_sensitive = task_.case_sensitive;
  return std::function<bool(const load::TableName&)>([others, case_sensitive](const load::TableName& target) {
    auto same = [case_sensitive](std::string_view a, std::string_view b) {
      return case_sensitive ? a == b : EqualsIgnoreCase(a, b);
    };
    for (const OtherInstance& o : *others) {
      // A rule naming this target (an empty target-table keeps table names,
      // an empty target-schema keeps schema names: either may match).
      for (const config::RouteRule& rule : o.rules) {
        if ((rule.target_schema.empty() || same(rule.target_schema, target.schema)) &&
            (rule.target_table.empty() || same(rule.target_table, target.table))) {
          return true;
        }
      }
      // An upstream table of the same name that the other source keeps.
      if (!o.block_allow.Match(target.schema, target.table)) continue;
      auto theirs = o.router.Route(target.schema, target.table);
      if (!theirs.ok() || (same(theirs->schema, target.schema) && same(theirs->table, target.table))) return true;
    }
    return false;
  });
}

Result<std::function<bool(const filter::TableName&)>> SubTask::OtherSourcesMerge() const {
  DM_ASSIGN_OR_RETURN(auto others, OtherInstances());
  if (others->empty()) return std::function<bool(const filter::TableName&)>();
  std::vector<config::RouteRule> own_rules;
  for (const std::string& name : instance_.route_rules) own_rules.push_back(task_.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter own, filter::TableRouter::Create(own_rules, task_.case_sensitive));
  return std::function<bool(const filter::TableName&)>(
      [others, own = std::move(own)](const filter::TableName& source) {
        auto target = own.Route(source.schema, source.table);
        if (!target.ok()) return false;
        for (const OtherInstance& o : *others) {
          if (!o.block_allow.Match(source.schema, source.table)) continue;
          auto theirs = o.router.Route(source.schema, source.table);
          if (theirs.ok() && *theirs == *target) return true;
        }
        return false;
      });
}

Status SubTask::RefuseExtractColumnsInSync() const {
  for (const std::string& name : instance_.route_rules) {
    const config::RouteRule& rule = task_.routes.at(name);
    if (rule.extract_table || rule.extract_schema || rule.extract_source) {
      return Status::FailedPrecondition(fmt::format(
          "route rule '{}' uses extract-table/extract-schema/extract-source, which the sync unit does not fill yet "
          "(task-mode full fills them)",
          name));
    }
  }
  return Status::OK();
}

std::shared_ptr<const sync::StartSchemas> SubTask::ReadStartSchemas(bool* complete) const {
  auto schemas = std::make_shared<sync::StartSchemas>();
  auto dir = load::ClassifyDumpDir(DumpDir());
  if (!dir.ok()) {
    *complete = false;
    log::Warn("sync cannot read the dump's schema files", {{"task", task_.name}, {"source", source_.source_id},
                                                          {"dir", DumpDir()}, {"error", dir.status()}});
    return schemas;
  }
  auto skip = [&](const std::string& path, const Status& s) {
    *complete = false;
    log::Warn("sync cannot read a dump schema file", {{"task", task_.name}, {"source", source_.source_id},
                                                      {"file", path}, {"error", s}});
  };
  for (const load::DumpDatabase& db : dir->databases) {
    if (!db.create_file) continue;
    auto file = load::ReadSchemaFile(db.create_file->path, load::StatementKind::kCreateDatabase);
    if (!file.ok()) {
      skip(db.create_file->path, file.status());
      continue;
    }
    schemas->create_databases.push_back(file->create().text);
  }
  for (const load::DumpTable& t : dir->tables) {
    auto file = load::ReadSchemaFile(t.schema_file.path, load::StatementKind::kCreateTable);
    if (!file.ok()) {
      skip(t.schema_file.path, file.status());
      continue;
    }
    // A sequence has no rows to decode.
    if (file->create().head.kind != load::StatementKind::kCreateTable) continue;
    schemas->tables.push_back({{t.schema, t.table}, file->create().text, t.schema_file.path});
  }
  return schemas;
}

Status SubTask::RunSync(std::stop_token stop) {
  sync::SyncerOptions options;
  options.task = task_.name;
  options.source_id = source_.source_id;
  options.meta_schema = task_.meta_schema;
  options.upstream = ToConnectionOptions(source_.from);
  options.target = ToConnectionOptions(task_.target_database);
  options.server_id = source_.server_id;
  options.enable_gtid = source_.enable_gtid;
  options.syncer = instance_.resolved.syncer;
  options.case_sensitive = task_.case_sensitive;
  if (!instance_.block_allow_list.empty()) {
    options.block_allow_list = task_.block_allow_list.at(instance_.block_allow_list);
  }
  for (const std::string& name : instance_.route_rules) options.routes.push_back(task_.routes.at(name));
  for (const std::string& name : instance_.filter_rules) options.filters.push_back(task_.filters.at(name));
  if (task_.online_ddl) {
    options.online_ddl_rules = {task_.shadow_table_rules, task_.trash_table_rules};
  }
  options.exit_when_synced = exit_when_synced_;
  DM_ASSIGN_OR_RETURN(options.merged_by_other_sources, OtherSourcesMerge());
  if (task_.task_mode == config::TaskMode::kAll) {
    // Sync starts where the dump's snapshot is; a dump taken without a
    // consistent lock (consistency none) is replayed in safe mode up to the
    // position read once every dump connection had its snapshot.
    const std::string path = (fs::path(DumpDir()) / "metadata").string();
    DM_ASSIGN_OR_RETURN(bool sync_started, SyncHasStarted());
    if (!sync_started && fs::exists(path)) {
      DM_ASSIGN_OR_RETURN(load::DumpMetadata metadata, load::ReadDumpMetadata(path));
      if (!metadata.master) return Status::FailedPrecondition(path + ": no binlog position (is the upstream's binlog on?)");
      options.start = binlog::Location{{metadata.master->file, metadata.master->pos}, metadata.master->gtid};
      if (metadata.after_connection_pool && !(*metadata.after_connection_pool == *metadata.master)) {
        const load::BinlogPoint& p = *metadata.after_connection_pool;
        options.safe_mode_until = binlog::Location{{p.file, p.pos}, p.gtid};
      }
      // --start-time starts elsewhere: the snapshot's definitions do not fit.
      bool complete = true;
      if (start_time_.time.empty()) options.start_schemas = ReadStartSchemas(&complete);
      if (complete && task_.clean_dump_file) {
        options.on_start_schemas_saved = [dir = DumpDir(), task = task_.name, source = source_.source_id] {
          std::error_code ec;
          fs::remove_all(dir, ec);
          // The sync does not need the files any more; leftovers cost disk only.
          if (ec) {
            log::Warn("cannot remove dump files", {{"task", task}, {"source", source}, {"dir", dir}, {"error", ec.message()}});
          } else {
            log::Info("removed dump files (clean-dump-file)", {{"task", task}, {"source", source}, {"dir", dir}});
          }
        };
      }
    }
  } else if (instance_.meta) {
    options.start = binlog::Location{{instance_.meta->binlog_name, instance_.meta->binlog_pos == 0
                                                                       ? binlog::kFirstEventOffset
                                                                       : instance_.meta->binlog_pos},
                                     instance_.meta->binlog_gtid};
  }
  DM_ASSIGN_OR_RETURN(const bool from_start_time, StartTimeApplies());
  if (from_start_time) {
    DM_ASSIGN_OR_RETURN(int64_t at, sync::StartTimeSeconds(start_time_.time, task_.timezone, options.target));
    DM_ASSIGN_OR_RETURN(options.start, sync::LocateStartTime(options.upstream, options.server_id, at));
    options.start_overrides_checkpoint = true;
    options.safe_mode_until.reset();
    log::Info("--start-time resolved", {{"task", task_.name}, {"source", source_.source_id},
                                         {"start_time", start_time_.time}, {"location", options.start->ToString()}});
  }
  SetUnit(UnitKind::kSync);
  std::jthread watch;
  if (from_start_time && start_time_.checkpoint_at_start_task) {
    watch = std::jthread([this](std::stop_token watch_stop) { WatchStartTimeConsumed(watch_stop); });
  }
  // A lost upstream or target (restart, network) pauses sync; it resumes by
  // itself from the checkpoint with a growing pause, as DM's task checker
  // auto-resumes subtasks paused by resumable errors.
  auto backoff = std::chrono::seconds(1);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      syncer_ = std::make_unique<sync::Syncer>(options);
    }
    log::Info("sync unit starts", {{"task", task_.name}, {"source", source_.source_id}});
    Status s = syncer_->Run(stop);
    // Resuming continues from the checkpoint, not from --start-time again.
    options.start_overrides_checkpoint = false;
    if (s.ok() || !s.IsRetryable() || stop.stop_requested()) return s;
    log::Warn("sync paused by a resumable error; resuming from the checkpoint",
              {{"task", task_.name}, {"source", source_.source_id}, {"error", s}, {"after_s", backoff.count()}});
    {
      std::lock_guard lock(mu_);
      error_ = s;
    }
    const auto until = std::chrono::steady_clock::now() + backoff;
    while (std::chrono::steady_clock::now() < until) {
      if (stop.stop_requested()) return Status::Cancelled("sync stopped while paused: " + s.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    {
      std::lock_guard lock(mu_);
      error_ = Status::OK();
    }
    backoff = std::min<std::chrono::seconds>(backoff * 2, std::chrono::seconds(30));
  }
}

Result<bool> SubTask::StartTimeApplies() {
  if (start_time_.time.empty()) return false;
  if (!start_time_.checkpoint_at_start_task) return true;
  DM_ASSIGN_OR_RETURN(std::string stamp, SyncCheckpointStamp(task_, source_.source_id));
  // The syncer replaces the checkpoint by the start point before applying
  // anything from it, so the checkpoint start-task saw (or none) means the
  // time has not been applied yet.
  if (stamp.empty() || stamp == *start_time_.checkpoint_at_start_task) return true;
  log::Info("--start-time already applied: a checkpoint was written after it; resuming from the checkpoint",
            {{"task", task_.name}, {"source", source_.source_id}, {"start_time", start_time_.time},
             {"checkpoint", stamp}});
  std::lock_guard lock(mu_);
  start_time_consumed_ = true;
  return false;
}

void SubTask::WatchStartTimeConsumed(std::stop_token stop) {
  constexpr auto kPollInterval = std::chrono::seconds(1);
  std::mutex wait_mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(wait_mu);
      wake.wait_for(lock, stop, kPollInterval, [] { return false; });
    }
    if (stop.stop_requested()) return;
    // A failed read (target briefly away) is retried at the next poll.
    auto stamp = SyncCheckpointStamp(task_, source_.source_id);
    if (!stamp.ok() || stamp->empty() || *stamp == *start_time_.checkpoint_at_start_task) continue;
    log::Info("--start-time consumed: sync flushed a checkpoint after starting from it",
              {{"task", task_.name}, {"source", source_.source_id}, {"checkpoint", *stamp}});
    std::lock_guard lock(mu_);
    start_time_consumed_ = true;
    return;
  }
}

}  // namespace dm::unit
