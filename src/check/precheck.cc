#include "check/precheck.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "check/items.h"
#include "common/errors.h"
#include "common/log.h"
#include "mysql/quote.h"
#include "unit/subtask.h"

namespace dm::check {
namespace {

bool Ignored(const CheckOptions& options, std::string_view item) {
  return std::any_of(options.ignore.begin(), options.ignore.end(),
                     [&](const std::string& i) { return i == item || i == "all"; });
}

std::string Address(const config::DBConfig& db) { return fmt::format("address of db instance - {}:{}", db.host, db.port); }

// IsFreshTask over an open target session: shard schemas and `meta` only
// matter for a fresh task.
Result<bool> FreshOn(mysql::Connection& target, const config::TaskConfig& task) {
  DM_ASSIGN_OR_RETURN(
      auto rows, target.QueryRows(fmt::format(
                     "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME IN ({}, {})",
                     mysql::QuoteString(task.meta_schema), mysql::QuoteString(task.name + "_loader_checkpoint"),
                     mysql::QuoteString(task.name + "_syncer_checkpoint"))));
  DM_ASSIGN_OR_RETURN(uint64_t count, mysql::ParseUnsigned(rows.at(0).at(0), "checkpoint table count"));
  return count == 0;
}

Result<std::set<std::string>> TargetCharsets(mysql::Connection& target) {
  DM_ASSIGN_OR_RETURN(auto rows, target.QueryRows("SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS"));
  std::set<std::string> names;
  for (const auto& row : rows) {
    if (row.at(0)) names.insert(AsciiLower(*row.at(0)));
  }
  return names;
}

}  // namespace

Result<CheckReport> RunPrecheck(const config::TaskConfig& task, const std::vector<config::SourceConfig>& sources,
                                const CheckOptions& options) {
  if (sources.size() != task.mysql_instances.size()) {
    return Status::InvalidArgument(fmt::format("precheck: {} source configs for {} mysql-instances", sources.size(),
                                               task.mysql_instances.size()));
  }
  if (Ignored(options, "all")) return MakeReport({});
  const config::TaskMode mode = task.task_mode;
  const bool dumps = mode != config::TaskMode::kIncremental;
  const bool syncs = mode != config::TaskMode::kFull;

  // Connections live here (a deque keeps their addresses); the contexts
  // point at them.
  std::deque<mysql::Connection> connections;
  auto open = [&](const config::DBConfig& db, std::string_view side) -> Result<mysql::Connection*> {
    auto conn = mysql::Connection::Connect(unit::ToConnectionOptions(db));
    if (!conn.ok()) {
      return Status(conn.status().code(), fmt::format("precheck: cannot connect to the {}: {}", side,
                                                      conn.status().message()),
                    ErrorCode::kTaskCheckFailedOpenDB);
    }
    connections.push_back(std::move(*conn));
    return &connections.back();
  };

  TargetContext target;
  DM_ASSIGN_OR_RETURN(target.conn, open(task.target_database, "target"));
  target.extra = Address(task.target_database);
  DM_ASSIGN_OR_RETURN(target.charsets, TargetCharsets(*target.conn));
  DM_ASSIGN_OR_RETURN(target.fresh, FreshOn(*target.conn, task));

  std::vector<SourceContext> contexts(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    SourceContext& s = contexts[i];
    s.instance = &task.mysql_instances[i];
    s.source = &sources[i];
    s.extra = Address(sources[i].from);
    DM_ASSIGN_OR_RETURN(s.conn, open(sources[i].from, fmt::format("source '{}'", sources[i].source_id)));
    DM_RETURN_IF_ERROR(LoadTables(task, &s));
  }

  std::vector<CheckResult> results;
  auto add = [&](std::string_view item, auto&& run) {
    if (Ignored(options, item)) return;
    CheckResult r = run();
    r.item = std::string(item);
    results.push_back(std::move(r));
  };
  add(kRouteItem, [&] { return CheckRoutes(contexts); });
  if (dumps) add("conn_number", [&] { return CheckLoaderConnections(target, contexts); });
  add("target_privilege", [&] { return CheckTargetPrivilege(target, task, contexts); });
  for (const SourceContext& s : contexts) {
    add("version", [&] { return CheckVersion(s); });
    if (dumps) {
      add("dump_privilege", [&] { return CheckDumpPrivilege(s); });
      add("conn_number", [&] { return CheckDumperConnections(s); });
    }
    if (syncs) {
      add("server_id", [&] { return CheckServerId(s); });
      add("binlog_enable", [&] { return CheckBinlogEnable(s); });
      add("binlog_format", [&] { return CheckBinlogFormat(s); });
      add("binlog_row_image", [&] { return CheckBinlogRowImage(s); });
      add("replication_privilege", [&] { return CheckReplicationPrivilege(s); });
      add("binlog_db", [&] { return CheckBinlogDb(s, task.case_sensitive); });
    }
    if (mode == config::TaskMode::kIncremental && s.instance->meta && target.fresh) {
      add("meta_position", [&] { return CheckMetaPosition(s); });
    }
  }
  add("table_schema", [&] { return CheckTableSchema(target, contexts); });
  // As DM: shard schemas are compared for a fresh task that dumps (an
  // incremental task's current schemas are not those at its binlog start).
  if (dumps && target.fresh && !Ignored(options, "schema_of_shard_tables")) {
    for (CheckResult& r : CheckShardTables(contexts, !Ignored(options, "auto_increment_ID"))) {
      r.item = "schema_of_shard_tables";
      results.push_back(std::move(r));
    }
  }
  CheckReport report = MakeReport(std::move(results));
  log::Info("precheck finished", {{"task", task.name}, {"passed", report.summary.passed},
                                  {"total", report.summary.total}, {"failed", report.summary.failed},
                                  {"warning", report.summary.warning}});
  return report;
}

Result<bool> IsFreshTask(const config::TaskConfig& task) {
  DM_ASSIGN_OR_RETURN(mysql::Connection target,
                      mysql::Connection::Connect(unit::ToConnectionOptions(task.target_database)));
  return FreshOn(target, task);
}

std::string CheckMessage(const CheckReport& report, const CheckOptions& options) {
  if (report.summary.successful == report.summary.total) return "pre-check is passed. ";
  return CheckReportJson(LimitForDisplay(report, options.max_errors, options.max_warnings));
}

std::string CheckFailureMessage(const CheckReport& report, const CheckOptions& options) {
  // DM's ErrTaskCheckSyncConfigError with checker.CheckTaskMsgHeader.
  return fmt::format("{}, Message: fail to check synchronization configuration with type: check was failed, please "
                     "see detail\n detail: {}",
                     FormatErrorTag(ErrorCode::kTaskCheckSyncConfigError), CheckMessage(report, options));
}

Result<StartCheck> PrecheckBeforeStart(const config::TaskConfig& task,
                                       const std::vector<config::SourceConfig>& sources) {
  CheckOptions options;
  options.ignore = task.ignore_checking_items;
  StartCheck out;
  if (Ignored(options, "all")) return out;
  DM_ASSIGN_OR_RETURN(bool fresh, IsFreshTask(task));
  if (!fresh) {
    log::Info("the task resumes from its checkpoints; the precheck runs only when a task starts",
              {{"task", task.name}});
    return out;
  }
  DM_ASSIGN_OR_RETURN(CheckReport report, RunPrecheck(task, sources, options));
  out.message = Passed(report) ? CheckMessage(report, options) : CheckFailureMessage(report, options);
  out.report = std::move(report);
  return out;
}

}  // namespace dm::check
