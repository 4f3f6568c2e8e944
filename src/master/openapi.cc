#include "master/openapi.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "common/encrypt.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "master/openapi_model.h"

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

// The OpenAPI paths, each a translation to the control handlers.
class Handlers {
 public:
  explicit Handlers(ControlApi api) : api_(std::move(api)) {}

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
    DM_ASSIGN_OR_RETURN(CreateTaskRequest request, ParseCreateTaskRequest(req.body));
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
};

}  // namespace

void Register(http::Server& server, ControlApi api) {
  auto handlers = std::make_shared<Handlers>(api);
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
  route("POST", "/api/v1/tasks", &Handlers::CreateTask);
  route("GET", "/api/v1/tasks", &Handlers::ListTasks);
  route("GET", "/api/v1/tasks/([^/]+)", &Handlers::GetTask);
  route("DELETE", "/api/v1/tasks/([^/]+)", &Handlers::DeleteTask);
  route("GET", "/api/v1/tasks/([^/]+)/status", &Handlers::TaskStatus);
  route("POST", "/api/v1/tasks/([^/]+)/start", &Handlers::StartTask);
  route("POST", "/api/v1/tasks/([^/]+)/stop", &Handlers::StopTask);
  route("GET", "/api/v1/cluster/masters", &Handlers::ClusterMasters);
  route("GET", "/api/v1/cluster/workers", &Handlers::ClusterWorkers);
  route("DELETE", "/api/v1/cluster/masters/([^/]+)", &Handlers::OfflineMaster);
  route("DELETE", "/api/v1/cluster/workers/([^/]+)", &Handlers::OfflineWorker);
}

}  // namespace dm::master::openapi
