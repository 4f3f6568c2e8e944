// dm-worker.toml (dm-spec §2.2). A worker normally joins a master cluster,
// but tests and tools also run one standalone with no file at all, so the
// cluster requirements (name, worker-addr, join) are a separate check:
// ValidateWorkerCluster().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/log.h"
#include "common/status.h"
#include "config/common_config.h"
#include "config/config_origin.h"

namespace dm::config {

struct WorkerConfig {
  static constexpr std::string_view kSchema = "worker";
  std::string name;  // Adjust(): advertise-addr when empty, as DM
  log::Level log_level = log::Level::kInfo;
  std::string log_file;
  LogFormat log_format = LogFormat::kText;
  std::string worker_addr;             // e.g. ":8262"
  std::string advertise_addr;          // Adjust(): worker-addr
  std::string join;                    // master client addresses; "http://" optional
  int64_t keepalive_ttl = 60;          // seconds, lease TTL without relay
  int64_t relay_keepalive_ttl = 1800;  // seconds, lease TTL with relay on
  std::string relay_dir;               // v5.4+: overrides the source's relay-dir
  bool redact_info_log = false;
  SecurityConfig security;  // flattened: ssl-ca etc. are top-level keys
};

// The field list of WorkerConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(WorkerConfig& c, V& v) {
  v("name", c.name);
  v("log-level", c.log_level);
  v("log-file", c.log_file);
  v("log-format", c.log_format);
  v("worker-addr", c.worker_addr);
  v("advertise-addr", c.advertise_addr);
  v("join", c.join);
  v("keepalive-ttl", c.keepalive_ttl);
  v("relay-keepalive-ttl", c.relay_keepalive_ttl);
  v("relay-dir", c.relay_dir);
  v("redact-info-log", c.redact_info_log);
  VisitFields(c.security, v);
}

// Decodes dm-worker.toml text without Adjust()/Validate(). v1.0 worker keys
// (source-id, [from], ...) are rejected with a pointer to source.yaml.
Result<WorkerConfig> DecodeWorkerConfig(std::string_view text, std::string_view display_name, LoadReport& report);

// As DM's worker config adjust(): strips http:// from worker-addr and
// advertise-addr, defaults advertise-addr to worker-addr and name to
// advertise-addr, and adds URL schemes to join (https when ssl-ca is set).
Status Adjust(WorkerConfig& cfg, LoadReport& report);

// Checks what is set: worker-addr is host:port or :port, advertise-addr is
// dialable, TTLs are positive. Passes for a standalone worker with no
// addresses. REQUIRES: Adjust() ran.
Status Validate(const WorkerConfig& cfg, const ConfigOrigin& origin);

// The extra requirements of a worker that joins a cluster: name,
// worker-addr (with a dialable advertise-addr) and join are set.
// REQUIRES: Adjust() and Validate() ran.
Status ValidateWorkerCluster(const WorkerConfig& cfg, const ConfigOrigin& origin);

// Decode + Adjust + Validate (not ValidateWorkerCluster). `report` may be null.
Result<WorkerConfig> LoadWorkerConfigFromString(std::string_view text, std::string_view display_name,
                                                LoadReport* report = nullptr);
Result<WorkerConfig> LoadWorkerConfigFile(const std::string& path, LoadReport* report = nullptr);

}  // namespace dm::config
