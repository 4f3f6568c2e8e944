// The one upgrade table for renamed, deprecated and removed config keys
// (old key -> new key -> message), so structs never carry dead fields for
// them (DM's SyncerConfig shows where that leads). The generic decoder
// (field_decoder.h) consults it for every key a struct's field list does not
// name; everything it applies is logged and recorded in the LoadReport.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/errors.h"

namespace dm::config {

enum class KeyUpgradeAction : uint8_t {
  // Accepted and dropped, with a warning.
  kIgnore,
  // Decoded into `new_key` with a warning, unless `new_key` is also present
  // in the same map, in which case the new key wins (as DM for
  // black-white-list vs block-allow-list).
  kRename,
  // A bool: when true and `new_key` is absent, `new_key` = `implied_value`
  // (as DM: is-sharding: true with no shard-mode means pessimistic).
  kSetIfTrue,
  // A string that must be one of `allowed_values`: when non-empty,
  // `new_key` = `implied_value` even if `new_key` is set (as DM:
  // online-ddl-scheme forces online-ddl on).
  kForceIfSet,
  // An error with `error` when the value is non-empty (a feature DM removed,
  // or a setting that moved to another file); an empty value is ignored with
  // a warning.
  kRemoved,
};

struct KeyUpgrade {
  // Which struct the key belongs to: the `kSchema` of the config struct
  // ("task", "mysql-instance", "db", "syncer", "master", ...).
  std::string_view schema;
  std::string_view old_key;
  KeyUpgradeAction action;
  std::string_view new_key;  // replacement key in the same struct, or ""
  std::string_view message;  // what happened and what to do instead
  std::string_view implied_value = {};
  std::string_view allowed_values = {};  // comma-separated, for kForceIfSet
  ErrorCode error = ErrorCode::kNone;    // for kRemoved
};

// Returns the entry for `key` in the struct named `schema`, or nullptr.
const KeyUpgrade* FindKeyUpgrade(std::string_view schema, std::string_view key);

// The whole table, for documentation and tests.
std::span<const KeyUpgrade> AllKeyUpgrades();

}  // namespace dm::config
