#include "ctl/master_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace dm::ctl {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kApi = "/apis/v1alpha1";

// RFC 3986 percent-encoding of everything but unreserved characters, for
// path segments and query values (task names may hold any character).
std::string Escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string query;
  for (const auto& [key, value] : params) {
    query += query.empty() ? '?' : '&';
    query += key;
    query += '=';
    query += Escape(value);
  }
  return query;
}

std::string_view SourceOpName(SourceOp op) {
  switch (op) {
    case SourceOp::kStart: return "StartSource";
    case SourceOp::kUpdate: return "UpdateSource";
    case SourceOp::kStop: return "StopSource";
    case SourceOp::kShow: return "ShowSource";
  }
  return "InvalidSourceOp";
}

std::string_view TaskOpName(TaskOp op) {
  switch (op) {
    case TaskOp::kPause: return "Pause";
    case TaskOp::kResume: return "Resume";
    case TaskOp::kStop: return "Stop";
  }
  return "InvalidOp";
}

std::string_view SchemaOpName(SchemaOp op) {
  switch (op) {
    case SchemaOp::kGet: return "GetSchema";
    case SchemaOp::kSet: return "SetSchema";
    case SchemaOp::kRemove: return "RemoveSchema";
  }
  return "InvalidSchemaOp";
}

MasterRequest WithBody(std::string method, std::string target, const ordered_json& body) {
  return {std::move(method), std::move(target), body.dump()};
}

}  // namespace

MasterRequest OperateSourceRequest(SourceOp op, const std::vector<std::string>& configs,
                                   const std::vector<std::string>& source_ids, const std::string& worker) {
  ordered_json body = {{"op", SourceOpName(op)}, {"config", configs}, {"sourceID", source_ids}, {"workerName", worker}};
  return WithBody("PUT", fmt::format("{}/sources", kApi), body);
}

MasterRequest StartTaskRequest(const std::string& task_text, const std::vector<std::string>& sources,
                               bool remove_meta, const std::string& start_time) {
  ordered_json body = {
      {"task", task_text}, {"sources", sources}, {"removeMeta", remove_meta}, {"startTime", start_time}};
  return WithBody("POST", fmt::format("{}/tasks", kApi), body);
}

MasterRequest OperateTaskRequest(TaskOp op, const std::string& name, const std::vector<std::string>& sources) {
  ordered_json body = {{"op", TaskOpName(op)}, {"name", name}, {"sources", sources}};
  return WithBody("PUT", fmt::format("{}/tasks/{}", kApi, Escape(name)), body);
}

MasterRequest QueryStatusRequest(const std::string& name, const std::vector<std::string>& sources) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& source : sources) params.emplace_back("source", source);
  std::string path = name.empty() ? fmt::format("{}/status", kApi) : fmt::format("{}/status/{}", kApi, Escape(name));
  return {"GET", path + QueryString(params), ""};
}

MasterRequest CheckTaskRequest(const std::string& task_text, int64_t error_count, int64_t warn_count,
                               const std::string& start_time) {
  ordered_json body = {
      {"task", task_text}, {"errCnt", error_count}, {"warnCnt", warn_count}, {"startTime", start_time}};
  return WithBody("POST", fmt::format("{}/check-task", kApi), body);
}

MasterRequest ListMemberRequest(bool leader, bool master, bool worker, const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> params;
  if (leader) params.emplace_back("leader", "true");
  if (master) params.emplace_back("master", "true");
  if (worker) params.emplace_back("worker", "true");
  for (const auto& name : names) params.emplace_back("name", name);
  return {"GET", fmt::format("{}/members", kApi) + QueryString(params), ""};
}

MasterRequest OperateLeaderRequest(const std::string& op) {
  return {"PUT", fmt::format("{}/leader/{}", kApi, Escape(op)), ""};
}

MasterRequest OfflineMemberRequest(const std::string& type, const std::string& name) {
  return {"DELETE", fmt::format("{}/members/{}/{}", kApi, Escape(type), Escape(name)), ""};
}

MasterRequest TransferSourceRequest(const std::string& source, const std::string& worker) {
  ordered_json body = {{"source", source}, {"worker", worker}};
  return WithBody("POST", fmt::format("{}/sources/transfer", kApi), body);
}

MasterRequest GetConfigRequest(const std::string& type, const std::string& name) {
  return {"GET", fmt::format("{}/config/{}/{}", kApi, Escape(type), Escape(name)), ""};
}

MasterRequest OperateSchemaRequest(const SchemaOperation& o) {
  ordered_json body = {{"op", SchemaOpName(o.op)}, {"task", o.task},           {"sources", o.sources},
                       {"database", o.database},   {"table", o.table},         {"schema", o.schema},
                       {"flush", o.flush},         {"sync", o.sync},           {"fromSource", o.from_source},
                       {"fromTarget", o.from_target}};
  return WithBody("PUT", fmt::format("{}/schema", kApi), body);
}

Result<ordered_json> ParseMasterResponse(const http::Response& response) {
  ordered_json body = ordered_json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) return body;
  constexpr size_t kShown = 200;
  return Status::Unavailable(fmt::format("dm-master answered HTTP {} without a JSON object: {}", response.status,
                                         response.body.substr(0, kShown)));
}

bool ResponseSucceeded(const ordered_json& response) {
  auto result = response.find("result");
  return result != response.end() && result->is_boolean() && result->get<bool>();
}

bool ResponseAndSourcesSucceeded(const ordered_json& response) {
  if (!ResponseSucceeded(response)) return false;
  auto sources = response.find("sources");
  if (sources == response.end() || !sources->is_array()) return true;
  return std::all_of(sources->begin(), sources->end(),
                     [](const ordered_json& entry) { return entry.is_object() && ResponseSucceeded(entry); });
}

}  // namespace dm::ctl
