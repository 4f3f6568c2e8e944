#include "master/openapi.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <random>

#include "common/encrypt.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "master/cluster_view.h"
#include "master/keys.h"
#include "master/openapi_model.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "unit/subtask.h"

namespace dm::master::openapi {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

http::Response JsonResponse(int status, const Json& body) {
  return http::Response{status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

http::Response EmptyResponse(int status) { return http::Response{status, "application/json", ""}; }

// DM's error body. As DM every failure is 400, except what has a status of
// its own here: a missing resource on GET, no leader or etcd.
http::Response ErrorResponse(const Status& status) {
  const int http_status = status.code() == StatusCode::kNotFound      ? 404
                          : status.code() == StatusCode::kUnavailable ? 503
                                                                      : 400;
  const ErrorCode code = status.error_code() == ErrorCode::kNone ? ErrorCode::kOpenAPICommonError : status.error_code();
  return JsonResponse(http_status, Json{{"error_msg", status.message()}, {"error_code", static_cast<int>(code)}});
}

// A forwarding failure answers in the control API's shape ({result, msg});
// OpenAPI clients get DM's error body instead, with the same status.
http::Response AsOpenApiAnswer(http::Response response) {
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object() || !body.contains("result") || body.contains("error_code")) return response;
  return JsonResponse(response.status, Json{{"error_msg", body.value("msg", "")},
                                            {"error_code", static_cast<int>(ErrorCode::kOpenAPICommonError)}});
}

bool QueryFlag(const http::Request& req, const std::string& key) { return req.QueryParam(key) == "true"; }

// `source=` query parameters of the control API for the OpenAPI's
// `source_name_list`.
Query SourceQuery(const std::vector<std::string>& sources) {
  Query query;
  for (const std::string& s : sources) query.emplace_back("source", s);
  return query;
}

// A source's `SourceStatus` from its operate-source ShowSource entry.
Json SourceStatusOf(const Json& entry) {
  Json status = {{"source_name", entry.value("source", "")}, {"worker_name", entry.value("worker", "")}};
  if (const std::string msg = entry.value("msg", ""); !msg.empty()) status["error_msg"] = msg;
  return status;
}

Json ListResponse(Json data) {
  Json out;
  out["total"] = data.size();
  out["data"] = std::move(data);
  return out;
}

// A failed etcd call as the OpenAPI reports it: 503, retry later.
Status EtcdFailure(const Status& s) {
  return Status(StatusCode::kUnavailable, s.message(), ErrorCode::kOpenAPICommonError);
}

// Runs `sql` on the upstream of `source`. A failure to connect or query
// names the source.
Result<std::vector<mysql::Row>> UpstreamRows(const config::SourceConfig& source, const std::string& sql) {
  auto conn = mysql::Connection::Connect(unit::ToConnectionOptions(source.from));
  if (!conn.ok()) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("source {}: cannot connect to its upstream: {}", source.source_id,
                              conn.status().message()),
                  ErrorCode::kOpenAPICommonError);
  }
  auto rows = conn->QueryRows(sql);
  if (!rows.ok()) {
    return Status(StatusCode::kInvalidArgument, fmt::format("source {}: {}", source.source_id, rows.status().message()),
                  ErrorCode::kOpenAPICommonError);
  }
  return rows;
}

// The first column of each row of `sql` on the upstream, as a JSON array.
Result<Json> UpstreamNames(const config::SourceConfig& source, const std::string& sql) {
  DM_ASSIGN_OR_RETURN(std::vector<mysql::Row> rows, UpstreamRows(source, sql));
  Json names = Json::array();
  for (const mysql::Row& row : rows) names.push_back(row.at(0).value_or(""));
  return names;
}

// The OpenAPI paths: translations to the control handlers, and the few paths
// that read etcd or the upstream themselves.
class Handlers {
 public:
  Handlers(ControlApi api, ClusterAccess access) : api_(std::move(api)), access_(std::move(access)) {}

