#include "config/master_config.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/strings.h"
#include "config/address.h"
#include "config/load_util.h"

namespace dm::config {
namespace {

Result<std::string> HostName() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) {
    return Status::Internal(fmt::format("cannot read the host name: {}", std::strerror(errno)));
  }
  return std::string(buf.data());
}

}  // namespace

Result<MasterConfig> DecodeMasterConfig(std::string_view text, std::string_view display_name, LoadReport& report) {
  return internal::DecodeConfigText<MasterConfig>(internal::Format::kToml, text, display_name, nullptr, report);
}

Status Adjust(MasterConfig& cfg, LoadReport& report) {
  cfg.master_addr = UnwrapScheme(cfg.master_addr);
  cfg.advertise_addr = cfg.advertise_addr.empty() ? cfg.master_addr : UnwrapScheme(cfg.advertise_addr);

  const MasterConfig defaults;
  // As DM: non-positive rate settings fall back to the defaults, for
  // backward compatibility, with a warning.
  if (cfg.rpc_rate_limit <= 0) {
    report.Warn("rpc-rate-limit",
                fmt::format("invalid rpc-rate-limit {}, using {}", cfg.rpc_rate_limit, defaults.rpc_rate_limit));
    cfg.rpc_rate_limit = defaults.rpc_rate_limit;
  }
  if (cfg.rpc_rate_burst <= 0) {
    report.Warn("rpc-rate-burst",
                fmt::format("invalid rpc-rate-burst {}, using {}", cfg.rpc_rate_burst, defaults.rpc_rate_burst));
    cfg.rpc_rate_burst = defaults.rpc_rate_burst;
  }

  if (cfg.name.empty()) {
    DM_ASSIGN_OR_RETURN(std::string host, HostName());
    cfg.name = "dm-master-" + host;
  }
  if (cfg.data_dir.empty()) cfg.data_dir = "default." + cfg.name;

  bool https = !cfg.security.ssl_ca.empty();
  cfg.peer_urls = cfg.peer_urls.empty() ? defaults.peer_urls : WrapSchemes(cfg.peer_urls, https);
  cfg.advertise_peer_urls =
      cfg.advertise_peer_urls.empty() ? cfg.peer_urls : WrapSchemes(cfg.advertise_peer_urls, https);
  if (cfg.initial_cluster.empty()) {
    std::string cluster;
    for (const std::string& url : SplitString(cfg.advertise_peer_urls, ',')) {
      if (!cluster.empty()) cluster += ',';
      cluster += cfg.name + "=" + url;
    }
    cfg.initial_cluster = cluster;
  } else {
    cfg.initial_cluster = WrapSchemesForInitialCluster(cfg.initial_cluster, https);
  }
  if (!cfg.join.empty()) cfg.join = WrapSchemes(cfg.join, https);

  if (cfg.quota_backend_bytes < kMinQuotaBackendBytes) {
    report.Warn("quota-backend-bytes", fmt::format("quota-backend-bytes {} is too low, using {}",
                                                   cfg.quota_backend_bytes, kMinQuotaBackendBytes));
    cfg.quota_backend_bytes = kMinQuotaBackendBytes;
  }
  if (cfg.experimental.openapi) {
    report.Warn("experimental.openapi", "openapi is no longer experimental; set openapi = true at the top level",
                "openapi");
    cfg.openapi = true;
    cfg.experimental.openapi = false;
  }
  return Status::OK();
}

Status Validate(const MasterConfig& cfg, const ConfigOrigin& origin) {
  if (cfg.master_addr.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "master-addr", "master-addr must be set (e.g. \":8261\")");
  }
  std::string host;
  std::string port;
  if (!SplitHostPort(cfg.master_addr, &host, &port) || port.empty()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "master-addr",
                        fmt::format("master-addr '{}' is not host:port or :port", cfg.master_addr));
  }
  if (!IsAdvertisable(cfg.advertise_addr)) {
    // When advertise-addr was derived, the fix is to set it.
    if (origin.Has("advertise-addr")) {
      return origin.Error(
          ErrorCode::kConfigInvalidValue, "advertise-addr",
          fmt::format("advertise-addr '{}' must be host:port with a host other than 0.0.0.0", cfg.advertise_addr));
    }
    return origin.Error(ErrorCode::kConfigInvalidValue, "master-addr",
                        fmt::format("master-addr '{}' must include a host other than 0.0.0.0 when advertise-addr "
                                    "is not set",
                                    cfg.master_addr));
  }
  for (const std::string& item : SplitString(cfg.initial_cluster, ',')) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return origin.Error(ErrorCode::kConfigInvalidValue, "initial-cluster",
                          fmt::format("initial-cluster item '{}' is not name=url", item));
    }
  }
  if (!cfg.etcd_endpoints.empty() && !cfg.join.empty()) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "etcd-endpoints",
                        "etcd-endpoints and join exclude each other: masters on an external etcd share it, none "
                        "joins another");
  }
  if (cfg.max_txn_ops == 0) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "max-txn-ops", "max-txn-ops must be positive");
  }
  return Status::OK();
}

Result<MasterConfig> LoadMasterConfigFromString(std::string_view text, std::string_view display_name,
                                                LoadReport* report) {
  return internal::LoadConfig<MasterConfig>([&](LoadReport& r) { return DecodeMasterConfig(text, display_name, r); },
                                            report);
}

Result<MasterConfig> LoadMasterConfigFile(const std::string& path, LoadReport* report) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadMasterConfigFromString(text, path, report);
}

}  // namespace dm::config
