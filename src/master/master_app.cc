#include "master/master_app.h"

#include <fmt/format.h>

#include <ostream>

#include "common/cli.h"
#include "common/log.h"
#include "common/signals.h"
#include "config/master_config.h"
#include "config/server_flags.h"
#include "http/server.h"

namespace dm::master {
namespace {

constexpr const char* kDefaultMasterAddr = "127.0.0.1:8261";

constexpr const char* kSampleConfig = R"(# dm-master.toml
name = "master1"
log-level = "info"
log-file = "dm-master.log"
master-addr = "0.0.0.0:8261"
advertise-addr = "127.0.0.1:8261"
data-dir = "default.master1"
peer-urls = "http://127.0.0.1:8291"
initial-cluster = "master1=http://127.0.0.1:8291"
rpc-timeout = "30s"
auto-compaction-mode = "periodic"
auto-compaction-retention = "1h"
quota-backend-bytes = 2147483648
openapi = false
# secret-key-path = "/path/to/secret.key"
# ssl-ca = "/path/to/ca.pem"
# ssl-cert = "/path/to/cert.pem"
# ssl-key = "/path/to/key.pem"
# cert-allowed-cn = ["dm"]
)";

struct MasterFlags {
  config::ServerFlags server;
  std::optional<std::string> name;
  std::optional<std::string> master_addr;
  std::optional<std::string> advertise_addr;
  std::optional<std::string> data_dir;
  std::optional<std::string> peer_urls;
  std::optional<std::string> advertise_peer_urls;
  std::optional<std::string> initial_cluster;
  std::optional<std::string> join;
  std::optional<std::string> secret_key_path;
};

Result<config::MasterConfig> LoadMasterConfig(const MasterFlags& flags) {
  config::LoadReport report;
  config::MasterConfig cfg;
  if (!flags.server.config_file.empty()) {
    DM_ASSIGN_OR_RETURN(std::string text, config::ReadConfigFile(flags.server.config_file));
    DM_ASSIGN_OR_RETURN(cfg, config::DecodeMasterConfig(text, flags.server.config_file, report));
  } else {
    report.origin.file = "command line";
  }
  DM_RETURN_IF_ERROR(
      config::ApplyServerFlags(flags.server, cfg.log_level, cfg.log_file, cfg.log_format, cfg.security));
  if (flags.name) cfg.name = *flags.name;
  if (flags.master_addr) cfg.master_addr = *flags.master_addr;
  if (flags.advertise_addr) cfg.advertise_addr = *flags.advertise_addr;
  if (flags.data_dir) cfg.data_dir = *flags.data_dir;
  if (flags.peer_urls) cfg.peer_urls = *flags.peer_urls;
  if (flags.advertise_peer_urls) cfg.advertise_peer_urls = *flags.advertise_peer_urls;
  if (flags.initial_cluster) cfg.initial_cluster = *flags.initial_cluster;
  if (flags.join) cfg.join = *flags.join;
  if (flags.secret_key_path) cfg.secret_key_path = *flags.secret_key_path;
  if (cfg.master_addr.empty()) cfg.master_addr = kDefaultMasterAddr;
  DM_RETURN_IF_ERROR(config::Adjust(cfg, report));
  DM_RETURN_IF_ERROR(config::Validate(cfg, report.origin));
  return cfg;
}

}  // namespace

int RunMaster(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  BlockTerminationSignals();
  CLI::App app{"dm-master: the control plane of dm", "dm-master"};
  MasterFlags flags;
  config::AddServerFlags(app, flags.server);
  app.add_option("--name", flags.name, "member name, unique in the cluster");
  app.add_option("--master-addr", flags.master_addr, "listen address for the API, /status and /metrics (:8261)");
  app.add_option("--advertise-addr", flags.advertise_addr, "address given to workers and dmctl");
  app.add_option("--data-dir", flags.data_dir, "etcd data directory");
  app.add_option("--peer-urls", flags.peer_urls, "etcd peer listen URLs");
  app.add_option("--advertise-peer-urls", flags.advertise_peer_urls, "etcd peer URLs given to other members");
  app.add_option("--initial-cluster", flags.initial_cluster, "name=peer-url,... of the bootstrap cluster");
  app.add_option("--join", flags.join, "client addresses of an existing cluster to join");
  app.add_option("--secret-key-path", flags.secret_key_path,
                 "file with the 64-hex-character AES key for passwords (default: DM's built-in key)");
  if (int code = ParseCommandLine(app, argc, argv, out, err); code >= 0) return code;
  if (auto code = config::HandleInfoFlags(flags.server, kSampleConfig, out)) return *code;
  auto cfg = LoadMasterConfig(flags);
  if (!cfg.ok()) {
    err << "dm-master: " << cfg.status().message() << "\n";
    return 1;
  }
  if (Status s = config::InitLogging(cfg->log_level, cfg->log_file, cfg->log_format); !s.ok()) {
    err << "dm-master: " << s.message() << "\n";
    return 1;
  }
  log::Warn("cluster mode is not implemented yet: this dm-master serves /status and /metrics only");
  http::MetricsRegistry metrics;
  http::Server server(&metrics, http::TlsOptions{cfg->security.ssl_ca, cfg->security.ssl_cert,
                                                 cfg->security.ssl_key, cfg->security.cert_allowed_cn});
  return http::ServeUntilSignal("dm-master", cfg->name, cfg->master_addr, server, err);
}

}  // namespace dm::master
