#include "master/master_app.h"

#include <fmt/format.h>

#include <ostream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <nlohmann/json.hpp>

#include "common/cli.h"
#include "common/encrypt.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/strings.h"
#include "config/master_config.h"
#include "config/server_flags.h"
#include "etcd/client.h"
#include "etcd/embedded.h"
#include "http/client.h"
#include "http/server.h"
#include "master/master_server.h"

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
# Instead of running an own etcd member, every master can use one external
# etcd cluster (dm's key; then peer-urls, initial-cluster and join are unused):
# etcd-endpoints = "http://10.0.1.31:2379,http://10.0.1.32:2379"
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
  std::optional<std::string> etcd_endpoints;
  std::optional<std::string> secret_key_path;
};

Result<config::MasterConfig> LoadMasterConfig(const MasterFlags& flags) {
  config::LoadReport report;
  DM_ASSIGN_OR_RETURN(config::MasterConfig cfg,
                      config::DecodeServerConfig<config::MasterConfig>(flags.server, config::DecodeMasterConfig, report));
  if (flags.name) cfg.name = *flags.name;
  if (flags.master_addr) cfg.master_addr = *flags.master_addr;
  if (flags.advertise_addr) cfg.advertise_addr = *flags.advertise_addr;
  if (flags.data_dir) cfg.data_dir = *flags.data_dir;
  if (flags.peer_urls) cfg.peer_urls = *flags.peer_urls;
  if (flags.advertise_peer_urls) cfg.advertise_peer_urls = *flags.advertise_peer_urls;
  if (flags.initial_cluster) cfg.initial_cluster = *flags.initial_cluster;
  if (flags.join) cfg.join = *flags.join;
  if (flags.etcd_endpoints) cfg.etcd_endpoints = *flags.etcd_endpoints;
  if (flags.secret_key_path) cfg.secret_key_path = *flags.secret_key_path;
  if (cfg.master_addr.empty()) cfg.master_addr = kDefaultMasterAddr;
  DM_RETURN_IF_ERROR(config::Adjust(cfg, report));
  DM_RETURN_IF_ERROR(config::Validate(cfg, report.origin));
  return cfg;
}

// A free loopback port for the etcd member's client URL: only this master
// talks to it (workers and dmctl go through the master's own port).
Result<uint16_t> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable("cannot open a socket to pick etcd's client port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) return Status::Unavailable("cannot bind a loopback port for etcd's client URL");
  return ntohs(addr.sin_port);
}

