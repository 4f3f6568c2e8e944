// Validate() for task.yaml: DM's TaskConfig.adjust() checks, each error
// naming the file, line and dotted key of the offending value.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/strings.h"
#include "config/byte_size.h"
#include "config/task_config.h"

namespace dm::config {
namespace {

// Precheck item names (dm-spec §6.7), the valid ignore-checking-items.
constexpr std::array<std::string_view, 23> kCheckingItems = {
    "all",
    "dump_privilege",
    "replication_privilege",
    "version",
    "server_id",
    "binlog_enable",
    "binlog_format",
    "binlog_row_image",
    "binlog_db",
    "table_schema",
    "schema_of_shard_tables",
    "auto_increment_ID",
    "online_ddl",
    "meta_position",
    "conn_number",
    "target_privilege",
    "empty_region",
    "region_distribution",
    "downstream_version",
    "free_space",
    "downstream_mutex_features",
    "downstream_table_empty",
    "primary_key",
};

Status CheckIgnoreCheckingItems(const TaskConfig& cfg, const ConfigOrigin& origin) {
  std::vector<std::string> valid(kCheckingItems.begin(), kCheckingItems.end());
  for (size_t i = 0; i < cfg.ignore_checking_items.size(); ++i) {
    const std::string& item = cfg.ignore_checking_items[i];
    if (std::find(valid.begin(), valid.end(), item) != valid.end()) continue;
    return origin.Error(ErrorCode::kConfigCheckItemNotSupport, IndexKey("ignore-checking-items", i),
                        fmt::format("unknown checking item '{}'{}; valid items: {}", item, DidYouMean(item, valid),
                                    fmt::join(valid, ", ")));
  }
  return Status::OK();
}

Status CheckExpressionFilters(const TaskConfig& cfg, const ConfigOrigin& origin) {
  for (const auto& [name, f] : cfg.expression_filter) {
    std::string path = JoinKey("expression-filter", name);
    if (f.schema.empty()) {
      return origin.Error(ErrorCode::kConfigMissingKey, JoinKey(path, "schema"), "schema must be set");
    }
    if (f.table.empty()) {
      return origin.Error(ErrorCode::kConfigMissingKey, JoinKey(path, "table"), "table must be set");
    }
    int kinds = (f.insert_value_expr.empty() ? 0 : 1) +
                (f.update_old_value_expr.empty() && f.update_new_value_expr.empty() ? 0 : 1) +
                (f.delete_value_expr.empty() ? 0 : 1);
    if (kinds > 1) {
      return origin.Error(ErrorCode::kConfigInvalidValue, path,
                          "an expression filter sets only one of insert-value-expr, update-*-value-expr and "
                          "delete-value-expr");
    }
  }
  return Status::OK();
}

Status CheckMydumper(const MydumperConfig& c, const ConfigOrigin& origin, const std::string& path) {
  if (c.threads <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "threads"), "threads must be positive");
  }
  if (!ParseChunkFileSize(c.chunk_filesize).ok()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "chunk-filesize"),
                        fmt::format("invalid chunk-filesize '{}' (MB as a number such as \"64\", or a size such as "
                                    "\"64MiB\")",
                                    c.chunk_filesize));
  }
  return Status::OK();
}

Status CheckLoader(const LoaderConfig& c, const ConfigOrigin& origin, const std::string& path) {
  if (c.pool_size <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "pool-size"), "pool-size must be positive");
  }
  if (!c.disk_quota_physical.empty() && !ParseByteSize(c.disk_quota_physical, 1024).ok()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "disk-quota-physical"),
                        fmt::format("invalid size '{}'", c.disk_quota_physical));
  }
  return Status::OK();
}

Status CheckSyncer(const SyncerConfig& c, const ConfigOrigin& origin, const std::string& path) {
  if (c.worker_count <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "worker-count"), "worker-count must be positive");
  }
  if (c.batch <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "batch"), "batch must be positive");
  }
  if (c.checkpoint_flush_interval < 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "checkpoint-flush-interval"),
                        "checkpoint-flush-interval must not be negative");
  }
  if (c.safe_mode_duration && c.safe_mode_duration->count() < 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "safe-mode-duration"),
                        "safe-mode-duration must not be negative");
  }
  // As DM: safe mode on for a zero duration contradicts itself.
  if (c.safe_mode && c.safe_mode_duration && c.safe_mode_duration->count() == 0) {
    return origin.Error(ErrorCode::kConfigSafeModeConflict, JoinKey(path, "safe-mode-duration"),
                        "safe-mode is true but safe-mode-duration is \"0s\"; set a non-zero duration or "
                        "safe-mode: false");
  }
  return Status::OK();
}

Status CheckValidator(const ValidatorConfig& c, const ConfigOrigin& origin, const std::string& path) {
  if (!ParseByteSize(c.max_pending_row_size, 1024).ok()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "max-pending-row-size"),
                        fmt::format("invalid size '{}' (such as \"500m\", \"1g\")", c.max_pending_row_size));
  }
  return Status::OK();
}

