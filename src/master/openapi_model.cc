#include "master/openapi_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <span>
#include <tuple>

#include <yaml-cpp/yaml.h>

namespace dm::master::openapi {
namespace {

enum class Kind { kString, kInteger, kBool, kStringList, kArray, kObject };

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kString: return "a string";
    case Kind::kInteger: return "an integer";
    case Kind::kBool: return "a boolean";
    case Kind::kStringList: return "an array of strings";
    case Kind::kArray: return "an array";
    case Kind::kObject: return "an object";
  }
  return "";
}

bool IsKind(const Json& v, Kind kind) {
  switch (kind) {
    case Kind::kString: return v.is_string();
    case Kind::kInteger: return v.is_number_integer();
    case Kind::kBool: return v.is_boolean();
    case Kind::kStringList:
      return v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); });
    case Kind::kArray: return v.is_array();
    case Kind::kObject: return v.is_object();
  }
  return false;
}

// One member of an OpenAPI object: its name and kind, whether DM requires it,
// and the key it is copied to in dm's config (nullptr: the caller maps it, or
// it is an output-only field that input ignores).
struct FieldSpec {
  const char* name;
  Kind kind;
  bool required;
  const char* target;
};

Status ObjectExpected(const std::string& path) {
  return Status(StatusCode::kInvalidArgument, fmt::format("{}: must be an object", path), ErrorCode::kConfigWrongType);
}

// Checks `in` against `spec` (no unknown member, kinds, required members) and
// copies the members that have a target into `out`.
Status MapFields(const Json& in, const std::string& path, std::span<const FieldSpec> spec, Json& out) {
  if (!in.is_object()) return ObjectExpected(path);
  for (auto it = in.begin(); it != in.end(); ++it) {
    auto field = std::find_if(spec.begin(), spec.end(), [&](const FieldSpec& f) { return it.key() == f.name; });
    if (field == spec.end()) {
      std::vector<std::string_view> names;
      for (const FieldSpec& f : spec) names.push_back(f.name);
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{}.{}: unknown field; {} takes {}", path, it.key(), path, fmt::join(names, ", ")),
                    ErrorCode::kConfigUnknownKey);
    }
    if (it->is_null()) continue;
    if (!IsKind(*it, field->kind)) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{}.{}: must be {}, not {}", path, it.key(), KindName(field->kind), it->type_name()),
                    ErrorCode::kConfigWrongType);
    }
    if (field->target != nullptr) out[field->target] = *it;
  }
  for (const FieldSpec& f : spec) {
    if (f.required && (!in.contains(f.name) || in[f.name].is_null())) {
      return Status(StatusCode::kInvalidArgument, fmt::format("{}.{}: required field is missing", path, f.name),
                    ErrorCode::kConfigMissingKey);
    }
  }
  return Status::OK();
}

