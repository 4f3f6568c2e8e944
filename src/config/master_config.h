// dm-master.toml (dm-spec §2.1). Command-line flags override file keys, so
// the binary decodes, applies flags, then calls Adjust() and Validate().
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/log.h"
#include "common/status.h"
#include "config/common_config.h"
#include "config/config_origin.h"
#include "config/duration.h"

namespace dm::config {

enum class ClusterState : uint8_t { kNew, kExisting };

template <>
struct EnumTraits<ClusterState> {
  static constexpr std::array<EnumName<ClusterState>, 2> kNames = {{
      {"new", ClusterState::kNew},
      {"existing", ClusterState::kExisting},
  }};
  static constexpr bool kCaseInsensitive = false;
};

enum class CompactionMode : uint8_t { kPeriodic, kRevision };

template <>
struct EnumTraits<CompactionMode> {
  static constexpr std::array<EnumName<CompactionMode>, 2> kNames = {{
      {"periodic", CompactionMode::kPeriodic},
      {"revision", CompactionMode::kRevision},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// [experimental] of v5.3; Adjust() moves openapi to the top-level key.
struct MasterExperimental {
  static constexpr std::string_view kSchema = "master-experimental";
  bool openapi = false;
};

// The field list of MasterExperimental (DM's keys; see field_list.h).
template <class V>
void VisitFields(MasterExperimental& c, V& v) {
  v("openapi", c.openapi);
}

// As DM: etcd needs at least this much quota.
inline constexpr int64_t kMinQuotaBackendBytes = int64_t{500} * 1024 * 1024;

struct MasterConfig {
  static constexpr std::string_view kSchema = "master";
  std::string name;  // Adjust(): "dm-master-<hostname>"
  log::Level log_level = log::Level::kInfo;
  std::string log_file;  // empty: standard error
  LogFormat log_format = LogFormat::kText;
  std::string master_addr;     // required; ":8261" allowed
  std::string advertise_addr;  // Adjust(): master-addr
  std::string data_dir;        // Adjust(): "default.<name>"
  std::string peer_urls = "http://127.0.0.1:8291";
  std::string advertise_peer_urls;  // Adjust(): peer-urls
  std::string initial_cluster;      // Adjust(): "<name>=<advertise-peer-url>,..."
  ClusterState initial_cluster_state = ClusterState::kNew;
  std::string join;  // client addresses of an existing cluster
  // dm's own key (DM has none): client URLs of an external etcd cluster that
  // every master uses instead of running its own member.
  std::string etcd_endpoints;
  Duration rpc_timeout = std::chrono::seconds(30);
  double rpc_rate_limit = 10.0;
  int rpc_rate_burst = 40;
  uint64_t max_txn_ops = 2048;
  uint64_t max_request_bytes = 1572864;
  CompactionMode auto_compaction_mode = CompactionMode::kPeriodic;
  std::string auto_compaction_retention = "1h";
  int64_t quota_backend_bytes = int64_t{2} * 1024 * 1024 * 1024;
  bool openapi = false;
  std::string secret_key_path;  // v8: hex AES-256 key file for passwords
  std::string v1_sources_path;  // v1.0 upgrade: directory of source files
  SecurityConfig security;      // flattened: ssl-ca etc. are top-level keys
  MasterExperimental experimental;
};

// The field list of MasterConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(MasterConfig& c, V& v) {
  v("name", c.name);
  v("log-level", c.log_level);
  v("log-file", c.log_file);
  v("log-format", c.log_format);
  v("master-addr", c.master_addr);
  v("advertise-addr", c.advertise_addr);
  v("data-dir", c.data_dir);
  v("peer-urls", c.peer_urls);
  v("advertise-peer-urls", c.advertise_peer_urls);
  v("initial-cluster", c.initial_cluster);
  v("initial-cluster-state", c.initial_cluster_state);
  v("join", c.join);
  v("etcd-endpoints", c.etcd_endpoints);
  v("rpc-timeout", c.rpc_timeout);
  v("rpc-rate-limit", c.rpc_rate_limit);
  v("rpc-rate-burst", c.rpc_rate_burst);
  v("max-txn-ops", c.max_txn_ops);
  v("max-request-bytes", c.max_request_bytes);
  v("auto-compaction-mode", c.auto_compaction_mode);
  v("auto-compaction-retention", c.auto_compaction_retention);
  v("quota-backend-bytes", c.quota_backend_bytes);
  v("openapi", c.openapi);
  v("secret-key-path", c.secret_key_path);
  v("v1-sources-path", c.v1_sources_path);
  VisitFields(c.security, v);
  v("experimental", c.experimental);
}

// Decodes dm-master.toml text without Adjust()/Validate(). Fills
// `report.origin`; appends warnings.
Result<MasterConfig> DecodeMasterConfig(std::string_view text, std::string_view display_name, LoadReport& report);

// As DM's master config adjust(): strips http:// from master-addr and
// advertise-addr, defaults advertise-addr, name (from the host name),
// data-dir, advertise-peer-urls and initial-cluster, adds URL schemes
// (https when ssl-ca is set), raises rpc-rate-*, quota-backend-bytes to
// their minimums with a warning, and moves [experimental] openapi. Fails only
// when the host name cannot be read.
Status Adjust(MasterConfig& cfg, LoadReport& report);

// master-addr set and host:port shaped; advertise-addr dialable (a host, not
// 0.0.0.0); initial-cluster made of name=url items. REQUIRES: Adjust() ran.
Status Validate(const MasterConfig& cfg, const ConfigOrigin& origin);

// Decode + Adjust + Validate. `report` may be null.
Result<MasterConfig> LoadMasterConfigFromString(std::string_view text, std::string_view display_name,
                                                LoadReport* report = nullptr);
Result<MasterConfig> LoadMasterConfigFile(const std::string& path, LoadReport* report = nullptr);

}  // namespace dm::config