Status CheckNamedUnits(const TaskConfig& cfg, const ConfigOrigin& origin) {
  for (const auto& [name, c] : cfg.mydumpers) DM_RETURN_IF_ERROR(CheckMydumper(c, origin, JoinKey("mydumpers", name)));
  for (const auto& [name, c] : cfg.loaders) DM_RETURN_IF_ERROR(CheckLoader(c, origin, JoinKey("loaders", name)));
  for (const auto& [name, c] : cfg.syncers) DM_RETURN_IF_ERROR(CheckSyncer(c, origin, JoinKey("syncers", name)));
  for (const auto& [name, c] : cfg.validators) {
    DM_RETURN_IF_ERROR(CheckValidator(c, origin, JoinKey("validators", name)));
  }
  return Status::OK();
}

// Which named rule sets instances refer to, per set ("routes" -> names).
using References = std::map<std::string, std::set<std::string>, std::less<>>;

// Checks that each name in `names` (instance key `list_key`) exists in the
// set `set_key`, and that none is listed twice.
template <class T>
Status CheckNameList(const std::vector<std::string>& names, const std::map<std::string, T>& defined,
                     std::string_view set_key, const std::string& list_path, const ConfigOrigin& origin,
                     References& refs) {
  std::set<std::string> seen;
  for (size_t k = 0; k < names.size(); ++k) {
    std::string item = IndexKey(list_path, k);
    if (!defined.contains(names[k])) {
      return origin.Error(ErrorCode::kConfigRuleNotFound, item,
                          fmt::format("rule set '{}' is not defined in {}", names[k], set_key));
    }
    if (!seen.insert(names[k]).second) {
      return origin.Error(ErrorCode::kConfigInvalidValue, item, fmt::format("rule set '{}' is listed twice", names[k]));
    }
    refs[std::string(set_key)].insert(names[k]);
  }
  return Status::OK();
}

// Checks a single-name reference (block-allow-list, *-config-name).
template <class T>
Status CheckNameRef(const std::string& name, const std::map<std::string, T>& defined, std::string_view set_key,
                    const std::string& path, const ConfigOrigin& origin, References& refs) {
  if (name.empty()) return Status::OK();
  if (!defined.contains(name)) {
    return origin.Error(ErrorCode::kConfigRuleNotFound, path,
                        fmt::format("rule set '{}' is not defined in {}", name, set_key));
  }
  refs[std::string(set_key)].insert(name);
  return Status::OK();
}

Status CheckInlineConflict(bool has_name, bool has_inline, std::string_view name_key, std::string_view inline_key,
                           const std::string& path, const ConfigOrigin& origin) {
  if (!has_name || !has_inline) return Status::OK();
  return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, inline_key),
                      fmt::format("set either {} or {}, not both", name_key, inline_key));
}

Status CheckInstance(const TaskConfig& cfg, const MySQLInstance& inst, const std::string& path,
                     const ConfigOrigin& origin, References& refs) {
  if (inst.source_id.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, JoinKey(path, "source-id"), "source-id must not be empty");
  }
  if (inst.meta && inst.meta->binlog_name.empty() && inst.meta->binlog_gtid.empty()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, "meta"),
                        "meta needs binlog-name (with binlog-pos) or binlog-gtid");
  }
  DM_RETURN_IF_ERROR(CheckInlineConflict(!inst.mydumper_config_name.empty(), inst.mydumper.has_value(),
                                         "mydumper-config-name", "mydumper", path, origin));
  DM_RETURN_IF_ERROR(CheckInlineConflict(!inst.loader_config_name.empty(), inst.loader.has_value(),
                                         "loader-config-name", "loader", path, origin));
  DM_RETURN_IF_ERROR(CheckInlineConflict(!inst.syncer_config_name.empty(), inst.syncer.has_value(),
                                         "syncer-config-name", "syncer", path, origin));

  DM_RETURN_IF_ERROR(CheckNameList(inst.route_rules, cfg.routes, "routes", JoinKey(path, "route-rules"), origin, refs));
  DM_RETURN_IF_ERROR(
      CheckNameList(inst.filter_rules, cfg.filters, "filters", JoinKey(path, "filter-rules"), origin, refs));
  DM_RETURN_IF_ERROR(CheckNameList(inst.expression_filters, cfg.expression_filter, "expression-filter",
                                   JoinKey(path, "expression-filters"), origin, refs));
  DM_RETURN_IF_ERROR(CheckNameRef(inst.block_allow_list, cfg.block_allow_list, "block-allow-list",
                                  JoinKey(path, "block-allow-list"), origin, refs));
  DM_RETURN_IF_ERROR(CheckNameRef(inst.mydumper_config_name, cfg.mydumpers, "mydumpers",
                                  JoinKey(path, "mydumper-config-name"), origin, refs));
  DM_RETURN_IF_ERROR(
      CheckNameRef(inst.loader_config_name, cfg.loaders, "loaders", JoinKey(path, "loader-config-name"), origin, refs));
  DM_RETURN_IF_ERROR(
      CheckNameRef(inst.syncer_config_name, cfg.syncers, "syncers", JoinKey(path, "syncer-config-name"), origin, refs));
  DM_RETURN_IF_ERROR(CheckNameRef(inst.validator_config_name, cfg.validators, "validators",
                                  JoinKey(path, "validator-config-name"), origin, refs));

  if (inst.mydumper) DM_RETURN_IF_ERROR(CheckMydumper(*inst.mydumper, origin, JoinKey(path, "mydumper")));
  if (inst.loader) DM_RETURN_IF_ERROR(CheckLoader(*inst.loader, origin, JoinKey(path, "loader")));
  if (inst.syncer) DM_RETURN_IF_ERROR(CheckSyncer(*inst.syncer, origin, JoinKey(path, "syncer")));
  for (auto [key, value] :
       {std::pair{"mydumper-thread", inst.mydumper_thread}, std::pair{"loader-thread", inst.loader_thread},
        std::pair{"syncer-thread", inst.syncer_thread}}) {
    if (value < 0) {
      return origin.Error(ErrorCode::kConfigInvalidValue, JoinKey(path, key),
                          fmt::format("{} must not be negative", key));
    }
  }
  return Status::OK();
}