// The member `key` of a checked object, or null.
const Json& Member(const Json& obj, const char* key) {
  static const Json kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

constexpr FieldSpec kSecurity[] = {
    {"ssl_ca_content", Kind::kString, false, "ssl-ca-bytes"},
    {"ssl_cert_content", Kind::kString, false, "ssl-cert-bytes"},
    {"ssl_key_content", Kind::kString, false, "ssl-key-bytes"},
    {"cert_allowed_cn", Kind::kStringList, false, "cert-allowed-cn"},
};

// host, port, user, password and security of a `Source` or `target_config`.
Status MapDatabase(const Json& in, const std::string& path, std::span<const FieldSpec> spec, Json& db) {
  DM_RETURN_IF_ERROR(MapFields(in, path, spec, db));
  if (const Json& security = Member(in, "security"); !security.is_null()) {
    Json out = Json::object();
    DM_RETURN_IF_ERROR(MapFields(security, path + ".security", kSecurity, out));
    db["security"] = std::move(out);
  }
  return Status::OK();
}

constexpr FieldSpec kSource[] = {
    {"source_name", Kind::kString, true, nullptr},
    {"host", Kind::kString, true, "host"},
    {"port", Kind::kInteger, true, "port"},
    {"user", Kind::kString, true, "user"},
    {"password", Kind::kString, true, "password"},
    {"enable_gtid", Kind::kBool, false, nullptr},
    {"enable", Kind::kBool, false, nullptr},
    {"flavor", Kind::kString, false, nullptr},
    {"task_name_list", Kind::kStringList, false, nullptr},
    {"security", Kind::kObject, false, nullptr},
    {"purge", Kind::kObject, false, nullptr},
    {"status_list", Kind::kArray, false, nullptr},
    {"relay_config", Kind::kObject, false, nullptr},
};
constexpr FieldSpec kPurge[] = {
    {"interval", Kind::kInteger, false, "interval"},
    {"expires", Kind::kInteger, false, "expires"},
    {"remain_space", Kind::kInteger, false, "remain-space"},
};
constexpr FieldSpec kRelayConfig[] = {
    {"enable_relay", Kind::kBool, false, "enable-relay"},
    {"relay_binlog_name", Kind::kString, false, "relay-binlog-name"},
    {"relay_binlog_gtid", Kind::kString, false, "relay-binlog-gtid"},
    {"relay_dir", Kind::kString, false, "relay-dir"},
};

constexpr FieldSpec kTask[] = {
    {"name", Kind::kString, true, "name"},
    {"task_mode", Kind::kString, true, "task-mode"},
    {"shard_mode", Kind::kString, false, "shard-mode"},
    {"strict_optimistic_shard_mode", Kind::kBool, false, "strict-optimistic-shard-mode"},
    {"meta_schema", Kind::kString, false, "meta-schema"},
    {"enhance_online_schema_change", Kind::kBool, false, "online-ddl"},
    {"on_duplicate", Kind::kString, false, nullptr},
    {"target_config", Kind::kObject, true, nullptr},
    {"binlog_filter_rule", Kind::kObject, false, nullptr},
    {"table_migrate_rule", Kind::kArray, true, nullptr},
    {"source_config", Kind::kObject, true, nullptr},
    {"status_list", Kind::kArray, false, nullptr},
    {"ignore_checking_items", Kind::kStringList, false, "ignore-checking-items"},
};
constexpr FieldSpec kTargetConfig[] = {
    {"host", Kind::kString, true, "host"},       {"port", Kind::kInteger, true, "port"},
    {"user", Kind::kString, true, "user"},       {"password", Kind::kString, true, "password"},
    {"security", Kind::kObject, false, nullptr},
};
constexpr FieldSpec kBinlogFilterRule[] = {
    {"ignore_event", Kind::kStringList, false, "events"},
    {"ignore_sql", Kind::kStringList, false, "sql-pattern"},
};
constexpr FieldSpec kTableMigrateRule[] = {
    {"source", Kind::kObject, true, nullptr},
    {"target", Kind::kObject, false, nullptr},
    {"binlog_filter_rule", Kind::kStringList, false, nullptr},
};
constexpr FieldSpec kMigrateSource[] = {
    {"source_name", Kind::kString, true, nullptr},
    {"schema", Kind::kString, true, "schema-pattern"},
    {"table", Kind::kString, true, "table-pattern"},
};
constexpr FieldSpec kMigrateTarget[] = {
    {"schema", Kind::kString, false, "target-schema"},
    {"table", Kind::kString, false, "target-table"},
};
constexpr FieldSpec kSourceConfig[] = {
    {"full_migrate_conf", Kind::kObject, false, nullptr},
    {"incr_migrate_conf", Kind::kObject, false, nullptr},
    {"source_conf", Kind::kArray, true, nullptr},
};
constexpr FieldSpec kFullMigrateConf[] = {
    {"export_threads", Kind::kInteger, false, nullptr},
    {"import_threads", Kind::kInteger, false, "pool-size"},
    {"data_dir", Kind::kString, false, "dir"},
    {"consistency", Kind::kString, false, nullptr},
};
constexpr FieldSpec kIncrMigrateConf[] = {
    {"repl_threads", Kind::kInteger, false, "worker-count"},
    {"repl_batch", Kind::kInteger, false, "batch"},
};
constexpr FieldSpec kSourceConf[] = {
    {"source_name", Kind::kString, true, "source-id"},
    {"binlog_name", Kind::kString, false, nullptr},
    {"binlog_pos", Kind::kInteger, false, nullptr},
    {"binlog_gtid", Kind::kString, false, nullptr},
};

// The name dm gives to the shared unit settings an OpenAPI task maps to.
constexpr const char* kSharedUnitConfig = "global";

// The binlog position of a `source_conf` entry as the instance's `meta`.
Json MetaOf(const Json& conf) {
  Json meta = Json::object();
  if (const Json& v = Member(conf, "binlog_name"); v.is_string()) meta["binlog-name"] = v;
  if (const Json& v = Member(conf, "binlog_pos"); v.is_number_integer()) meta["binlog-pos"] = v;
  if (const Json& v = Member(conf, "binlog_gtid"); v.is_string()) meta["binlog-gtid"] = v;
  return meta;
}

// The full and incremental settings as the shared mydumper, loader and
// syncer configs (absent when the task sets none of their fields).
Status MapUnitSettings(const Json& task, const Json& source_config, const std::string& path, Json& out) {
  Json mydumper = Json::object(), loader = Json::object(), syncer = Json::object();
  if (const Json& full = Member(source_config, "full_migrate_conf"); !full.is_null()) {
    DM_RETURN_IF_ERROR(MapFields(full, path + ".full_migrate_conf", kFullMigrateConf, loader));
    if (const Json& v = Member(full, "export_threads"); v.is_number_integer()) mydumper["threads"] = v;
    if (const Json& v = Member(full, "consistency"); v.is_string()) {
      mydumper["extra-args"] = fmt::format("--consistency {}", v.get<std::string>());
    }
  }
  if (const Json& incr = Member(source_config, "incr_migrate_conf"); !incr.is_null()) {
    DM_RETURN_IF_ERROR(MapFields(incr, path + ".incr_migrate_conf", kIncrMigrateConf, syncer));
  }
  if (const Json& v = Member(task, "on_duplicate"); v.is_string()) loader["on-duplicate-logical"] = v;
  if (!mydumper.empty()) out["mydumpers"] = {{kSharedUnitConfig, std::move(mydumper)}};
  if (!loader.empty()) out["loaders"] = {{kSharedUnitConfig, std::move(loader)}};
  if (!syncer.empty()) out["syncers"] = {{kSharedUnitConfig, std::move(syncer)}};
  return Status::OK();
}

// The string member `key` of `obj`, or "" when `obj` is no object or the
// member no string (the answers read here come from workers).
std::string StringOf(const Json& obj, const char* key) {
  const Json& v = Member(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t Int64Of(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (!v.is_string()) return 0;
  const std::string s = v.get<std::string>();
  int64_t out = 0;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

Result<Json> ParseBody(std::string_view body) {
  Json doc = Json::parse(body.empty() ? std::string_view("{}") : body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Status(StatusCode::kInvalidArgument, "the request body is not valid JSON", ErrorCode::kConfigWrongType);
  }
  if (!doc.is_object()) return ObjectExpected("the request body");
  return doc;
}

std::vector<std::string> StringsOf(const Json& list) {
  std::vector<std::string> out;
  for (const Json& v : list) out.push_back(v.get<std::string>());
  return out;
}

constexpr FieldSpec kCreateSourceRequest[] = {
    {"source", Kind::kObject, true, nullptr},
    {"worker_name", Kind::kString, false, nullptr},
};
constexpr FieldSpec kUpdateSourceRequest[] = {
    {"source", Kind::kObject, true, nullptr},
};
constexpr FieldSpec kCreateTaskRequest[] = {
    {"task", Kind::kObject, true, nullptr},
    {"source_name_list", Kind::kStringList, false, nullptr},
    {"remove_meta", Kind::kBool, false, nullptr},
};
constexpr FieldSpec kUpdateTaskRequest[] = {
    {"task", Kind::kObject, true, nullptr},
};
constexpr FieldSpec kConvertTaskRequest[] = {
    {"task", Kind::kObject, false, nullptr},
    {"task_config_file", Kind::kString, false, nullptr},
};
constexpr FieldSpec kClusterTopology[] = {
    {"master_topology_list", Kind::kArray, false, nullptr},
    {"worker_topology_list", Kind::kArray, false, nullptr},
    {"grafana_topology", Kind::kObject, false, nullptr},
    {"prometheus_topology", Kind::kObject, false, nullptr},
    {"alert_manager_topology", Kind::kObject, false, nullptr},
};
constexpr FieldSpec kNodeTopology[] = {
    {"name", Kind::kString, true, nullptr},
    {"host", Kind::kString, true, nullptr},
    {"port", Kind::kInteger, true, nullptr},
};
constexpr FieldSpec kServiceTopology[] = {
    {"host", Kind::kString, true, nullptr},
    {"port", Kind::kInteger, true, nullptr},
};
constexpr FieldSpec kStartTaskRequest[] = {
    {"source_name_list", Kind::kStringList, false, nullptr},
    {"remove_meta", Kind::kBool, false, nullptr},
};
constexpr FieldSpec kStopTaskRequest[] = {
    {"source_name_list", Kind::kStringList, false, nullptr},
};
constexpr FieldSpec kWorkerNameRequest[] = {
    {"worker_name", Kind::kString, true, nullptr},
};

}  // namespace

Result<SourceRequest> ParseSourceRequest(std::string_view body, bool create) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  if (create) {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kCreateSourceRequest, unused));
  } else {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kUpdateSourceRequest, unused));
  }
  SourceRequest out;
  DM_ASSIGN_OR_RETURN(out.source_file, SourceFileFromOpenApi(doc["source"], "source"));
  out.source_name = doc["source"]["source_name"].get<std::string>();
  if (const Json& worker = Member(doc, "worker_name"); worker.is_string()) out.worker_name = worker.get<std::string>();
  return out;
}

