#include "config/worker_config.h"

#include <fmt/format.h>

#include "config/address.h"
#include "config/load_util.h"

namespace dm::config {

Result<WorkerConfig> DecodeWorkerConfig(std::string_view text, std::string_view display_name, LoadReport& report) {
  return internal::DecodeConfigText<WorkerConfig>(internal::Format::kToml, text, display_name, nullptr, report);
}

Status Adjust(WorkerConfig& cfg, LoadReport& /*report*/) {
  cfg.worker_addr = UnwrapScheme(cfg.worker_addr);
  cfg.advertise_addr = cfg.advertise_addr.empty() ? cfg.worker_addr : UnwrapScheme(cfg.advertise_addr);
  if (cfg.name.empty()) cfg.name = cfg.advertise_addr;
  if (!cfg.join.empty()) cfg.join = WrapSchemes(cfg.join, !cfg.security.ssl_ca.empty());
  return Status::OK();
}

Status Validate(const WorkerConfig& cfg, const ConfigOrigin& origin) {
  std::string host;
  std::string port;
  if (!cfg.worker_addr.empty() && (!SplitHostPort(cfg.worker_addr, &host, &port) || port.empty())) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "worker-addr",
                        fmt::format("worker-addr '{}' is not host:port or :port", cfg.worker_addr));
  }
  if (!cfg.advertise_addr.empty() && !IsAdvertisable(cfg.advertise_addr)) {
    std::string_view key = origin.Has("advertise-addr") ? "advertise-addr" : "worker-addr";
    return origin.Error(ErrorCode::kConfigInvalidValue, key,
                        fmt::format("advertise-addr '{}' must be host:port with a host other than 0.0.0.0 (it "
                                    "defaults to worker-addr)",
                                    cfg.advertise_addr));
  }
  if (cfg.keepalive_ttl <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "keepalive-ttl", "keepalive-ttl must be positive");
  }
  if (cfg.relay_keepalive_ttl <= 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "relay-keepalive-ttl", "relay-keepalive-ttl must be positive");
  }
  return Status::OK();
}

Status ValidateWorkerCluster(const WorkerConfig& cfg, const ConfigOrigin& origin) {
  if (cfg.worker_addr.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "worker-addr",
                        "worker-addr must be set for a worker that joins a cluster (e.g. \":8262\")");
  }
  if (cfg.name.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "name", "name must be set for a worker that joins a cluster");
  }
  if (cfg.join.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "join",
                        "join must list the dm-master addresses (e.g. \"10.0.1.11:8261,10.0.1.12:8261\")");
  }
  return Status::OK();
}

Result<WorkerConfig> LoadWorkerConfigFromString(std::string_view text, std::string_view display_name,
                                                LoadReport* report) {
  return internal::LoadConfig<WorkerConfig>([&](LoadReport& r) { return DecodeWorkerConfig(text, display_name, r); },
                                            report);
}

Result<WorkerConfig> LoadWorkerConfigFile(const std::string& path, LoadReport* report) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadWorkerConfigFromString(text, path, report);
}

}  // namespace dm::config