  Result<http::Response> CreateSource(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(SourceRequest request, ParseSourceRequest(req.body, /*create=*/true));
    Json body = {{"op", "StartSource"}, {"config", Json::array({request.source_file})}};
    if (!request.worker_name.empty()) body["workerName"] = request.worker_name;
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.operate_source, "PUT", body));
    const Json& added = answer["sources"];
    if (!added.is_array() || added.empty()) {
      return Status(StatusCode::kInternal, "operate-source answered without the added source",
                    ErrorCode::kOpenAPICommonError);
    }
    DM_ASSIGN_OR_RETURN(Json source, SourceObject(added[0].value("source", "")));
    return JsonResponse(201, source);
  }

  Result<http::Response> ListSources(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(Json shown, Call(api_.operate_source, "PUT", {{"op", "ShowSource"}}));
    Json data = Json::array();
    for (const Json& entry : shown["sources"]) {
      DM_ASSIGN_OR_RETURN(Json source, SourceObject(entry.value("source", "")));
      if (QueryFlag(req, "with_status")) source["status_list"] = Json::array({SourceStatusOf(entry)});
      data.push_back(std::move(source));
    }
    return JsonResponse(200, ListResponse(std::move(data)));
  }

  Result<http::Response> GetSource(const http::Request& req) {
    const std::string name = req.captures.at(1);
    auto source = SourceObject(name);
    if (!source.ok()) return NotFoundUnlessUnavailable(source.status());
    if (QueryFlag(req, "with_status")) {
      DM_ASSIGN_OR_RETURN(Json status, ShownSource(name));
      (*source)["status_list"] = Json::array({SourceStatusOf(status)});
    }
    return JsonResponse(200, *source);
  }

  // As operate-source update: refused while a task uses the source.
  Result<http::Response> UpdateSource(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(SourceRequest request, ParseSourceRequest(req.body, /*create=*/false));
    const std::string name = req.captures.at(1);
    if (request.source_name != name) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("source.source_name {} differs from the source {} of the path; a source is "
                                "not renamed",
                                request.source_name, name),
                    ErrorCode::kOpenAPICommonError);
    }
    DM_RETURN_IF_ERROR(
        Call(api_.operate_source, "PUT", {{"op", "UpdateSource"}, {"config", Json::array({request.source_file})}})
            .status());
    DM_ASSIGN_OR_RETURN(Json source, SourceObject(name));
    return JsonResponse(200, source);
  }

  Result<http::Response> DeleteSource(const http::Request& req) {
    const std::string name = req.captures.at(1);
    if (QueryFlag(req, "force")) {
      // As DM: force stops the source's subtasks of every task first.
      DM_ASSIGN_OR_RETURN(Json tasks, Call(api_.list_tasks, "GET", {}, {}, SourceQuery({name})));
      for (const Json& task : tasks["tasks"]) {
        const std::string task_name = task.value("taskName", "");
        DM_RETURN_IF_ERROR(Call(api_.operate_task, "PUT",
                                {{"op", "Stop"}, {"name", task_name}, {"sources", Json::array({name})}}, {task_name})
                               .status());
      }
    }
    DM_RETURN_IF_ERROR(
        Call(api_.operate_source, "PUT", {{"op", "StopSource"}, {"sourceID", Json::array({name})}}).status());
    return EmptyResponse(204);
  }

  // As DM: enabling needs the source bound to a worker; it marks the source
  // enabled and starts (dm: resumes) its subtasks of every task.
  Result<http::Response> EnableSource(const http::Request& req) {
    return SetSourceEnabled(req.captures.at(1), /*enable=*/true);
  }

  // As DM: disabling stops (dm: pauses) the source's subtasks of every task
  // and marks the source disabled, so the OpenAPI does not start a task on
  // it until it is enabled again.
  Result<http::Response> DisableSource(const http::Request& req) {
    return SetSourceEnabled(req.captures.at(1), /*enable=*/false);
  }

  Result<http::Response> SourceStatus(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(Json status, ShownSource(req.captures.at(1)));
    return JsonResponse(200, ListResponse(Json::array({SourceStatusOf(status)})));
  }

  Result<http::Response> TransferSource(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(std::string worker, ParseWorkerNameRequest(req.body));
    DM_RETURN_IF_ERROR(
        Call(api_.transfer_source, "POST", {{"source", req.captures.at(1)}, {"worker", worker}}).status());
    return EmptyResponse(200);
  }

  Result<http::Response> CreateTask(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(CreateTaskRequest request, ParseTaskRequest(req.body, /*create=*/true));
    std::vector<std::string> sources = request.source_name_list;
    if (sources.empty()) {
      DM_ASSIGN_OR_RETURN(config::TaskConfig task,
                          config::LoadTaskConfigFromString(request.task_file, "task", access_.key));
      for (const config::MySQLInstance& instance : task.mysql_instances) sources.push_back(instance.source_id);
    }
    DM_RETURN_IF_ERROR(RequireEnabled(request.task_name, sources));
    Json body = {
        {"task", request.task_file}, {"sources", request.source_name_list}, {"removeMeta", request.remove_meta}};
    DM_RETURN_IF_ERROR(Call(api_.start_task, "POST", body).status());
    DM_ASSIGN_OR_RETURN(Json task, TaskObject(request.task_name));
    return JsonResponse(201, task);
  }

  // `stage` keeps the tasks with a subtask in that stage.
  Result<http::Response> ListTasks(const http::Request& req) {
    const std::vector<std::string> sources = req.QueryParams("source_name_list");
    const std::string stage = req.QueryParam("stage");
    const bool with_status = QueryFlag(req, "with_status");
    DM_ASSIGN_OR_RETURN(Json listed, Call(api_.list_tasks, "GET", {}, {}, SourceQuery(sources)));
    Json data = Json::array();
    for (const Json& entry : listed["tasks"]) {
      const std::string name = entry.value("taskName", "");
      DM_ASSIGN_OR_RETURN(Json task, TaskObject(name));
      if (with_status || !stage.empty()) {
        DM_ASSIGN_OR_RETURN(Json statuses, StatusList(name, sources));
        if (!stage.empty() &&
            std::none_of(statuses.begin(), statuses.end(), [&](const Json& s) { return s["stage"] == stage; })) {
          continue;
        }
        if (with_status) task["status_list"] = std::move(statuses);
      }
      data.push_back(std::move(task));
    }
    return JsonResponse(200, ListResponse(std::move(data)));
  }

  Result<http::Response> GetTask(const http::Request& req) {
    const std::string name = req.captures.at(1);
    auto task = TaskObject(name);
    if (!task.ok()) return NotFoundUnlessUnavailable(task.status());
    if (QueryFlag(req, "with_status")) {
      DM_ASSIGN_OR_RETURN((*task)["status_list"], StatusList(name, {}));
    }
    return JsonResponse(200, *task);
  }

  Result<http::Response> DeleteTask(const http::Request& req) {
    return OperateTask(req.captures.at(1), "Stop", req.QueryParams("source_name_list"), 204);
  }

  Result<http::Response> TaskStatus(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(Json list, StatusList(req.captures.at(1), req.QueryParams("source_name_list")));
    return JsonResponse(200, ListResponse(std::move(list)));
  }

  // As DM: an update replaces the task file of a task whose subtasks are
  // all stopped (dm: paused), and changes only what CheckTaskUpdate allows;
  // the workers rebuild the paused subtasks from the new file, and the next
  // start resumes them from their checkpoints with it.
  Result<http::Response> UpdateTask(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(CreateTaskRequest request, ParseTaskRequest(req.body, /*create=*/false));
    const std::string name = req.captures.at(1);
    if (request.task_name != name) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("task.name {} differs from the task {} of the path; a task is not renamed",
                                request.task_name, name),
                    ErrorCode::kOpenAPICommonError);
    }
    config::LoadReport report;
    DM_ASSIGN_OR_RETURN(config::TaskConfig updated,
                        config::LoadTaskConfigFromString(request.task_file, "task " + name, access_.key, &report));
    DM_RETURN_IF_ERROR(config::RefuseUnsupportedTaskFeatures(updated, report.origin));
    DM_ASSIGN_OR_RETURN(ClusterView view, ReadView());
    const std::vector<const SubTaskRecord*> subtasks = view.SubTasksOf(name);
    if (subtasks.empty()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("task {} does not exist", name),
                    ErrorCode::kOpenAPICommonError);
    }
    std::vector<std::string> running;
    for (const SubTaskRecord* s : subtasks) {
      if (s->stage == ExpectedStage::kRunning) running.push_back(s->source);
    }
    if (!running.empty()) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("task {} is running on sources [{}]; stop it first (POST /api/v1/tasks/{}/stop), as "
                                "DM updates only a stopped task",
                                name, fmt::join(running, " "), name),
                    ErrorCode::kOpenAPICommonError);
    }
    std::vector<etcd::Compare> unchanged;
    std::vector<etcd::Op> writes;
    for (const SubTaskRecord* s : subtasks) {
      DM_ASSIGN_OR_RETURN(config::TaskConfig current,
                          config::LoadTaskConfigFromString(s->task_yaml, "task " + name, access_.key));
      DM_RETURN_IF_ERROR(CheckTaskUpdate(current, updated));
      // Nothing changed the subtask since it was read: still paused, same file.
      unchanged.push_back(etcd::Compare::ValueIs(keys::SubTaskStage(s->source, name),
                                                 StageValue(name, s->source, ExpectedStage::kPaused)));
      unchanged.push_back({keys::SubTaskConfig(s->source, name), etcd::Compare::Target::kModRevision,
                           etcd::Compare::Relation::kLess, view.revision + 1, ""});
      writes.push_back(etcd::Op::Put(keys::SubTaskConfig(s->source, name), request.task_file));
    }
    auto txn = access_.client->Txn(unchanged, writes, {});
    if (!txn.ok()) return EtcdFailure(txn.status());
    if (!txn->succeeded) {
      return Status(StatusCode::kAborted, fmt::format("task {} changed during the update; retry", name),
                    ErrorCode::kOpenAPICommonError);
    }
    DM_ASSIGN_OR_RETURN(Json task, TaskObject(name));
    return JsonResponse(200, task);
  }

  // DM answers 200 (its spec says 201) with the Task object and the task file.
  Result<http::Response> ConvertTask(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(ConvertTaskRequest request, ParseConvertTaskRequest(req.body));
    const bool from_object = request.task_file.has_value();
    DM_ASSIGN_OR_RETURN(config::TaskConfig task,
                        config::LoadTaskConfigFromString(from_object ? *request.task_file : *request.task_config_file,
                                                         from_object ? "task" : "task_config_file", access_.key));
    // As DM: every source the task names must have been added.
    DM_ASSIGN_OR_RETURN(ClusterView view, ReadView());
    for (const config::MySQLInstance& instance : task.mysql_instances) {
      if (!view.sources.contains(instance.source_id)) {
        return Status(StatusCode::kInvalidArgument,
                      fmt::format("source {} of task {} is not added (POST /api/v1/sources)", instance.source_id,
                                  task.name),
                      ErrorCode::kOpenAPITaskSourceNotFound);
      }
    }
    DM_ASSIGN_OR_RETURN(Json answer, ConverterResponse(task));
    return JsonResponse(200, answer);
  }

  // As DM, what the upstream's SHOW DATABASES lists; dm leaves out the
  // system schemas (mysql, sys, information_schema, performance_schema),
  // which no task migrates.
  Result<http::Response> SourceSchemas(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(config::SourceConfig source, StoredSource(req.captures.at(1)));
    DM_ASSIGN_OR_RETURN(Json schemas, UpstreamNames(source, "SHOW DATABASES"));
    Json user_schemas = Json::array();
    for (const Json& s : schemas) {
      if (!filter::BlockAllowList::IsSystemSchema(s.get<std::string>())) user_schemas.push_back(s);
    }
    return JsonResponse(200, user_schemas);
  }

  // As DM: the schema's tables without its views; an unknown schema is the
  // upstream's error.
  Result<http::Response> SourceTables(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(config::SourceConfig source, StoredSource(req.captures.at(1)));
    DM_ASSIGN_OR_RETURN(Json tables, UpstreamNames(source, fmt::format("SHOW FULL TABLES FROM {} WHERE Table_type != "
                                                                       "'VIEW'",
                                                                       mysql::QuoteIdentifier(req.captures.at(2)))));
    return JsonResponse(200, tables);
  }

  // DM asks the worker's schema tracker; dm reads the upstream's tables and
  // applies the subtask's block-allow-list and routes (MigrateTargets), so
  // the answer does not wait for the subtask to run.
  Result<http::Response> TaskMigrateTargets(const http::Request& req) {
    const std::string task_name = req.captures.at(1), source_name = req.captures.at(2);
    auto stored = access_.client->Get(keys::SubTaskConfig(source_name, task_name));
    if (!stored.ok()) return EtcdFailure(stored.status());
    if (!stored->has_value()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("task {} has no subtask for source {}", task_name,
                                                              source_name),
                    ErrorCode::kOpenAPITaskSourceNotFound);
    }
    DM_ASSIGN_OR_RETURN(config::TaskConfig task,
                        config::LoadTaskConfigFromString((*stored)->value, "task " + task_name, access_.key));
    DM_ASSIGN_OR_RETURN(config::SourceConfig source, StoredSource(source_name));
    DM_ASSIGN_OR_RETURN(std::vector<mysql::Row> rows,
                        UpstreamRows(source, "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE "
                                             "TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2"));
    std::vector<filter::TableName> upstream;
    for (const mysql::Row& row : rows) upstream.push_back({row.at(0).value_or(""), row.at(1).value_or("")});
    DM_ASSIGN_OR_RETURN(std::vector<MigrateTarget> targets,
                        MigrateTargets(task, source_name, upstream, req.QueryParam("schema_pattern"),
                                       req.QueryParam("table_pattern")));
    return JsonResponse(200, MigrateTargetsToOpenApi(targets));
  }

  Result<http::Response> GetClusterInfo(const http::Request&) {
    DM_ASSIGN_OR_RETURN(uint64_t id, ClusterId());
    Json info = {{"cluster_id", id}};
    auto stored = access_.client->Get(keys::ClusterTopology());
    if (!stored.ok()) return EtcdFailure(stored.status());
    if (stored->has_value()) {
      Json topology = Json::parse((*stored)->value, nullptr, /*allow_exceptions=*/false);
      if (!topology.is_object()) {
        return Status(StatusCode::kInternal,
                      fmt::format("{} does not hold a JSON object", keys::ClusterTopology()),
                      ErrorCode::kOpenAPICommonError);
      }
      info["topology"] = std::move(topology);
    }
    return JsonResponse(200, info);
  }

  // As DM: the topology replaces the stored one as a whole.
  Result<http::Response> UpdateClusterInfo(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(Json topology, ParseClusterTopology(req.body));
    DM_ASSIGN_OR_RETURN(uint64_t id, ClusterId());
    auto put = access_.client->Put(keys::ClusterTopology(), topology.dump());
    if (!put.ok()) return EtcdFailure(put.status());
    return JsonResponse(200, Json{{"cluster_id", id}, {"topology", std::move(topology)}});
  }

  // DM's start and stop of an existing task are dm's resume and pause: the
  // subtasks keep their checkpoints (DM's Stopped stage is dm's Paused).
  Result<http::Response> StartTask(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(TaskStageRequest request, ParseTaskStageRequest(req.body, /*start=*/true));
    if (request.remove_meta) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("task {} exists: remove_meta is applied when a task is created; delete the task "
                                "(DELETE /api/v1/tasks/{}) and create it with remove_meta (POST /api/v1/tasks)",
                                req.captures.at(1), req.captures.at(1)),
                    ErrorCode::kOpenAPICommonError);
    }
    std::vector<std::string> sources = request.source_name_list;
    if (sources.empty()) {
      DM_ASSIGN_OR_RETURN(ClusterView view, ReadView());
      for (const SubTaskRecord* s : view.SubTasksOf(req.captures.at(1))) sources.push_back(s->source);
    }
    DM_RETURN_IF_ERROR(RequireEnabled(req.captures.at(1), sources));
    return OperateTask(req.captures.at(1), "Resume", request.source_name_list, 200);
  }

  Result<http::Response> StopTask(const http::Request& req) {
    DM_ASSIGN_OR_RETURN(TaskStageRequest request, ParseTaskStageRequest(req.body, /*start=*/false));
    return OperateTask(req.captures.at(1), "Pause", request.source_name_list, 200);
  }

  Result<http::Response> ClusterMasters(const http::Request&) {
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.list_members, "GET", {}, {}, {{"leader", "true"}, {"master", "true"}}));
    std::string leader;
    Json masters = Json::array();
    for (const Json& member : answer["members"]) {
      if (member.contains("leader")) leader = member["leader"].value("name", "");
      if (member.contains("master")) masters = member["master"].value("masters", Json::array());
    }
    Json data = Json::array();
    for (const Json& m : masters) {
      const Json peers = m.value("peerURLs", Json::array());
      // As DM: a master's address is its first peer URL.
      data.push_back(
          {{"name", m.value("name", "")},
           {"alive", m.value("alive", false)},
           {"leader", !leader.empty() && m.value("name", "") == leader},
           {"addr", peers.empty() || !peers.front().is_string() ? std::string() : peers.front().get<std::string>()}});
    }
    return JsonResponse(200, ListResponse(std::move(data)));
  }

  Result<http::Response> ClusterWorkers(const http::Request&) {
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.list_members, "GET", {}, {}, {{"worker", "true"}}));
    Json data = Json::array();
    for (const Json& member : answer["members"]) {
      if (!member.contains("worker")) continue;
      for (const Json& w : member["worker"].value("workers", Json::array())) {
        data.push_back({{"name", w.value("name", "")},
                        {"addr", w.value("addr", "")},
                        {"bound_stage", w.value("stage", "")},
                        {"bound_source_name", w.value("source", "")}});
      }
    }
    return JsonResponse(200, ListResponse(std::move(data)));
  }

  // DELETE /api/v1/cluster/masters/{name} and .../workers/{name}: offline-member.
  Result<http::Response> OfflineMaster(const http::Request& req) { return OfflineMember("master", req.captures.at(1)); }
  Result<http::Response> OfflineWorker(const http::Request& req) { return OfflineMember("worker", req.captures.at(1)); }

 private:
  Result<http::Response> SetSourceEnabled(const std::string& name, bool enable) {
    DM_ASSIGN_OR_RETURN(ClusterView view, ReadView());
    auto stored = view.sources.find(name);
    if (stored == view.sources.end()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("source config with ID {} does not exist", name),
                    ErrorCode::kOpenAPICommonError);
    }
    if (enable && !view.bound.contains(name)) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("source {} is not bound to any dm-worker; start a dm-worker first", name),
                    ErrorCode::kOpenAPICommonError);
    }
    DM_ASSIGN_OR_RETURN(config::SourceConfig source,
                        config::LoadSourceConfigFromString(stored->second, "source " + name, access_.key));
    if (source.enable == enable) return EmptyResponse(200);
    const bool has_subtasks = std::any_of(view.subtasks.begin(), view.subtasks.end(),
                                          [&](const auto& entry) { return entry.first.second == name; });
    // Disabled only once its subtasks are paused, enabled before they resume.
    if (!enable && has_subtasks) {
      DM_RETURN_IF_ERROR(
          Call(api_.operate_task, "PUT", {{"op", "Pause"}, {"sources", Json::array({name})}}, {""}).status());
    }
    DM_ASSIGN_OR_RETURN(std::string file, SourceFileWithEnable(stored->second, enable));
    auto txn = access_.client->Txn({etcd::Compare::ValueIs(keys::SourceConfig(name), stored->second)},
                                   {etcd::Op::Put(keys::SourceConfig(name), file)}, {});
    if (!txn.ok()) return EtcdFailure(txn.status());
    if (!txn->succeeded) {
      return Status(StatusCode::kAborted, fmt::format("source {} changed meanwhile; retry", name),
                    ErrorCode::kOpenAPICommonError);
    }
    if (enable && has_subtasks) {
      DM_RETURN_IF_ERROR(
          Call(api_.operate_task, "PUT", {{"op", "Resume"}, {"sources", Json::array({name})}}, {""}).status());
    }
    return EmptyResponse(200);
  }

  // As DM's start of a task: every source it starts on must be enabled.
  Status RequireEnabled(const std::string& task, const std::vector<std::string>& sources) const {
    DM_ASSIGN_OR_RETURN(ClusterView view, ReadView());
    for (const std::string& name : sources) {
      auto stored = view.sources.find(name);
      if (stored == view.sources.end()) continue;  // the start itself names a missing source
      DM_ASSIGN_OR_RETURN(config::SourceConfig source,
                          config::LoadSourceConfigFromString(stored->second, "source " + name, access_.key));
      if (!source.enable) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("task {} cannot start: source {} is not enabled; enable it first (POST "
                                  "/api/v1/sources/{}/enable)",
                                  task, name, name),
                      ErrorCode::kOpenAPICommonError);
      }
    }
    return Status::OK();
  }

  Result<ClusterView> ReadView() const {
    auto view = ReadClusterView(*access_.client);
    if (!view.ok()) return EtcdFailure(view.status());
    return view;
  }

  // The source's stored config with its password, to connect to its upstream.
  Result<config::SourceConfig> StoredSource(const std::string& name) const {
    auto stored = access_.client->Get(keys::SourceConfig(name));
    if (!stored.ok()) return EtcdFailure(stored.status());
    if (!stored->has_value()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("source config with ID {} does not exist", name),
                    ErrorCode::kOpenAPICommonError);
    }
    return config::LoadSourceConfigFromString((*stored)->value, "source " + name, access_.key);
  }

  // As DM's initClusterID: the id stored under /dm-cluster/id, made on first
  // use from the time (high 32 bits) and a random number (low 32 bits).
  Result<uint64_t> ClusterId() const {
    std::random_device random;
    const uint64_t made = (static_cast<uint64_t>(std::time(nullptr)) << 32) | random();
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((made >> (56 - 8 * i)) & 0xff);
    // Only the first master to get here stores its id; every one reads back the stored one.
    auto txn = access_.client->Txn({etcd::Compare::Missing(keys::ClusterId())},
                                   {etcd::Op::Put(keys::ClusterId(), bytes)}, {});
    if (!txn.ok()) return EtcdFailure(txn.status());
    auto stored = access_.client->Get(keys::ClusterId());
    if (!stored.ok()) return EtcdFailure(stored.status());
    if (!stored->has_value() || (*stored)->value.size() != 8) {
      return Status(StatusCode::kInternal, fmt::format("{} does not hold an 8-byte cluster id", keys::ClusterId()),
                    ErrorCode::kOpenAPICommonError);
    }
    uint64_t id = 0;
    for (unsigned char c : (*stored)->value) id = (id << 8) | c;
    return id;
  }

  Result<http::Response> OfflineMember(const char* type, const std::string& name) const {
    DM_RETURN_IF_ERROR(Call(api_.offline_member, "DELETE", {}, {type, name}).status());
    return EmptyResponse(204);
  }

  // Runs a control handler and returns its answer; a `result: false` answer
  // becomes an error with its message (Unavailable when its status is 5xx).
  Result<Json> Call(const http::Handler& handler, const char* method, const Json& body,
                    std::vector<std::string> captures = {}, Query query = {}) const {
    http::Request req;
    req.method = method;
    req.body = body.is_null() ? std::string() : body.dump();
    req.captures = {""};
    req.captures.insert(req.captures.end(), captures.begin(), captures.end());
    req.query = std::move(query);
    const http::Response response = handler(req);
    Json answer = Json::parse(response.body, nullptr, false);
    if (!answer.is_object()) {
      return Status(StatusCode::kInternal,
                    fmt::format("the control API answered {} without a JSON object", response.status),
                    ErrorCode::kOpenAPICommonError);
    }
    if (!answer.value("result", false)) {
      return Status(response.status >= 500 ? StatusCode::kUnavailable : StatusCode::kInvalidArgument,
                    answer.value("msg", ""), ErrorCode::kOpenAPICommonError);
    }
    return answer;
  }

  // A failure to read one named resource: not found, unless etcd or the
  // leader is out of reach.
  static Status NotFoundUnlessUnavailable(const Status& s) {
    if (s.code() == StatusCode::kUnavailable) return s;
    return Status(StatusCode::kNotFound, s.message(), s.error_code());
  }

  // The source's operate-source ShowSource entry; an error when it does not exist.
  Result<Json> ShownSource(const std::string& name) const {
    DM_ASSIGN_OR_RETURN(Json shown,
                        Call(api_.operate_source, "PUT", {{"op", "ShowSource"}, {"sourceID", Json::array({name})}}));
    if (shown["sources"].empty()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("source config with ID {} does not exist", name),
                    ErrorCode::kOpenAPICommonError);
    }
    return shown["sources"][0];
  }

  // The stored source file as DM's `Source` object (get-config hides the
  // password before it gets here).
  Result<Json> SourceObject(const std::string& name) const {
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.get_config, "GET", {}, {"source", name}));
    DM_ASSIGN_OR_RETURN(
        config::SourceConfig source,
        config::LoadSourceConfigFromString(answer.value("cfg", ""), "source " + name, crypto::LegacyBuiltinKey()));
    return SourceToOpenApi(source);
  }

  // The stored task file as DM's `Task` object (password hidden as above).
  Result<Json> TaskObject(const std::string& name) const {
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.get_config, "GET", {}, {"task", name}));
    DM_ASSIGN_OR_RETURN(
        config::TaskConfig task,
        config::LoadTaskConfigFromString(answer.value("cfg", ""), "task " + name, crypto::LegacyBuiltinKey()));
    return TaskToOpenApi(task);
  }

  // The task's `SubTaskStatus` list, from query-status.
  Result<Json> StatusList(const std::string& task, const std::vector<std::string>& sources) const {
    DM_ASSIGN_OR_RETURN(Json answer, Call(api_.query_status, "GET", {}, {task}, SourceQuery(sources)));
    Json list = Json::array();
    for (const Json& entry : answer["sources"]) list.push_back(SubTaskStatusToOpenApi(task, entry));
    return list;
  }

  Result<http::Response> OperateTask(const std::string& task, const char* op, const std::vector<std::string>& sources,
                                     int success_status) const {
    DM_RETURN_IF_ERROR(
        Call(api_.operate_task, "PUT", {{"op", op}, {"name", task}, {"sources", sources}}, {task}).status());
    return EmptyResponse(success_status);
  }

  ControlApi api_;
  ClusterAccess access_;
};

}  // namespace