Result<CreateTaskRequest> ParseTaskRequest(std::string_view body, bool create) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  if (create) {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kCreateTaskRequest, unused));
  } else {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kUpdateTaskRequest, unused));
  }
  CreateTaskRequest out;
  DM_ASSIGN_OR_RETURN(out.task_file, TaskFileFromOpenApi(doc["task"], "task"));
  out.task_name = doc["task"]["name"].get<std::string>();
  out.source_name_list = StringsOf(Member(doc, "source_name_list"));
  out.remove_meta = Member(doc, "remove_meta").is_boolean() && doc["remove_meta"].get<bool>();
  return out;
}

Result<ConvertTaskRequest> ParseConvertTaskRequest(std::string_view body) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  DM_RETURN_IF_ERROR(MapFields(doc, "request", kConvertTaskRequest, unused));
  const Json& task = Member(doc, "task");
  const Json& file = Member(doc, "task_config_file");
  if (task.is_null() == file.is_null()) {
    return Status(StatusCode::kInvalidArgument,
                  "request: give exactly one of task (converted to a task file) and task_config_file (converted to "
                  "a task)",
                  ErrorCode::kOpenAPICommonError);
  }
  ConvertTaskRequest out;
  if (!task.is_null()) {
    DM_ASSIGN_OR_RETURN(out.task_file, TaskFileFromOpenApi(task, "task"));
  } else {
    out.task_config_file = file.get<std::string>();
  }
  return out;
}

