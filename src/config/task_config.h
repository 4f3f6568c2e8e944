// task.yaml (dm-spec §2.4): one migration task over one or more sources.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/encrypt.h"
#include "common/status.h"
#include "config/common_config.h"
#include "config/config_origin.h"
#include "config/task_rules.h"

namespace dm::config {

// task-mode. kUnset only exists so a programmatically built config without a
// mode fails Validate(); it has no spelling.
enum class TaskMode : uint8_t { kUnset, kFull, kIncremental, kAll, kDump, kLoad, kLoadSync };

template <>
struct EnumTraits<TaskMode> {
  static constexpr std::array<EnumName<TaskMode>, 6> kNames = {{
      {"full", TaskMode::kFull},
      {"incremental", TaskMode::kIncremental},
      {"all", TaskMode::kAll},
      {"dump", TaskMode::kDump},
      {"load", TaskMode::kLoad},
      {"load&sync", TaskMode::kLoadSync},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// shard-mode: "" means no shard DDL coordination.
enum class ShardMode : uint8_t { kNone, kPessimistic, kOptimistic };

template <>
struct EnumTraits<ShardMode> {
  static constexpr std::array<EnumName<ShardMode>, 3> kNames = {{
      {"", ShardMode::kNone},
      {"pessimistic", ShardMode::kPessimistic},
      {"optimistic", ShardMode::kOptimistic},
  }};
  static constexpr bool kCaseInsensitive = false;
};

enum class CollationCompatible : uint8_t { kLoose, kStrict };

template <>
struct EnumTraits<CollationCompatible> {
  static constexpr std::array<EnumName<CollationCompatible>, 2> kNames = {{
      {"loose", CollationCompatible::kLoose},
      {"strict", CollationCompatible::kStrict},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// DM's default gh-ost / pt-osc table name patterns.
inline constexpr std::string_view kDefaultShadowTableRule = "^_(.+)_(?:new|gho)$";
inline constexpr std::string_view kDefaultTrashTableRule = "^_(.+)_(?:ghc|del|old)$";

// The effective unit settings of one instance, filled by Adjust() from the
// named rule set, the inline block or DM's defaults, with the *-thread
// overrides applied. Not part of the field list: derived, never decoded.
struct ResolvedUnits {
  MydumperConfig mydumper;
  LoaderConfig loader;
  SyncerConfig syncer;
  ValidatorConfig validator;
};

// One mysql-instances[] entry: a source and the rule sets it uses.
struct MySQLInstance {
  static constexpr std::string_view kSchema = "mysql-instance";
  std::string source_id;
  std::optional<BinlogMeta> meta;
  std::vector<std::string> route_rules;
  std::vector<std::string> filter_rules;
  std::vector<std::string> expression_filters;
  std::string block_allow_list;  // legacy key black-white-list via the upgrade table
  std::string mydumper_config_name;
  std::optional<MydumperConfig> mydumper;
  int mydumper_thread = 0;  // non-zero overrides mydumper threads
  std::string loader_config_name;
  std::optional<LoaderConfig> loader;
  int loader_thread = 0;  // non-zero overrides loader pool-size
  std::string syncer_config_name;
  std::optional<SyncerConfig> syncer;
  int syncer_thread = 0;  // non-zero overrides syncer worker-count
  std::string validator_config_name;

  ResolvedUnits resolved;  // filled by Adjust()
};

// The field list of MySQLInstance (DM's keys; see field_list.h).
template <class V>
void VisitFields(MySQLInstance& c, V& v) {
  v("source-id", c.source_id, kRequiredKey);
  v("meta", c.meta);
  v("route-rules", c.route_rules);
  v("filter-rules", c.filter_rules);
  v("expression-filters", c.expression_filters);
  v("block-allow-list", c.block_allow_list);
  v("mydumper-config-name", c.mydumper_config_name);
  v("mydumper", c.mydumper);
  v("mydumper-thread", c.mydumper_thread);
  v("loader-config-name", c.loader_config_name);
  v("loader", c.loader);
  v("loader-thread", c.loader_thread);
  v("syncer-config-name", c.syncer_config_name);
  v("syncer", c.syncer);
  v("syncer-thread", c.syncer_thread);
  v("validator-config-name", c.validator_config_name);
}

struct TaskExperimental {
  static constexpr std::string_view kSchema = "experimental";
  bool async_checkpoint_flush = false;
};

// The field list of TaskExperimental (DM's keys; see field_list.h).
template <class V>
void VisitFields(TaskExperimental& c, V& v) {
  v("async-checkpoint-flush", c.async_checkpoint_flush);
}

struct TaskConfig {
  static constexpr std::string_view kSchema = "task";
  std::string name;
  TaskMode task_mode = TaskMode::kUnset;
  ShardMode shard_mode = ShardMode::kNone;
  bool strict_optimistic_shard_mode = false;
  std::vector<std::string> ignore_checking_items;
  std::string meta_schema = "dm_meta";
  std::string timezone;  // empty: the downstream's global time zone (v5.3+)
  bool case_sensitive = false;
  CollationCompatible collation_compatible = CollationCompatible::kLoose;
  bool online_ddl = true;
  std::vector<std::string> shadow_table_rules;  // Adjust(): DM's default when empty
  std::vector<std::string> trash_table_rules;   // Adjust(): DM's default when empty
  bool clean_dump_file = true;
  bool ansi_quotes = false;
  TaskExperimental experimental;
  DBConfig target_database;
  std::vector<MySQLInstance> mysql_instances;

  // Named rule sets, referred to from mysql-instances.
  std::map<std::string, RouteRule> routes;
  std::map<std::string, FilterRule> filters;
  std::map<std::string, ExpressionFilter> expression_filter;
  std::map<std::string, BlockAllowList> block_allow_list;
  std::map<std::string, MydumperConfig> mydumpers;
  std::map<std::string, LoaderConfig> loaders;
  std::map<std::string, SyncerConfig> syncers;
  std::map<std::string, ValidatorConfig> validators;
};

// The field list of TaskConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(TaskConfig& c, V& v) {
  v("name", c.name, kRequiredKey);
  v("task-mode", c.task_mode, kRequiredKey);
  v("shard-mode", c.shard_mode);
  v("strict-optimistic-shard-mode", c.strict_optimistic_shard_mode);
  v("ignore-checking-items", c.ignore_checking_items);
  v("meta-schema", c.meta_schema);
  v("timezone", c.timezone);
  v("case-sensitive", c.case_sensitive);
  v("collation_compatible", c.collation_compatible);
  v("online-ddl", c.online_ddl);
  v("shadow-table-rules", c.shadow_table_rules);
  v("trash-table-rules", c.trash_table_rules);
  v("clean-dump-file", c.clean_dump_file);
  v("ansi-quotes", c.ansi_quotes);
  v("experimental", c.experimental);
  v("target-database", c.target_database, kRequiredKey);
  v("mysql-instances", c.mysql_instances, kRequiredKey);
  v("routes", c.routes);
  v("filters", c.filters);
  v("expression-filter", c.expression_filter);
  v("block-allow-list", c.block_allow_list);
  v("mydumpers", c.mydumpers);
  v("loaders", c.loaders);
  v("syncers", c.syncers);
  v("validators", c.validators);
}

// Decodes task.yaml text without Adjust()/Validate(). `key` decrypts
// target-database.password. Fills `report.origin`; appends warnings.
Result<TaskConfig> DecodeTaskConfig(std::string_view text, std::string_view display_name, const crypto::SecretKey& key,
                                    LoadReport& report);

// Fills derived defaults as DM's TaskConfig.adjust(): meta-schema,
// shadow/trash table rules, zero-valued unit settings, syncer
// safe-mode-duration (2 x checkpoint-flush-interval), mydumper rows, and each
// instance's `resolved` units (named or inline or default, then *-thread
// overrides). Warns when `meta` is ignored (full/all/dump/load modes) or
// missing (incremental). Unknown rule-set names are left for Validate().
Status Adjust(TaskConfig& cfg, LoadReport& report);

// DM's task checks, each error naming file, line and key: task name and mode,
// strict-optimistic needs optimistic, ignore-checking-items names, at least
// one instance, unique source-ids, meta shape, config-name vs inline block
// conflicts, undefined rule-set references, duplicate names in an instance's
// lists, rule sets no instance uses ("global configs unused"), expression
// filter shape, safe-mode with safe-mode-duration 0s, chunk-filesize,
// max-pending-row-size. REQUIRES: Adjust() ran.
Status Validate(const TaskConfig& cfg, const ConfigOrigin& origin);

// Valid DM settings whose machinery dm does not have yet (shard-mode): an
// error naming the key, so a task is refused before anything runs rather than
// run without them.
Status RefuseUnsupportedTaskFeatures(const TaskConfig& cfg, const ConfigOrigin& origin);

// Decode + Adjust + Validate. `report` may be null.
Result<TaskConfig> LoadTaskConfigFromString(std::string_view text, std::string_view display_name,
                                            const crypto::SecretKey& key, LoadReport* report = nullptr);

// Reads `path` and loads it; messages name the path as given.
Result<TaskConfig> LoadTaskConfigFile(const std::string& path, const crypto::SecretKey& key,
                                      LoadReport* report = nullptr);

}  // namespace dm::config