template <class T>
void CollectUnused(const std::map<std::string, T>& defined, std::string_view set_key, const References& refs,
                   std::vector<std::string>& unused) {
  auto it = refs.find(set_key);
  for (const auto& [name, rule] : defined) {
    if (it == refs.end() || !it->second.contains(name)) unused.push_back(JoinKey(set_key, name));
  }
}

// As DM (v2.0.2+): a named rule set no instance uses is an error, so a typo
// in a reference cannot silently disable a rule. As DM, block-allow-list
// sets are not counted.
Status CheckUnused(const TaskConfig& cfg, const ConfigOrigin& origin, const References& refs) {
  std::vector<std::string> unused;
  CollectUnused(cfg.routes, "routes", refs, unused);
  CollectUnused(cfg.filters, "filters", refs, unused);
  CollectUnused(cfg.expression_filter, "expression-filter", refs, unused);
  CollectUnused(cfg.mydumpers, "mydumpers", refs, unused);
  CollectUnused(cfg.loaders, "loaders", refs, unused);
  CollectUnused(cfg.syncers, "syncers", refs, unused);
  CollectUnused(cfg.validators, "validators", refs, unused);
  if (unused.empty()) return Status::OK();
  return origin.Error(ErrorCode::kConfigGlobalConfigsUnused, unused.front(),
                      fmt::format("global configs unused: {} {} not used by any mysql-instances entry",
                                  fmt::join(unused, ", "), unused.size() == 1 ? "is" : "are"));
}

}  // namespace

Status Validate(const TaskConfig& cfg, const ConfigOrigin& origin) {
  if (cfg.name.empty()) return origin.Error(ErrorCode::kConfigMissingKey, "name", "task name must not be empty");
  if (cfg.task_mode == TaskMode::kUnset) {
    return origin.Error(ErrorCode::kConfigMissingKey, "task-mode",
                        fmt::format("task-mode must be set to one of {}", EnumValidValues<TaskMode>()));
  }
  if (cfg.strict_optimistic_shard_mode && cfg.shard_mode != ShardMode::kOptimistic) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "strict-optimistic-shard-mode",
                        "strict-optimistic-shard-mode needs shard-mode: optimistic");
  }
  if (cfg.meta_schema.empty()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "meta-schema", "meta-schema must not be empty");
  }
  DM_RETURN_IF_ERROR(CheckIgnoreCheckingItems(cfg, origin));
  if (cfg.mysql_instances.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "mysql-instances",
                        "at least one mysql-instances entry is required");
  }
  DM_RETURN_IF_ERROR(CheckExpressionFilters(cfg, origin));
  DM_RETURN_IF_ERROR(CheckNamedUnits(cfg, origin));

  References refs;
  std::map<std::string, size_t> source_index;
  for (size_t i = 0; i < cfg.mysql_instances.size(); ++i) {
    const MySQLInstance& inst = cfg.mysql_instances[i];
    std::string path = IndexKey("mysql-instances", i);
    DM_RETURN_IF_ERROR(CheckInstance(cfg, inst, path, origin, refs));
    auto [it, inserted] = source_index.emplace(inst.source_id, i);
    if (!inserted) {
      std::string first = IndexKey("mysql-instances", it->second);
      return origin.Error(ErrorCode::kConfigDuplicateSourceID, JoinKey(path, "source-id"),
                          fmt::format("source-id '{}' is also used by {} (line {})", inst.source_id, first,
                                      origin.LineOf(JoinKey(first, "source-id"))));
    }
  }
  return CheckUnused(cfg, origin, refs);
}

Status RefuseUnsupportedTaskFeatures(const TaskConfig& cfg, const ConfigOrigin& origin) {
  if (cfg.shard_mode != ShardMode::kNone) {
    return origin.Error(
        ErrorCode::kConfigInvalidValue, "shard-mode",
        fmt::format("shard-mode '{}' (shard DDL coordination) is not supported by this dm yet; remove the key to "
                    "migrate without coordination",
                    EnumToString(cfg.shard_mode)));
  }
  return Status::OK();
}

}  // namespace dm::config