// A master started with --join and no data yet asks a member of the running
// cluster to add its etcd member, and gets the initial cluster to start with.
Result<std::string> JoinCluster(const config::MasterConfig& cfg, const std::vector<std::string>& peer_urls) {
  nlohmann::json request = {{"name", cfg.name}, {"peer_urls", peer_urls}};
  http::ClientOptions options;
  options.tls = http::TlsOptions{cfg.security.ssl_ca, cfg.security.ssl_cert, cfg.security.ssl_key, {}};
  // etcd refuses to add a member until every member has been connected for a
  // few seconds ("unhealthy cluster"): retry, bounded.
  Status last = Status::InvalidArgument("join: no dm-master address given");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    for (std::string address : SplitString(cfg.join, ',')) {
      if (auto scheme = address.find("://"); scheme != std::string::npos) address = address.substr(scheme + 3);
      auto response = http::Call(address, "POST", "/apis/v1alpha1/members/join", request.dump(), options);
      if (!response.ok()) {
        last = response.status();
        continue;
      }
      nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
      if (body.is_object() && body.value("result", false)) return body.value("initial_cluster", "");
      last = Status::Unavailable(fmt::format("join via {}: {}", address,
                                             body.is_object() ? body.value("msg", "") : response->body));
      if (response->status != 503) return last;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

// Starts the master's own etcd member (joining a running cluster first
// when --join is given and the data dir is new). Returns its client URL.
Result<std::string> StartOwnMember(const config::MasterConfig& cfg, const etcd::ClientTlsOptions& tls,
                                   etcd::EmbeddedEtcd& member) {
  DM_ASSIGN_OR_RETURN(uint16_t port, FreeLoopbackPort());
  etcd::EmbeddedOptions options;
  options.name = cfg.name;
  options.data_dir = cfg.data_dir;
  // With TLS on, the member's peers and its one client (this master) use
  // the master's own certificate, as DM's embedded etcd does.
  options.tls = tls;
  options.client_url = fmt::format("{}://127.0.0.1:{}", tls.cert.empty() ? "http" : "https", port);
  options.peer_urls = SplitString(cfg.peer_urls, ',');
  options.advertise_peer_urls = SplitString(cfg.advertise_peer_urls, ',');
  options.initial_cluster = cfg.initial_cluster;
  options.initial_cluster_state = std::string(config::EnumToString(cfg.initial_cluster_state));
  options.auto_compaction_mode = std::string(config::EnumToString(cfg.auto_compaction_mode));
  options.auto_compaction_retention = cfg.auto_compaction_retention;
  options.quota_backend_bytes = cfg.quota_backend_bytes;
  options.max_txn_ops = cfg.max_txn_ops;
  options.max_request_bytes = cfg.max_request_bytes;
  const bool has_data = std::filesystem::exists(std::filesystem::path(cfg.data_dir) / "member");
  if (!cfg.join.empty() && !has_data) {
    auto initial = JoinCluster(cfg, options.advertise_peer_urls.empty() ? options.peer_urls
                                                                        : options.advertise_peer_urls);
    if (!initial.ok()) {
      return Status::Unavailable(
          fmt::format("cannot join the cluster at {}: {}", cfg.join, initial.status().message()));
    }
    options.initial_cluster = *initial;
    options.initial_cluster_state = "existing";
  }
  if (Status s = member.Start(options); !s.ok()) {
    return Status::Unavailable(fmt::format("cannot start its etcd member: {}", s.message()));
  }
  return options.client_url;
}

// Runs the master until SIGTERM/SIGINT/SIGHUP: its etcd member (none with
// etcd-endpoints), the etcd client, the control plane and the one HTTP
// listener. Returns the exit code.
int ServeCluster(const config::MasterConfig& cfg, std::ostream& err) {
  auto key = crypto::ResolveSecretKey(cfg.secret_key_path);
  if (!key.ok()) {
    err << "dm-master: " << key.status().message() << "\n";
    return 1;
  }
  etcd::ClientTlsOptions tls;
  if (!cfg.security.ssl_ca.empty() || !cfg.security.ssl_cert.empty()) {
    tls = {cfg.security.ssl_ca, cfg.security.ssl_cert, cfg.security.ssl_key};
  }
  const bool own_member = cfg.etcd_endpoints.empty();
  etcd::EmbeddedEtcd member;
  std::vector<std::string> endpoints = SplitString(cfg.etcd_endpoints, ',');
  if (own_member) {
    auto url = StartOwnMember(cfg, tls, member);
    if (!url.ok()) {
      err << "dm-master: " << url.status().message() << "\n";
      return 1;
    }
    endpoints = {*url};
  }
  auto client = etcd::Client::Connect(etcd::ClientOptions{endpoints, tls, std::chrono::seconds(5)});
  if (!client.ok()) {
    err << "dm-master: " << client.status().message() << "\n";
    return 1;
  }
  http::MetricsRegistry metrics;
  http::Server server(&metrics, http::TlsOptions{cfg.security.ssl_ca, cfg.security.ssl_cert, cfg.security.ssl_key,
                                                 cfg.security.cert_allowed_cn});
  MasterServer master(cfg, std::move(*key), **client, metrics);
  master.RegisterHandlers(server);
  if (Status s = server.Listen("master-addr", cfg.master_addr); !s.ok()) {
    err << "dm-master: " << s.message() << "\n";
    return 1;
  }
  master.Start();
  log::Info("dm-master started", {{"name", cfg.name}, {"address", server.bound_address()},
                                  {"etcd", fmt::format("{}", fmt::join(endpoints, ","))},
                                  {"peer_urls", own_member ? cfg.peer_urls : ""}});
  int code = 0;
  while (true) {
    if (int signal_number = WaitForTerminationSignalFor(std::chrono::seconds(1)); signal_number != 0) {
      log::Info("received signal, dm-master stops", {{"signal", signal_number}});
      break;
    }
    if (own_member && !member.Alive()) {
      // The state lives in etcd: a master whose member died cannot serve. An
      // external supervisor restarts the process, which restarts the member.
      log::Error("the etcd member exited; dm-master stops", {{"log", member.log_path()}});
      code = 1;
      break;
    }
  }
  master.Stop();
  server.Stop();
  if (Status s = member.Stop(); !s.ok()) log::Warn("stopping the etcd member failed", {{"error", s}});
  log::Info("dm-master stopped", {{"name", cfg.name}});
  return code;
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
  app.add_option("--etcd-endpoints", flags.etcd_endpoints,
                 "client URLs of an external etcd cluster to use instead of an own member");
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
  return ServeCluster(*cfg, err);
}

}  // namespace dm::master
