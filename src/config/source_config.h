// source.yaml: one upstream MySQL/MariaDB (dm-spec §2.3), created with
// `operate-source create` and bound to a worker.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/encrypt.h"
#include "common/status.h"
#include "config/common_config.h"
#include "config/config_origin.h"
#include "config/duration.h"

namespace dm::config {

// As DM's MaxSourceIDLength: the id is part of checkpoint rows.
inline constexpr size_t kMaxSourceIdLength = 32;

enum class Flavor : uint8_t { kAuto, kMySQL, kMariaDB };

template <>
struct EnumTraits<Flavor> {
  static constexpr std::array<EnumName<Flavor>, 3> kNames = {{
      {"", Flavor::kAuto},
      {"mysql", Flavor::kMySQL},
      {"mariadb", Flavor::kMariaDB},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// Relay log auto-purge. Auto-purge runs when interval != 0 and
// (expires != 0 or remain-space != 0).
struct PurgeConfig {
  static constexpr std::string_view kSchema = "purge";
  int64_t interval = 3600;    // seconds between checks
  int64_t expires = 0;        // hours; 0 = never by age
  int64_t remain_space = 15;  // GB of free disk to keep
};

// The field list of PurgeConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(PurgeConfig& c, V& v) {
  v("interval", c.interval);
  v("expires", c.expires);
  v("remain-space", c.remain_space);
}

// Auto-resume of paused tasks (DM's TaskStatusChecker).
struct CheckerConfig {
  static constexpr std::string_view kSchema = "checker";
  bool check_enable = true;
  Duration backoff_rollback = std::chrono::minutes(5);
  Duration backoff_max = std::chrono::minutes(5);
  // Hidden tunables (not in DM's documented template).
  Duration check_interval = std::chrono::seconds(5);
  Duration backoff_min = std::chrono::seconds(1);
  bool backoff_jitter = true;
  double backoff_factor = 2;
};

// The field list of CheckerConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(CheckerConfig& c, V& v) {
  v("check-enable", c.check_enable);
  v("backoff-rollback", c.backoff_rollback);
  v("backoff-max", c.backoff_max);
  v("check-interval", c.check_interval);
  v("backoff-min", c.backoff_min);
  v("backoff-jitter", c.backoff_jitter);
  v("backoff-factor", c.backoff_factor);
}

struct SourceConfig {
  static constexpr std::string_view kSchema = "source";
  std::string source_id;
  // Internal switch DM keeps in etcd (a stopped source has enable: false).
  bool enable = true;
  bool enable_gtid = false;
  // v5.4+ semantics: relay starts when the source is bound.
  bool enable_relay = false;
  std::string relay_binlog_name;
  std::string relay_binlog_gtid;
  std::string relay_dir;  // Adjust(): "relay-dir" when empty, as DM
  Flavor flavor = Flavor::kAuto;
  std::string charset;
  uint32_t server_id = 0;  // 0: picked on bind from a high range, as DM
  DBConfig from;
  PurgeConfig purge;
  CheckerConfig checker;
  bool case_sensitive = false;
  std::vector<FilterRule> filters;
};

// The field list of SourceConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(SourceConfig& c, V& v) {
  v("source-id", c.source_id, kRequiredKey);
  v("enable", c.enable);
  v("enable-gtid", c.enable_gtid);
  v("enable-relay", c.enable_relay);
  v("relay-binlog-name", c.relay_binlog_name);
  v("relay-binlog-gtid", c.relay_binlog_gtid);
  v("relay-dir", c.relay_dir);
  v("flavor", c.flavor);
  v("charset", c.charset);
  v("server-id", c.server_id);
  v("from", c.from, kRequiredKey);
  v("purge", c.purge);
  v("checker", c.checker);
  v("case-sensitive", c.case_sensitive);
  v("filters", c.filters);
}

// Decodes source.yaml text without Adjust()/Validate(). Passwords are
// decrypted with `key` (plaintext kept when they do not decrypt).
// `display_name` names the text in messages. Fills `report.origin`; appends
// warnings to `report.warnings`.
Result<SourceConfig> DecodeSourceConfig(std::string_view text, std::string_view display_name,
                                        const crypto::SecretKey& key, LoadReport& report);

// Fills derived defaults (relay-dir). Never fails today; returns Status so
// callers need not change when it can.
Status Adjust(SourceConfig& cfg, LoadReport& report);

// Checks a decoded and adjusted config: source-id present and at most 32
// bytes, relay-binlog-name shaped like "mysql-bin.000001", checker
// backoff-max >= backoff-min. Errors name `origin`'s file, line and key.
Status Validate(const SourceConfig& cfg, const ConfigOrigin& origin);

// Decode + Adjust + Validate. `report` may be null.
Result<SourceConfig> LoadSourceConfigFromString(std::string_view text, std::string_view display_name,
                                                const crypto::SecretKey& key, LoadReport* report = nullptr);

// Reads `path` and loads it; messages name the path as given.
Result<SourceConfig> LoadSourceConfigFile(const std::string& path, const crypto::SecretKey& key,
                                          LoadReport* report = nullptr);

}  // namespace dm::config
