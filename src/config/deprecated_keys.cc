#include "config/deprecated_keys.h"

#include <array>

namespace dm::config {
namespace {

using A = KeyUpgradeAction;

constexpr std::string_view kHeartbeat =
    "heartbeat was removed in DM v2.0.2 (replication lag comes from binlog timestamps); the key is ignored";
constexpr std::string_view kMovedToSource =
    "since DM v2.0 upstream settings live in source.yaml (operate-source create), not in dm-worker.toml";
constexpr std::string_view kColumnMapping =
    "column mapping was removed in DM v6.6; use extract-table/extract-schema/extract-source in routes instead";

constexpr auto kTable = std::to_array<KeyUpgrade>({
    // source.yaml
    {"source", "meta-dir", A::kIgnore, "", "meta-dir is no longer used; the key is ignored"},
    {"source", "tracer", A::kIgnore, "", "the tracing service was removed; tracer is ignored"},
    {"source", "auto-fix-gtid", A::kIgnore, "", "auto-fix-gtid is deprecated and ignored (as DM, it is forced off)"},
    // from / target-database
    {"db", "max-allowed-packet", A::kIgnore, "",
     "max-allowed-packet is deprecated since DM v2.0 (read from the server); the key is ignored"},
    // task.yaml global keys
    {"task", "black-white-list", A::kRename, "block-allow-list",
     "black-white-list was renamed to block-allow-list in DM v1.0.7/v2.0"},
    {"task", "is-sharding", A::kSetIfTrue, "shard-mode",
     "is-sharding was replaced by shard-mode in DM v2.0 (is-sharding: true means shard-mode: pessimistic)",
     "pessimistic"},
    {"task", "online-ddl-scheme", A::kForceIfSet, "online-ddl",
     "online-ddl-scheme is deprecated since DM v2.0.6; online-ddl: true handles both gh-ost and pt-osc", "true",
     "pt,gh-ost"},
    {"task", "enable-heartbeat", A::kIgnore, "", kHeartbeat},
    {"task", "heartbeat-update-interval", A::kIgnore, "", kHeartbeat},
    {"task", "heartbeat-report-interval", A::kIgnore, "", kHeartbeat},
    {"task", "disable-heartbeat", A::kIgnore, "", kHeartbeat},
    {"task", "remove-meta", A::kIgnore, "",
     "remove-meta in the task file is deprecated since DM v2.0 and ignored; use start-task --remove-meta"},
    {"task", "column-mappings", A::kRemoved, "", kColumnMapping, {}, {}, ErrorCode::kConfigColumnMappingRemoved},
    // mysql-instances[]
    {"mysql-instance", "black-white-list", A::kRename, "block-allow-list",
     "black-white-list was renamed to block-allow-list in DM v1.0.7/v2.0"},
    {"mysql-instance",
     "column-mapping-rules",
     A::kRemoved,
     "",
     kColumnMapping,
     {},
     {},
     ErrorCode::kConfigColumnMappingRemoved},
    {"mysql-instance",
     "instance-id",
     A::kRemoved,
     "",
     "instance-id was replaced by source-id before DM 1.0; set source-id",
     {},
     {},
     ErrorCode::kConfigRemovedKey},
    {"mysql-instance",
     "config",
     A::kRemoved,
     "",
     "upstream credentials moved to source.yaml before DM 1.0; refer to the source by source-id",
     {},
     {},
     ErrorCode::kConfigRemovedKey},
    // mydumpers / loaders / syncers
    {"mydumper", "mydumper-path", A::kIgnore, "", "mydumper-path is ignored: the dump unit is built in since DM v2.0"},
    {"loader", "on-duplicate", A::kRename, "on-duplicate-logical", "on-duplicate was renamed to on-duplicate-logical"},
    {"syncer", "meta-file", A::kIgnore, "", "meta-file is internal and ignored"},
    {"syncer", "max-retry", A::kIgnore, "", "max-retry is deprecated and ignored"},
    {"syncer", "auto-fix-gtid", A::kIgnore, "", "auto-fix-gtid is deprecated and ignored"},
    {"syncer", "enable-gtid", A::kIgnore, "",
     "syncer enable-gtid is ignored: GTID mode comes from the source's enable-gtid"},
    {"syncer", "disable-detect", A::kIgnore, "",
     "disable-detect is deprecated and ignored: causality detection is always on"},
    {"syncer", "enable-ansi-quotes", A::kIgnore, "",
     "enable-ansi-quotes is deprecated and ignored: ANSI_QUOTES is detected from the upstream; use task-level "
     "ansi-quotes"},
    // dm-master.toml
    {"master", "log-rotate", A::kIgnore, "", "log-rotate is no longer used; the key is ignored"},
    {"master", "config-file", A::kIgnore, "", "config-file has no effect inside a config file; use -config"},
    {"master",
     "deploy",
     A::kRemoved,
     "",
     "[[deploy]] was removed in DM v2.0: create sources with operate-source and start workers with join",
     {},
     {},
     ErrorCode::kConfigRemovedKey},
    // dm-worker.toml
    {"worker", "log-rotate", A::kIgnore, "", "log-rotate is no longer used; the key is ignored"},
    {"worker", "config-file", A::kIgnore, "", "config-file has no effect inside a config file; use -config"},
    {"worker", "source-id", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "server-id", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "flavor", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "enable-gtid", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "auto-fix-gtid", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "relay-binlog-name", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "relay-binlog-gtid", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "charset", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "from", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "purge", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "checker", A::kRemoved, "", kMovedToSource, {}, {}, ErrorCode::kConfigRemovedKey},
    {"worker", "meta-dir", A::kIgnore, "", "meta-dir is no longer used; the key is ignored"},
    {"worker", "tracer", A::kIgnore, "", "the tracing service was removed; tracer is ignored"},
});

}  // namespace

const KeyUpgrade* FindKeyUpgrade(std::string_view schema, std::string_view key) {
  for (const KeyUpgrade& entry : kTable) {
    if (entry.schema == schema && entry.old_key == key) return &entry;
  }
  return nullptr;
}

std::span<const KeyUpgrade> AllKeyUpgrades() { return kTable; }

}  // namespace dm::config