Result<Json> ParseClusterTopology(std::string_view body) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  DM_RETURN_IF_ERROR(MapFields(doc, "topology", kClusterTopology, unused));
  for (const char* list : {"master_topology_list", "worker_topology_list"}) {
    const Json& nodes = Member(doc, list);
    for (size_t i = 0; i < nodes.size(); ++i) {
      DM_RETURN_IF_ERROR(MapFields(nodes[i], fmt::format("topology.{}[{}]", list, i), kNodeTopology, unused));
    }
  }
  for (const char* service : {"grafana_topology", "prometheus_topology", "alert_manager_topology"}) {
    if (const Json& v = Member(doc, service); !v.is_null()) {
      DM_RETURN_IF_ERROR(MapFields(v, fmt::format("topology.{}", service), kServiceTopology, unused));
    }
  }
  return doc;
}

Result<TaskStageRequest> ParseTaskStageRequest(std::string_view body, bool start) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  if (start) {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kStartTaskRequest, unused));
  } else {
    DM_RETURN_IF_ERROR(MapFields(doc, "request", kStopTaskRequest, unused));
  }
  TaskStageRequest out;
  out.source_name_list = StringsOf(Member(doc, "source_name_list"));
  out.remove_meta = Member(doc, "remove_meta").is_boolean() && doc["remove_meta"].get<bool>();
  return out;
}

Result<std::string> ParseWorkerNameRequest(std::string_view body) {
  DM_ASSIGN_OR_RETURN(Json doc, ParseBody(body));
  Json unused;
  DM_RETURN_IF_ERROR(MapFields(doc, "request", kWorkerNameRequest, unused));
  return doc["worker_name"].get<std::string>();
}

