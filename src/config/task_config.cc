// Decoding and Adjust() of task.yaml; Validate() lives in task_validate.cc.
#include "config/task_config.h"

#include <fmt/format.h>

#include <chrono>

#include "config/load_util.h"

namespace dm::config {
namespace {

// As DM's LoaderConfig.adjust(): a zero pool size means the default.
void AdjustLoader(LoaderConfig& c) {
  if (c.pool_size == 0) c.pool_size = LoaderConfig{}.pool_size;
}

// As DM's per-instance syncer adjust: zero queue size and flush interval
// mean the defaults, and an unset safe-mode-duration is twice the flush
// interval.
void AdjustSyncer(SyncerConfig& c) {
  if (c.queue_size == 0) c.queue_size = SyncerConfig{}.queue_size;
  if (c.checkpoint_flush_interval == 0) c.checkpoint_flush_interval = SyncerConfig{}.checkpoint_flush_interval;
  if (!c.safe_mode_duration) c.safe_mode_duration = std::chrono::seconds(2 * c.checkpoint_flush_interval);
}

void AdjustMydumper(MydumperConfig& c) {
  if (c.chunk_filesize.empty()) c.chunk_filesize = MydumperConfig{}.chunk_filesize;
  if (c.rows == 0) c.rows = MydumperConfig::kDefaultRows;
}

// As DM's ValidatorConfig.Adjust(): zero values mean the defaults.
void AdjustValidator(ValidatorConfig& c) {
  const ValidatorConfig d;
  if (c.worker_count <= 0) c.worker_count = d.worker_count;
  if (c.validate_interval.count() == 0) c.validate_interval = d.validate_interval;
  if (c.check_interval.count() == 0) c.check_interval = d.check_interval;
  if (c.row_error_delay.count() == 0) c.row_error_delay = d.row_error_delay;
  if (c.meta_flush_interval.count() == 0) c.meta_flush_interval = d.meta_flush_interval;
  if (c.batch_query_size == 0) c.batch_query_size = d.batch_query_size;
  if (c.max_pending_row_size.empty()) c.max_pending_row_size = d.max_pending_row_size;
  if (c.max_pending_row_count == 0) c.max_pending_row_count = d.max_pending_row_count;
}

// The unit settings an instance uses: the named set when it exists, else the
// inline block, else DM's defaults. An unknown name is left to Validate().
template <class T>
T PickUnitConfig(const std::string& name, const std::map<std::string, T>& named, const std::optional<T>& inline_cfg) {
  if (!name.empty()) {
    auto it = named.find(name);
    if (it != named.end()) return it->second;
  }
  return inline_cfg.value_or(T{});
}

void ResolveInstance(const TaskConfig& cfg, MySQLInstance& inst) {
  ResolvedUnits& r = inst.resolved;
  r.mydumper = PickUnitConfig(inst.mydumper_config_name, cfg.mydumpers, inst.mydumper);
  AdjustMydumper(r.mydumper);
  if (inst.mydumper_thread != 0) r.mydumper.threads = inst.mydumper_thread;

  r.loader = PickUnitConfig(inst.loader_config_name, cfg.loaders, inst.loader);
  AdjustLoader(r.loader);
  if (inst.loader_thread != 0) r.loader.pool_size = inst.loader_thread;

  r.syncer = PickUnitConfig(inst.syncer_config_name, cfg.syncers, inst.syncer);
  AdjustSyncer(r.syncer);
  if (inst.syncer_thread != 0) r.syncer.worker_count = inst.syncer_thread;

  r.validator = PickUnitConfig(inst.validator_config_name, cfg.validators, std::optional<ValidatorConfig>());
  AdjustValidator(r.validator);
}

}  // namespace

Result<TaskConfig> DecodeTaskConfig(std::string_view text, std::string_view display_name, const crypto::SecretKey& key,
                                    LoadReport& report) {
  return internal::DecodeConfigText<TaskConfig>(internal::Format::kYaml, text, display_name, &key, report);
}

Status Adjust(TaskConfig& cfg, LoadReport& report) {
  if (cfg.meta_schema.empty()) cfg.meta_schema = "dm_meta";
  if (cfg.shadow_table_rules.empty()) cfg.shadow_table_rules.emplace_back(kDefaultShadowTableRule);
  if (cfg.trash_table_rules.empty()) cfg.trash_table_rules.emplace_back(kDefaultTrashTableRule);

  for (auto& [name, c] : cfg.mydumpers) AdjustMydumper(c);
  for (auto& [name, c] : cfg.loaders) AdjustLoader(c);
  for (auto& [name, c] : cfg.syncers) AdjustSyncer(c);
  for (auto& [name, c] : cfg.validators) AdjustValidator(c);

  for (size_t i = 0; i < cfg.mysql_instances.size(); ++i) {
    MySQLInstance& inst = cfg.mysql_instances[i];
    std::string path = IndexKey("mysql-instances", i);
    if (inst.mydumper) AdjustMydumper(*inst.mydumper);
    if (inst.loader) AdjustLoader(*inst.loader);
    if (inst.syncer) AdjustSyncer(*inst.syncer);
    ResolveInstance(cfg, inst);

    switch (cfg.task_mode) {
      case TaskMode::kFull:
      case TaskMode::kAll:
      case TaskMode::kDump:
      case TaskMode::kLoad:
        if (inst.meta) {
          // As DM: full mode never syncs; all mode starts from the position
          // the dump recorded.
          report.Warn(JoinKey(path, "meta"),
                      fmt::format("meta is ignored in task-mode {}: the binlog position recorded by the dump is "
                                  "used (or no incremental sync happens)",
                                  EnumToString(cfg.task_mode)));
        }
        break;
      case TaskMode::kIncremental:
        if (!inst.meta) {
          report.Warn(path,
                      "no meta for an incremental task: it starts from the downstream checkpoint, "
                      "--start-time or the current upstream position");
        }
        break;
      case TaskMode::kLoadSync:
      case TaskMode::kUnset: break;
    }
  }
  return Status::OK();
}

Result<TaskConfig> LoadTaskConfigFromString(std::string_view text, std::string_view display_name,
                                            const crypto::SecretKey& key, LoadReport* report) {
  return internal::LoadConfig<TaskConfig>([&](LoadReport& r) { return DecodeTaskConfig(text, display_name, key, r); },
                                          report);
}

Result<TaskConfig> LoadTaskConfigFile(const std::string& path, const crypto::SecretKey& key, LoadReport* report) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadTaskConfigFromString(text, path, key, report);
}

}  // namespace dm::config
