#include "unit/query_status.h"

#include <nlohmann/json.hpp>

namespace dm::unit {
namespace {

using nlohmann::ordered_json;

// As DM's protobuf JSON: int64 fields print as strings.
std::string Int64(int64_t v) { return std::to_string(v); }
std::string Int64(uint64_t v) { return std::to_string(v); }

ordered_json ErrorObject(const Status& status) {
  ordered_json e;
  const ErrorInfo& info = LookupError(status.error_code());
  e["ErrCode"] = static_cast<int32_t>(status.error_code());
  e["ErrClass"] = std::string(info.error_class);
  e["ErrScope"] = std::string(info.scope);
  e["ErrLevel"] = std::string(info.level);
  e["Message"] = status.message();
  e["RawCause"] = std::string(StatusCodeName(status.code()));
  e["Workaround"] = std::string(info.workaround);
  return e;
}

ordered_json ProcessResult(const Status& status) {
  if (status.ok()) return nullptr;
  ordered_json result;
  result["isCanceled"] = status.code() == StatusCode::kCancelled;
  result["errors"] = ordered_json::array({ErrorObject(status)});
  result["detail"] = nullptr;
  return result;
}

ordered_json SubTaskObject(const SubTaskStatus& s) {
  ordered_json o;
  o["name"] = s.task;
  o["stage"] = std::string(StageName(s.stage));
  o["unit"] = std::string(UnitName(s.unit));
  o["result"] = ProcessResult(s.error);
  o["unresolvedDDLLockID"] = "";
  if (s.unit == UnitKind::kDump) {
    o["dump"] = {{"totalTables", Int64(s.dump.total_tables)},
                 {"completedTables", Int64(s.dump.completed_tables)},
                 {"finishedBytes", Int64(s.dump.finished_bytes)},
                 {"finishedRows", Int64(s.dump.finished_rows)},
                 {"estimateTotalRows", Int64(s.dump.estimate_total_rows)},
                 {"bps", Int64(s.dump.bps)},
                 {"progress", s.dump.progress}};
  } else if (s.unit == UnitKind::kLoad) {
    o["load"] = {{"finishedBytes", Int64(s.load.finished_bytes)},
                 {"totalBytes", Int64(s.load.total_bytes)},
                 {"progress", s.load.progress},
                 {"metaBinlog", s.load.meta_binlog},
                 {"metaBinlogGTID", s.load.meta_binlog_gtid},
                 {"bps", Int64(s.load.bps)}};
  } else if (s.unit == UnitKind::kSync) {
    o["sync"] = {{"totalEvents", Int64(s.sync.total_events)},
                 {"totalTps", Int64(s.sync.total_tps)},
                 {"recentTps", Int64(s.sync.recent_tps)},
                 {"masterBinlog", s.sync.master_binlog},
                 {"masterBinlogGtid", s.sync.master_binlog_gtid},
                 {"syncerBinlog", s.sync.syncer_binlog},
                 {"syncerBinlogGtid", s.sync.syncer_binlog_gtid},
                 {"blockingDDLs", s.sync.blocking_ddls},
                 {"unresolvedGroups", ordered_json::array()},
                 {"synced", s.sync.synced},
                 {"binlogType", "remote"},
                 {"secondsBehindMaster", Int64(s.sync.seconds_behind_master)},
                 {"blockDDLOwner", ""},
                 {"conflictMsg", ""}};
  }
  o["validation"] = nullptr;
  return o;
}

}  // namespace

std::string QueryStatusJson(const std::vector<SubTaskStatus>& subtasks, const std::string& worker) {
  ordered_json body;
  body["result"] = true;
  body["msg"] = "";
  ordered_json sources = ordered_json::array();
  for (const SubTaskStatus& s : subtasks) {
    ordered_json source;
    source["result"] = true;
    source["msg"] = "";
    source["sourceStatus"] = {{"source", s.source_id}, {"worker", worker}, {"result", nullptr},
                              {"relayStatus", nullptr}};
    source["subTaskStatus"] = ordered_json::array({SubTaskObject(s)});
    sources.push_back(std::move(source));
  }
  body["sources"] = std::move(sources);
  return body.dump(4, ' ', false, ordered_json::error_handler_t::replace);
}

std::string ErrorJson(const Status& status) { return ErrorObject(status).dump(); }

}  // namespace dm::unit