Result<std::string> SourceFileFromOpenApi(const Json& source, const std::string& path) {
  Json from = Json::object();
  DM_RETURN_IF_ERROR(MapDatabase(source, path, kSource, from));
  Json out;
  out["source-id"] = source["source_name"];
  out["enable-gtid"] = Member(source, "enable_gtid").is_boolean() ? source["enable_gtid"] : Json(false);
  if (const Json& flavor = Member(source, "flavor"); flavor.is_string()) out["flavor"] = flavor;
  if (const Json& enable = Member(source, "enable"); enable.is_boolean()) out["enable"] = enable;
  out["from"] = std::move(from);
  if (const Json& purge = Member(source, "purge"); !purge.is_null()) {
    Json mapped = Json::object();
    DM_RETURN_IF_ERROR(MapFields(purge, path + ".purge", kPurge, mapped));
    out["purge"] = std::move(mapped);
  }
  if (const Json& relay = Member(source, "relay_config"); !relay.is_null()) {
    DM_RETURN_IF_ERROR(MapFields(relay, path + ".relay_config", kRelayConfig, out));
  }
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<std::string> SourceFileWithEnable(std::string_view source_file, bool enable) {
  try {
    YAML::Node root = YAML::Load(std::string(source_file));
    if (!root.IsMap()) {
      return Status(StatusCode::kInvalidArgument, "the stored source file is not a YAML map",
                    ErrorCode::kOpenAPICommonError);
    }
    root["enable"] = enable;
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return Status(StatusCode::kInvalidArgument, fmt::format("the stored source file is not YAML: {}", e.what()),
                  ErrorCode::kOpenAPICommonError);
  }
}

Json SourceToOpenApi(const config::SourceConfig& source) {
  Json out;
  out["source_name"] = source.source_id;
  out["host"] = source.from.host;
  out["port"] = source.from.port;
  out["user"] = source.from.user;
  out["password"] = kHiddenPassword;
  out["enable_gtid"] = source.enable_gtid;
  out["enable"] = source.enable;
  out["flavor"] = std::string(config::EnumToString(source.flavor));
  if (source.from.security) out["security"] = {{"cert_allowed_cn", source.from.security->cert_allowed_cn}};
  out["purge"] = {{"interval", source.purge.interval},
                  {"expires", source.purge.expires},
                  {"remain_space", source.purge.remain_space}};
  out["relay_config"] = {{"enable_relay", source.enable_relay},
                         {"relay_binlog_name", source.relay_binlog_name},
                         {"relay_binlog_gtid", source.relay_binlog_gtid},
                         {"relay_dir", source.relay_dir}};
  return out;
}

Result<std::string> TaskFileFromOpenApi(const Json& task, const std::string& path) {
  Json out;
  DM_RETURN_IF_ERROR(MapFields(task, path, kTask, out));
  if (!out.contains("online-ddl")) out["online-ddl"] = true;  // DM's default of enhance_online_schema_change
  Json target = Json::object();
  DM_RETURN_IF_ERROR(MapDatabase(task["target_config"], path + ".target_config", kTargetConfig, target));
  out["target-database"] = std::move(target);

  const std::string source_path = path + ".source_config";
  const Json& source_config = task["source_config"];
  DM_RETURN_IF_ERROR(MapFields(source_config, source_path, kSourceConfig, out));
  DM_RETURN_IF_ERROR(MapUnitSettings(task, source_config, source_path, out));

  std::map<std::string, Json> filter_rules;  // binlog_filter_rule name -> events and sql-pattern
  if (const Json& rules = Member(task, "binlog_filter_rule"); !rules.is_null()) {
    for (auto it = rules.begin(); it != rules.end(); ++it) {
      Json mapped = Json::object();
      DM_RETURN_IF_ERROR(
          MapFields(*it, fmt::format("{}.binlog_filter_rule.{}", path, it.key()), kBinlogFilterRule, mapped));
      filter_rules[it.key()] = std::move(mapped);
    }
  }

  // The migrate rules, grouped by source: block-allow-list, routes, filters.
  std::map<std::string, Json> allow_lists;
  std::map<std::string, std::vector<std::string>> route_names, filter_names;
  std::map<std::string, int> filter_uses;
  for (const Json& rule : task["table_migrate_rule"]) {
    for (const Json& name : Member(rule, "binlog_filter_rule")) {
      if (name.is_string()) ++filter_uses[name.get<std::string>()];
    }
  }
  Json routes = Json::object(), filters = Json::object();
  const Json& rules = task["table_migrate_rule"];
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string rule_path = fmt::format("{}.table_migrate_rule[{}]", path, i);
    Json ignored = Json::object(), patterns = Json::object();
    DM_RETURN_IF_ERROR(MapFields(rules[i], rule_path, kTableMigrateRule, ignored));
    DM_RETURN_IF_ERROR(MapFields(rules[i]["source"], rule_path + ".source", kMigrateSource, patterns));
    const std::string source = rules[i]["source"]["source_name"].get<std::string>();
    const std::string schema = patterns["schema-pattern"].get<std::string>();
    const std::string table = patterns["table-pattern"].get<std::string>();
    Json& allow = allow_lists[source];
    if (allow.is_null()) allow = {{"do-dbs", Json::array()}, {"do-tables", Json::array()}};
    if (std::find(allow["do-dbs"].begin(), allow["do-dbs"].end(), schema) == allow["do-dbs"].end()) {
      allow["do-dbs"].push_back(schema);
    }
    allow["do-tables"].push_back({{"db-name", schema}, {"tbl-name", table}});
    if (const Json& rule_target = Member(rules[i], "target"); !rule_target.is_null()) {
      Json route = patterns;
      DM_RETURN_IF_ERROR(MapFields(rule_target, rule_path + ".target", kMigrateTarget, route));
      if (route.contains("target-schema") || route.contains("target-table")) {
        const std::string name = fmt::format("route-{}", i);
        routes[name] = std::move(route);
        route_names[source].push_back(name);
      }
    }
    for (const Json& name_json : Member(rules[i], "binlog_filter_rule")) {
      const std::string name = name_json.get<std::string>();
      auto rule = filter_rules.find(name);
      if (rule == filter_rules.end()) {
        return Status(
            StatusCode::kInvalidArgument,
            fmt::format("{}.binlog_filter_rule: {} is not a rule of {}.binlog_filter_rule", rule_path, name, path),
            ErrorCode::kConfigRuleNotFound);
      }
      Json filter = patterns;
      filter.update(rule->second);
      filter["action"] = "Ignore";
      const std::string filter_name = filter_uses[name] > 1 ? fmt::format("{}-{}", name, i) : name;
      filters[filter_name] = std::move(filter);
      filter_names[source].push_back(filter_name);
    }
  }

  Json instances = Json::array();
  std::set<std::string> instance_names;
  const Json& confs = source_config["source_conf"];
  for (size_t i = 0; i < confs.size(); ++i) {
    Json instance = Json::object();
    DM_RETURN_IF_ERROR(MapFields(confs[i], fmt::format("{}.source_conf[{}]", source_path, i), kSourceConf, instance));
    const std::string source = instance["source-id"].get<std::string>();
    instance_names.insert(source);
    if (Json meta = MetaOf(confs[i]); !meta.empty()) instance["meta"] = std::move(meta);
    if (allow_lists.contains(source)) instance["block-allow-list"] = source;
    if (route_names.contains(source)) instance["route-rules"] = route_names[source];
    if (filter_names.contains(source)) instance["filter-rules"] = filter_names[source];
    if (out.contains("mydumpers")) instance["mydumper-config-name"] = kSharedUnitConfig;
    if (out.contains("loaders")) instance["loader-config-name"] = kSharedUnitConfig;
    if (out.contains("syncers")) instance["syncer-config-name"] = kSharedUnitConfig;
    instances.push_back(std::move(instance));
  }
  for (const auto& [source, allow] : allow_lists) {
    if (!instance_names.contains(source)) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{}.table_migrate_rule: source {} is not in {}.source_conf", path, source, source_path),
                    ErrorCode::kOpenAPITaskSourceNotFound);
    }
  }
  out["mysql-instances"] = std::move(instances);
  if (!allow_lists.empty()) {
    Json lists = Json::object();
    for (auto& [source, allow] : allow_lists) lists[source] = std::move(allow);
    out["block-allow-list"] = std::move(lists);
  }
  if (!routes.empty()) out["routes"] = std::move(routes);
  if (!filters.empty()) out["filters"] = std::move(filters);
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json TaskToOpenApi(const config::TaskConfig& task) {
  Json out;
  out["name"] = task.name;
  out["task_mode"] = std::string(config::EnumToString(task.task_mode));
  if (task.shard_mode != config::ShardMode::kNone)
    out["shard_mode"] = std::string(config::EnumToString(task.shard_mode));
  out["meta_schema"] = task.meta_schema;
  out["enhance_online_schema_change"] = task.online_ddl;
  const config::ResolvedUnits* first = task.mysql_instances.empty() ? nullptr : &task.mysql_instances[0].resolved;
  out["on_duplicate"] = std::string(
      config::EnumToString(first ? first->loader.on_duplicate_logical : config::LoaderConfig{}.on_duplicate_logical));
  out["target_config"] = {{"host", task.target_database.host},
                          {"port", task.target_database.port},
                          {"user", task.target_database.user},
                          {"password", kHiddenPassword}};

  Json filter_rules = Json::object();
  Json migrate_rules = Json::array();
  Json source_conf = Json::array();
  for (const config::MySQLInstance& instance : task.mysql_instances) {
    Json conf = {{"source_name", instance.source_id}};
    if (instance.meta) {
      if (!instance.meta->binlog_name.empty()) conf["binlog_name"] = instance.meta->binlog_name;
      if (instance.meta->binlog_pos != 0) conf["binlog_pos"] = instance.meta->binlog_pos;
      if (!instance.meta->binlog_gtid.empty()) conf["binlog_gtid"] = instance.meta->binlog_gtid;
    }
    source_conf.push_back(std::move(conf));

    // The (schema, table) patterns the instance migrates.
    std::vector<std::pair<std::string, std::string>> patterns;
    auto allow = task.block_allow_list.find(instance.block_allow_list);
    if (allow == task.block_allow_list.end()) {
      patterns.emplace_back("*", "*");
    } else {
      for (const config::TableRef& t : allow->second.do_tables) patterns.emplace_back(t.db_name, t.tbl_name);
      for (const std::string& db : allow->second.do_dbs) {
        if (std::none_of(patterns.begin(), patterns.end(), [&](const auto& p) { return p.first == db; })) {
          patterns.emplace_back(db, "*");
        }
      }
    }
    for (const auto& [schema, table] : patterns) {
      Json rule = {{"source", {{"source_name", instance.source_id}, {"schema", schema}, {"table", table}}}};
      for (const std::string& name : instance.route_rules) {
        auto route = task.routes.find(name);
        if (route == task.routes.end() || route->second.schema_pattern != schema) continue;
        const std::string& table_pattern = route->second.table_pattern;
        if (table_pattern != table && !(table == "*" && table_pattern.empty())) continue;
        Json target = {{"schema", route->second.target_schema}};
        if (!route->second.target_table.empty()) target["table"] = route->second.target_table;
        rule["target"] = std::move(target);
        break;
      }
      Json names = Json::array();
      for (const std::string& name : instance.filter_rules) {
        auto filter = task.filters.find(name);
        if (filter == task.filters.end() || filter->second.action != config::FilterAction::kIgnore ||
            filter->second.schema_pattern != schema || filter->second.table_pattern != table) {
          continue;
        }
        names.push_back(name);
        filter_rules[name] = {{"ignore_event", filter->second.events}, {"ignore_sql", filter->second.sql_pattern}};
      }
      if (!names.empty()) rule["binlog_filter_rule"] = std::move(names);
      migrate_rules.push_back(std::move(rule));
    }
  }
  if (!filter_rules.empty()) out["binlog_filter_rule"] = std::move(filter_rules);
  out["table_migrate_rule"] = std::move(migrate_rules);
  Json source_config;
  if (first != nullptr) {
    source_config["full_migrate_conf"] = {{"export_threads", first->mydumper.threads},
                                          {"import_threads", first->loader.pool_size},
                                          {"data_dir", first->loader.dir}};
    source_config["incr_migrate_conf"] = {{"repl_threads", first->syncer.worker_count},
                                          {"repl_batch", first->syncer.batch}};
  }
  source_config["source_conf"] = std::move(source_conf);
  out["source_config"] = std::move(source_config);
  if (!task.ignore_checking_items.empty()) out["ignore_checking_items"] = task.ignore_checking_items;
  return out;
}

