#include "unit/subtask.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/log.h"
#include "dump/dump.h"
#include "filter/block_allow_list.h"
#include "filter/table_router.h"
#include "load/checkpoint.h"
#include "load/dump_metadata.h"
#include "load/loader.h"

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

SubTask::SubTask(const config::TaskConfig& task, const config::MySQLInstance& instance,
                 const config::SourceConfig& source, bool exit_when_synced)
    : task_(task), instance_(instance), source_(source), exit_when_synced_(exit_when_synced) {}

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
      status = RunFull(stop, /*keep_metadata=*/false);
      break;
    case config::TaskMode::kAll:
      status = RunFull(stop, /*keep_metadata=*/true);
      if (status.ok()) status = RunSync(stop);
      break;
    case config::TaskMode::kIncremental:
      status = RunSync(stop);
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

Status SubTask::RunFull(std::stop_token stop, bool keep_metadata) {
  const std::string dir = DumpDir();
  const bool dump_complete = fs::exists(fs::path(dir) / "metadata");
  DM_ASSIGN_OR_RETURN(bool load_started, LoadHasStarted());

  for (const std::string& name : instance_.route_rules) {
    const config::RouteRule& rule = task_.routes.at(name);
    if (rule.extract_table || rule.extract_schema || rule.extract_source) {
      return Status::FailedPrecondition(fmt::format(
          "route rule '{}' uses extract-table/extract-schema/extract-source, which the load unit does not fill yet",
          name));
    }
  }

  if (!dump_complete && !load_started) {
    SetUnit(UnitKind::kDump);
    std::error_code ec;
    fs::remove_all(dir, ec);  // an unfinished dump cannot be resumed
    dump::DumpOptions options;
    options.source = ToConnectionOptions(source_.from);
    options.output_dir = dir;
    options.case_sensitive = task_.case_sensitive;
    if (!instance_.block_allow_list.empty()) {
      options.block_allow_list = task_.block_allow_list.at(instance_.block_allow_list);
    }
    DM_RETURN_IF_ERROR(dump::ApplyMydumperConfig(instance_.resolved.mydumper, &options));
    log::Info("dump unit starts", {{"task", task_.name}, {"source", source_.source_id}, {"dir", dir}});
    DM_ASSIGN_OR_RETURN(dump::DumpResult dumped, dump::RunDump(options, stop, &dump_progress_));
    log::Info("dump unit finished", {{"task", task_.name}, {"source", source_.source_id}, {"tables", dumped.tables},
                                     {"rows", dumped.rows}, {"bytes", dumped.bytes},
                                     {"binlog", fmt::format("({}, {})", dumped.position.file, dumped.position.pos)}});
  } else {
    log::Info("skipping dump: a finished dump or a started load exists", {{"task", task_.name},
                                                                          {"source", source_.source_id}});
  }

  SetUnit(UnitKind::kLoad);
  std::vector<config::RouteRule> rules;
  for (const std::string& name : instance_.route_rules) rules.push_back(task_.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter router, filter::TableRouter::Create(rules, task_.case_sensitive));
  load::LoadOptions options;
  options.target = ToConnectionOptions(task_.target_database);
  options.task = task_.name;
  options.source_id = source_.source_id;
  options.meta_schema = task_.meta_schema;
  options.dump_dir = dir;
  options.pool_size = instance_.resolved.loader.pool_size;
  options.on_duplicate = instance_.resolved.loader.on_duplicate_logical;
  options.case_sensitive = task_.case_sensitive;
  options.clean_dump_file = task_.clean_dump_file;
  options.keep_metadata_on_clean = keep_metadata;
  if (!router.empty()) {
    options.route = [router = std::move(router)](const load::TableName& source) -> Result<load::TableName> {
      DM_ASSIGN_OR_RETURN(filter::TableName target, router.Route(source.schema, source.table));
      return load::TableName{std::move(target.schema), std::move(target.table)};
    };
  }
  DM_ASSIGN_OR_RETURN(load::LoadResult loaded, load::RunLoad(options, stop, &load_progress_));
  log::Info("load unit finished", {{"task", task_.name}, {"source", source_.source_id},
                                   {"tables_created", loaded.tables_created}, {"files", loaded.files_loaded},
                                   {"bytes", loaded.bytes_loaded}, {"already_complete", loaded.already_complete}});
  return Status::OK();
}

Result<std::function<bool(const filter::TableName&)>> SubTask::OtherSourcesMerge() const {
  struct Other {
    filter::BlockAllowList block_allow;
    filter::TableRouter router;
  };
  auto others = std::make_shared<std::vector<Other>>();
  for (const config::MySQLInstance& other : task_.mysql_instances) {
    if (other.source_id == instance_.source_id) continue;
    Other o;
    if (!other.block_allow_list.empty()) {
      DM_ASSIGN_OR_RETURN(o.block_allow, filter::BlockAllowList::Create(task_.block_allow_list.at(other.block_allow_list),
                                                                        task_.case_sensitive));
    }
    std::vector<config::RouteRule> rules;
    for (const std::string& name : other.route_rules) rules.push_back(task_.routes.at(name));
    DM_ASSIGN_OR_RETURN(o.router, filter::TableRouter::Create(rules, task_.case_sensitive));
    others->push_back(std::move(o));
  }
  if (others->empty()) return std::function<bool(const filter::TableName&)>();
  std::vector<config::RouteRule> own_rules;
  for (const std::string& name : instance_.route_rules) own_rules.push_back(task_.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter own, filter::TableRouter::Create(own_rules, task_.case_sensitive));
  return std::function<bool(const filter::TableName&)>(
      [others, own = std::move(own)](const filter::TableName& source) {
        auto target = own.Route(source.schema, source.table);
        if (!target.ok()) return false;
        for (const Other& o : *others) {
          if (!o.block_allow.Match(source.schema, source.table)) continue;
          auto theirs = o.router.Route(source.schema, source.table);
          if (theirs.ok() && *theirs == *target) return true;
        }
        return false;
      });
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
  options.exit_when_synced = exit_when_synced_;
  DM_ASSIGN_OR_RETURN(options.merged_by_other_sources, OtherSourcesMerge());
  if (task_.task_mode == config::TaskMode::kAll) {
    // Sync starts where the dump's snapshot is; a dump taken without a
    // consistent lock (consistency none) is replayed in safe mode up to the
    // position read once every dump connection had its snapshot.
    const std::string path = (fs::path(DumpDir()) / "metadata").string();
    if (fs::exists(path)) {
      DM_ASSIGN_OR_RETURN(load::DumpMetadata metadata, load::ReadDumpMetadata(path));
      if (!metadata.master) return Status::FailedPrecondition(path + ": no binlog position (is the upstream's binlog on?)");
      options.start = binlog::Location{{metadata.master->file, metadata.master->pos}, metadata.master->gtid};
      if (metadata.after_connection_pool && !(*metadata.after_connection_pool == *metadata.master)) {
        const load::BinlogPoint& p = *metadata.after_connection_pool;
        options.safe_mode_until = binlog::Location{{p.file, p.pos}, p.gtid};
      }
    }
  } else if (instance_.meta) {
    options.start = binlog::Location{{instance_.meta->binlog_name, instance_.meta->binlog_pos == 0
                                                                       ? binlog::kFirstEventOffset
                                                                       : instance_.meta->binlog_pos},
                                     instance_.meta->binlog_gtid};
  }
  SetUnit(UnitKind::kSync);
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

}  // namespace dm::unit
