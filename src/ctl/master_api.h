// The requests dmctl sends to dm-master's HTTP API (`/apis/v1alpha1/...`,
// JSON bodies with DM's proto field names), one builder per master call, and
// the transport seam that carries them. Builders are pure, so tests check
// method, target and body without a master.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/server.h"

namespace dm::ctl {

struct MasterRequest {
  std::string method;  // "GET", "PUT", "POST", "DELETE"
  std::string target;  // path and query, components percent-encoded
  std::string body;    // JSON text; empty for GET and DELETE

  bool operator==(const MasterRequest&) const = default;
};

// Sends one request to dm-master and returns its answer (any HTTP status), or
// Unavailable when no master could be reached. The production transport is
// HttpMasterTransport (master_client.h); tests pass their own.
using MasterTransport = std::function<Result<http::Response>(const MasterRequest&)>;

// DM's SourceOp names, as operate-source's first argument maps to them.
enum class SourceOp { kStart, kUpdate, kStop, kShow };
// DM's TaskOp names for pause-task, resume-task and stop-task.
enum class TaskOp { kPause, kResume, kStop };

// PUT /apis/v1alpha1/sources {"op", "config", "sourceID", "workerName"}.
MasterRequest OperateSourceRequest(SourceOp op, const std::vector<std::string>& configs,
                                   const std::vector<std::string>& source_ids, const std::string& worker);

// POST /apis/v1alpha1/tasks {"task", "sources", "removeMeta", "startTime"}.
MasterRequest StartTaskRequest(const std::string& task_text, const std::vector<std::string>& sources,
                               bool remove_meta, const std::string& start_time);

// PUT /apis/v1alpha1/tasks/{name} {"op", "name", "sources"}. An empty name
// with sources means every task on those sources (the path ends in "/").
MasterRequest OperateTaskRequest(TaskOp op, const std::string& name, const std::vector<std::string>& sources);

// GET /apis/v1alpha1/status/{name}?source=..., or GET /apis/v1alpha1/status
// (the task list) when `name` is empty.
MasterRequest QueryStatusRequest(const std::string& name, const std::vector<std::string>& sources);

// POST /apis/v1alpha1/check-task {"task", "errCnt", "warnCnt", "startTime"}.
MasterRequest CheckTaskRequest(const std::string& task_text, int64_t error_count, int64_t warn_count,
                               const std::string& start_time);

// GET /apis/v1alpha1/members with leader/master/worker=true for each kind
// asked for (none: all kinds) and one name= per member name.
MasterRequest ListMemberRequest(bool leader, bool master, bool worker, const std::vector<std::string>& names);

// PUT /apis/v1alpha1/leader/evict or /cancel-evict. REQUIRES: `op` is one of those.
MasterRequest OperateLeaderRequest(const std::string& op);

// DELETE /apis/v1alpha1/members/{master|worker}/{name}.
MasterRequest OfflineMemberRequest(const std::string& type, const std::string& name);

// POST /apis/v1alpha1/sources/transfer {"source", "worker"}.
MasterRequest TransferSourceRequest(const std::string& source, const std::string& worker);

// GET /apis/v1alpha1/config/{task|master|worker|source}/{name}.
MasterRequest GetConfigRequest(const std::string& type, const std::string& name);

// DM's SchemaOp for binlog-schema list, update and delete.
enum class SchemaOp { kGet, kSet, kRemove };

// One binlog-schema command (DM's OperateSchemaRequest).
struct SchemaOperation {
  SchemaOp op = SchemaOp::kGet;
  std::string task;
  std::vector<std::string> sources;
  std::string database;
  std::string table;
  std::string schema;  // kSet without from_source/from_target: the CREATE TABLE text
  bool flush = false;
  bool sync = false;
  bool from_source = false;
  bool from_target = false;
};

// PUT /apis/v1alpha1/schema {"op", "task", "sources", "database", "table",
// "schema", "flush", "sync", "fromSource", "fromTarget"} (DM's route and
// fields; op by name: "GetSchema", "SetSchema", "RemoveSchema").
MasterRequest OperateSchemaRequest(const SchemaOperation& operation);

// Parses a master's answer: the JSON object body, whatever the HTTP status
// (the master explains failures in "result"/"msg"). A body that is not a JSON
// object is Unavailable naming the HTTP status and the start of the body.
Result<nlohmann::ordered_json> ParseMasterResponse(const http::Response& response);

// The `result` field of a parsed answer (false when absent).
bool ResponseSucceeded(const nlohmann::ordered_json& response);

// ResponseSucceeded, and so is every entry of its `sources` list: DM answers
// some commands with `result: true` and one failed entry per source.
bool ResponseAndSourcesSucceeded(const nlohmann::ordered_json& response);

}  // namespace dm::ctl