Result<Json> ConverterResponse(const config::TaskConfig& task) {
  Json object = TaskToOpenApi(task);
  DM_ASSIGN_OR_RETURN(std::string file, TaskFileFromOpenApi(object, "task"));
  std::string yaml;
  try {
    // The file is JSON text; DM's converter answers YAML in block style.
    YAML::Node root = YAML::Load(file);
    std::vector<YAML::Node> stack = {root};
    while (!stack.empty()) {
      YAML::Node node = stack.back();
      stack.pop_back();
      node.SetStyle(YAML::EmitterStyle::Block);
      if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) stack.push_back(it->second);
      } else if (node.IsSequence()) {
        for (auto it = node.begin(); it != node.end(); ++it) stack.push_back(*it);
      }
    }
    YAML::Emitter out;
    out << root;
    yaml = std::string(out.c_str()) + "\n";
  } catch (const YAML::Exception& e) {
    return Status(StatusCode::kInternal,
                  fmt::format("task {}: cannot write its task file as YAML: {}", task.name, e.what()),
                  ErrorCode::kOpenAPICommonError);
  }
  return Json{{"task", std::move(object)}, {"task_config_file", std::move(yaml)}};
}

Status CheckTaskUpdate(const config::TaskConfig& current, const config::TaskConfig& updated) {
  std::set<std::string> current_sources, updated_sources;
  for (const config::MySQLInstance& i : current.mysql_instances) current_sources.insert(i.source_id);
  for (const config::MySQLInstance& i : updated.mysql_instances) updated_sources.insert(i.source_id);
  if (current_sources != updated_sources) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("task.source_config.source_conf: the sources [{}] differ from the task's [{}]; an update "
                              "keeps the sources (delete the task and create it to change them)",
                              fmt::join(updated_sources, " "), fmt::join(current_sources, " ")),
                  ErrorCode::kOpenAPICommonError);
  }
  if (current.target_database.password != updated.target_database.password) {
    return Status(StatusCode::kInvalidArgument, "task.target_config.password: cannot be updated",
                  ErrorCode::kOpenAPICommonError);
  }
  // The rest is compared as the Task object shows it, without what DM lets
  // an update change.
  Json before = TaskToOpenApi(current), after = TaskToOpenApi(updated);
  for (Json* object : {&before, &after}) {
    object->erase("table_migrate_rule");
    object->erase("binlog_filter_rule");
    (*object)["source_config"].erase("incr_migrate_conf");
    // Sources compare above; their order in the file does not matter.
    (*object)["source_config"].erase("source_conf");
  }
  const Json diff = Json::diff(before, after);
  if (diff.empty()) return Status::OK();
  std::string path = diff[0].value("path", "");
  std::replace(path.begin(), path.end(), '/', '.');
  return Status(StatusCode::kInvalidArgument,
                fmt::format("task{}: cannot be updated; as DM, an update of a stopped task changes only "
                            "table_migrate_rule, binlog_filter_rule and source_config.incr_migrate_conf",
                            path),
                ErrorCode::kOpenAPICommonError);
}

