// The JSON objects of DM's OpenAPI (`/api/v1`, dm/openapi/spec/dm.yaml) and
// their mapping onto dm's source and task configs. Pure functions: no I/O, no
// cluster state, so the mapping is tested on its own (openapi_model_test.cc).
//
// Input objects are checked field by field: an unknown field, a field of the
// wrong type or a missing required field is an error naming its JSON path
// ("task.source_config.source_conf[0].binlog_pos"). DM's OpenAPI ignores
// unknown fields; dm refuses them so a misspelt option is not lost silently.
// Output objects never carry a password: it is always "******", as DM.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "filter/table_router.h"

namespace dm::master::openapi {

using Json = nlohmann::ordered_json;

// What the OpenAPI shows instead of a password.
inline constexpr const char* kHiddenPassword = "******";

// The request bodies. Each parser takes the body text (empty: `{}`) and
// checks it as the input objects are checked.

// POST /api/v1/sources: `{source: Source, worker_name?}`; PUT
// /api/v1/sources/{name}: `{source: Source}` (`create` says which).
struct SourceRequest {
  std::string source_name;  // `source.source_name`
  std::string source_file;  // SourceFileFromOpenApi of `source`
  std::string worker_name;  // empty: the scheduler picks a free worker
};
Result<SourceRequest> ParseSourceRequest(std::string_view body, bool create);

// POST /api/v1/tasks: `{task: Task, source_name_list?, remove_meta?}` (the
// last two as DM v5.3-v5.4, which created and started a task in one call);
// PUT /api/v1/tasks/{name}: `{task: Task}` only (`create` says which).
struct CreateTaskRequest {
  std::string task_name;
  std::string task_file;                      // TaskFileFromOpenApi of `task`
  std::vector<std::string> source_name_list;  // empty: every source of the task
  bool remove_meta = false;
};
Result<CreateTaskRequest> ParseTaskRequest(std::string_view body, bool create);

// POST /api/v1/tasks/converters: `{task?: Task, task_config_file?: string}`,
// exactly one of them (DM takes either; dm refuses both at once, which would
// leave one of them unused).
struct ConvertTaskRequest {
  std::optional<std::string> task_file;  // TaskFileFromOpenApi of `task`
  std::optional<std::string> task_config_file;
};
Result<ConvertTaskRequest> ParseConvertTaskRequest(std::string_view body);

// PUT /api/v1/cluster/info: DM's `ClusterTopology` (master and worker
// lists of {name, host, port}; grafana, prometheus and alert manager
// {host, port}), checked field by field and returned as given.
Result<Json> ParseClusterTopology(std::string_view body);

// POST /api/v1/tasks/{name}/start and .../stop: `{source_name_list?}`, and
// for start `remove_meta?` (`start` says whether it may be given).
struct TaskStageRequest {
  std::vector<std::string> source_name_list;  // empty: every source of the task
  bool remove_meta = false;
};
Result<TaskStageRequest> ParseTaskStageRequest(std::string_view body, bool start);

// POST /api/v1/sources/{name}/transfer: `{worker_name}`; returns the name.
Result<std::string> ParseWorkerNameRequest(std::string_view body);

// DM's `Source` object -> the source file dm keeps (DM's kebab-case keys;
// JSON text, which is YAML). `path` names the object in errors ("source").
// `enable` absent means enabled.
Result<std::string> SourceFileFromOpenApi(const Json& source, const std::string& path);

// A source config -> DM's `Source` object (password hidden; TLS material
// left out, as DM).
Json SourceToOpenApi(const config::SourceConfig& source);

// The stored source file `source_file` (YAML or JSON text) with its `enable`
// key set to `enable`, every other key kept as written (the password stays
// as stored, encrypted or not). InvalidArgument when the text is not a YAML
// map.
Result<std::string> SourceFileWithEnable(std::string_view source_file, bool enable);

// DM's `Task` object -> the task file dm keeps (DM's kebab-case keys; JSON
// text, which is YAML). The mapping is DM's: each `table_migrate_rule` adds
// its schema to the source's block-allow-list `do-dbs` and the table to
// `do-tables`; a `target` adds a route; each named `binlog_filter_rule` it
// lists becomes an `Ignore` filter on the rule's schema and table (named as
// the rule, or `<rule>-<n>` when several migrate rules use it);
// `full_migrate_conf` and `incr_migrate_conf` become the shared mydumper,
// loader and syncer settings; `source_conf` the mysql-instances with their
// binlog `meta`. `status_list` (an output field) is ignored.
Result<std::string> TaskFileFromOpenApi(const Json& task, const std::string& path);

// A task config -> DM's `Task` object, the inverse of TaskFileFromOpenApi
// for tasks made through it; a task file written by hand maps as far as the
// object can say it (filters other than Ignore, ignore-* lists, expression
// filters and per-instance unit settings other than the first instance's
// are not shown). The target password is hidden.
Json TaskToOpenApi(const config::TaskConfig& task);

// DM's `ConverterTaskResponse` for a task config: `task` (TaskToOpenApi) and
// `task_config_file`, the task file that object maps to (TaskFileFromOpenApi)
// as block YAML. Both directions of the converter answer through this, so a
// YAML file and its Task object always convert to the same pair. The
// password is "******" in both, as in every answer.
Result<Json> ConverterResponse(const config::TaskConfig& task);

// As DM's update of a stopped task (its workers' CheckCanUpdateCfg): only the
// table migrate rules (block-allow-list and routes), the binlog filter rules
// and the incremental settings (`incr_migrate_conf`) may change; the task
// must keep the same sources and target password. `current` is one stored
// subtask's task file, `updated` the new one. InvalidArgument naming the
// first field of the Task object that differs.
Status CheckTaskUpdate(const config::TaskConfig& current, const config::TaskConfig& updated);

// One upstream table the task migrates and where it goes (DM's
// `TaskMigrateTarget`).
struct MigrateTarget {
  filter::TableName source;
  filter::TableName target;
};

// The tables of `upstream` that the task's instance for `source_id` migrates
// (its block-allow-list; system schemas never), each with its routed target,
// in the order given. `schema_pattern` and `table_pattern`, when not empty,
// keep only the source schemas and tables they match: Go regular
// expressions searched anywhere in the name, as DM's migrate_targets query.
// InvalidArgument when the task has no such instance or a pattern does not
// compile; a route error (two rules matching) names the table.
Result<std::vector<MigrateTarget>> MigrateTargets(const config::TaskConfig& task, const std::string& source_id,
                                                  const std::vector<filter::TableName>& upstream,
                                                  std::string_view schema_pattern, std::string_view table_pattern);

// DM's `GetTaskMigrateTargetsResponse`: `{total, data: [{source_schema,
// source_table, target_schema, target_table}]}`.
Json MigrateTargetsToOpenApi(const std::vector<MigrateTarget>& targets);

// One `sources[]` entry of dm's query-status answer (DM's
// QueryStatusResponse JSON) -> DM's `SubTaskStatus` object of `task`. An
// entry without a subtask status yields stage "" and its message in
// `error_msg`.
Json SubTaskStatusToOpenApi(const std::string& task, const Json& query_status_entry);

}  // namespace dm::master::openapi