void Register(http::Server& server, ControlApi api, ClusterAccess access) {
  auto handlers = std::make_shared<Handlers>(api, std::move(access));
  auto route = [&](const char* method, const char* pattern,
                   Result<http::Response> (Handlers::*fn)(const http::Request&)) {
    http::Handler local = [handlers, fn](const http::Request& req) {
      Result<http::Response> response = ((*handlers).*fn)(req);
      return response.ok() ? *response : ErrorResponse(response.status());
    };
    http::Handler on_leader = api.on_leader(std::move(local));
    server.Handle(method, pattern, [on_leader](const http::Request& req) { return AsOpenApiAnswer(on_leader(req)); });
  };
  route("POST", "/api/v1/sources", &Handlers::CreateSource);
  route("GET", "/api/v1/sources", &Handlers::ListSources);
  route("GET", "/api/v1/sources/([^/]+)", &Handlers::GetSource);
  route("PUT", "/api/v1/sources/([^/]+)", &Handlers::UpdateSource);
  route("DELETE", "/api/v1/sources/([^/]+)", &Handlers::DeleteSource);
  route("GET", "/api/v1/sources/([^/]+)/status", &Handlers::SourceStatus);
  route("POST", "/api/v1/sources/([^/]+)/transfer", &Handlers::TransferSource);
  route("POST", "/api/v1/sources/([^/]+)/enable", &Handlers::EnableSource);
  route("POST", "/api/v1/sources/([^/]+)/disable", &Handlers::DisableSource);
  route("GET", "/api/v1/sources/([^/]+)/schemas", &Handlers::SourceSchemas);
  route("GET", "/api/v1/sources/([^/]+)/schemas/([^/]+)", &Handlers::SourceTables);
  route("POST", "/api/v1/tasks", &Handlers::CreateTask);
  route("GET", "/api/v1/tasks", &Handlers::ListTasks);
  route("POST", "/api/v1/tasks/converters", &Handlers::ConvertTask);
  route("GET", "/api/v1/tasks/([^/]+)", &Handlers::GetTask);
  route("PUT", "/api/v1/tasks/([^/]+)", &Handlers::UpdateTask);
  route("DELETE", "/api/v1/tasks/([^/]+)", &Handlers::DeleteTask);
  route("GET", "/api/v1/tasks/([^/]+)/status", &Handlers::TaskStatus);
  route("POST", "/api/v1/tasks/([^/]+)/start", &Handlers::StartTask);
  route("POST", "/api/v1/tasks/([^/]+)/stop", &Handlers::StopTask);
  route("GET", "/api/v1/tasks/([^/]+)/sources/([^/]+)/migrate_targets", &Handlers::TaskMigrateTargets);
  route("GET", "/api/v1/cluster/info", &Handlers::GetClusterInfo);
  route("PUT", "/api/v1/cluster/info", &Handlers::UpdateClusterInfo);
  route("GET", "/api/v1/cluster/masters", &Handlers::ClusterMasters);
  route("GET", "/api/v1/cluster/workers", &Handlers::ClusterWorkers);
  route("DELETE", "/api/v1/cluster/masters/([^/]+)", &Handlers::OfflineMaster);
  route("DELETE", "/api/v1/cluster/workers/([^/]+)", &Handlers::OfflineWorker);
}

}  // namespace dm::master::openapi