Result<std::vector<MigrateTarget>> MigrateTargets(const config::TaskConfig& task, const std::string& source_id,
                                                  const std::vector<filter::TableName>& upstream,
                                                  std::string_view schema_pattern, std::string_view table_pattern) {
  auto instance = std::find_if(task.mysql_instances.begin(), task.mysql_instances.end(),
                               [&](const config::MySQLInstance& i) { return i.source_id == source_id; });
  if (instance == task.mysql_instances.end()) {
    return Status(StatusCode::kInvalidArgument, fmt::format("task {} has no source {}", task.name, source_id),
                  ErrorCode::kOpenAPITaskSourceNotFound);
  }
  filter::BlockAllowList allow;
  if (!instance->block_allow_list.empty()) {
    DM_ASSIGN_OR_RETURN(allow, filter::BlockAllowList::Create(task.block_allow_list.at(instance->block_allow_list),
                                                              task.case_sensitive));
  }
  std::vector<config::RouteRule> rules;
  for (const std::string& name : instance->route_rules) rules.push_back(task.routes.at(name));
  DM_ASSIGN_OR_RETURN(filter::TableRouter router, filter::TableRouter::Create(rules, task.case_sensitive));
  std::optional<filter::GoRegex> schema_re, table_re;
  for (auto [pattern, re, name] : {std::tuple{schema_pattern, &schema_re, "schema_pattern"},
                                   std::tuple{table_pattern, &table_re, "table_pattern"}}) {
    if (pattern.empty()) continue;
    auto compiled = filter::GoRegex::Compile(pattern);
    if (!compiled.ok()) {
      return Status(StatusCode::kInvalidArgument, fmt::format("{}: {}", name, compiled.status().message()),
                    ErrorCode::kOpenAPICommonError);
    }
    *re = std::move(*compiled);
  }
  std::vector<MigrateTarget> out;
  for (const filter::TableName& table : upstream) {
    if (filter::BlockAllowList::IsSystemSchema(table.schema)) continue;
    if (!allow.Match(table.schema, table.table)) continue;
    if (schema_re && !schema_re->Search(table.schema)) continue;
    if (table_re && !table_re->Search(table.table)) continue;
    auto target = router.Route(table.schema, table.table);
    if (!target.ok()) {
      return Status(target.status().code(),
                    fmt::format("table {}.{}: {}", table.schema, table.table, target.status().message()),
                    target.status().error_code());
    }
    out.push_back({table, std::move(*target)});
  }
  return out;
}

Json MigrateTargetsToOpenApi(const std::vector<MigrateTarget>& targets) {
  Json data = Json::array();
  for (const MigrateTarget& t : targets) {
    data.push_back({{"source_schema", t.source.schema},
                    {"source_table", t.source.table},
                    {"target_schema", t.target.schema},
                    {"target_table", t.target.table}});
  }
  Json out;
  out["total"] = data.size();
  out["data"] = std::move(data);
  return out;
}

Json SubTaskStatusToOpenApi(const std::string& task, const Json& entry) {
  const Json& source_status = Member(entry, "sourceStatus");
  Json out;
  out["name"] = task;
  out["source_name"] = StringOf(source_status, "source");
  out["worker_name"] = StringOf(source_status, "worker");
  const Json* status = nullptr;
  if (const Json& list = Member(entry, "subTaskStatus"); list.is_array()) {
    for (const Json& s : list) {
      if (StringOf(s, "name") == task) status = &s;
    }
  }
  if (status == nullptr) {
    out["stage"] = "";
    out["unit"] = "";
    out["error_msg"] = StringOf(entry, "msg");
    return out;
  }
  out["stage"] = StringOf(*status, "stage");
  out["unit"] = StringOf(*status, "unit");
  out["unresolved_ddl_lock_id"] = StringOf(*status, "unresolvedDDLLockID");
  if (const Json& dump = Member(*status, "dump"); dump.is_object()) {
    out["dump_status"] = {{"total_tables", Int64Of(Member(dump, "totalTables"))},
                          {"completed_tables", Int64Of(Member(dump, "completedTables"))},
                          {"finished_bytes", Int64Of(Member(dump, "finishedBytes"))},
                          {"finished_rows", Int64Of(Member(dump, "finishedRows"))},
                          {"estimate_total_rows", Int64Of(Member(dump, "estimateTotalRows"))}};
  }
  if (const Json& load = Member(*status, "load"); load.is_object()) {
    out["load_status"] = {{"finished_bytes", Int64Of(Member(load, "finishedBytes"))},
                          {"total_bytes", Int64Of(Member(load, "totalBytes"))},
                          {"progress", StringOf(load, "progress")},
                          {"meta_binlog", StringOf(load, "metaBinlog")},
                          {"meta_binlog_gtid", StringOf(load, "metaBinlogGTID")}};
  }
  if (const Json& sync = Member(*status, "sync"); sync.is_object()) {
    out["sync_status"] = {
        {"total_events", Int64Of(Member(sync, "totalEvents"))},
        {"total_tps", Int64Of(Member(sync, "totalTps"))},
        {"recent_tps", Int64Of(Member(sync, "recentTps"))},
        {"master_binlog", StringOf(sync, "masterBinlog")},
        {"master_binlog_gtid", StringOf(sync, "masterBinlogGtid")},
        {"syncer_binlog", StringOf(sync, "syncerBinlog")},
        {"syncer_binlog_gtid", StringOf(sync, "syncerBinlogGtid")},
        {"blocking_ddls", Member(sync, "blockingDDLs").is_array() ? sync["blockingDDLs"] : Json::array()},
        {"unresolved_groups", Json::array()},
        {"synced", Member(sync, "synced").is_boolean() && sync["synced"].get<bool>()},
        {"binlog_type", StringOf(sync, "binlogType")},
        {"seconds_behind_master", Int64Of(Member(sync, "secondsBehindMaster"))}};
  }
  std::vector<std::string> errors;
  if (const Json& list = Member(Member(*status, "result"), "errors"); list.is_array()) {
    for (const Json& e : list) errors.push_back(StringOf(e, "Message"));
  }
  if (!errors.empty()) out["error_msg"] = fmt::format("{}", fmt::join(errors, "; "));
  return out;
}

}  // namespace dm::master::openapi
