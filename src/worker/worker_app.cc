#include "worker/worker_app.h"

#include <fmt/format.h>

#include <map>
#include <ostream>

#include "common/cli.h"
#include "common/encrypt.h"
#include "common/log.h"
#include "common/signals.h"
#include "config/server_flags.h"
#include "config/worker_config.h"
#include "http/server.h"
#include "worker/cluster_worker.h"
#include "worker/standalone.h"

namespace dm::worker {
namespace {

constexpr const char* kDefaultWorkerAddr = "127.0.0.1:8262";

constexpr const char* kSampleConfig = R"(# dm-worker.toml
name = "worker1"
log-level = "info"
log-file = "dm-worker.log"
log-format = "text"
worker-addr = "0.0.0.0:8262"
advertise-addr = "127.0.0.1:8262"
join = "127.0.0.1:8261"
keepalive-ttl = 60
relay-keepalive-ttl = 1800
# relay-dir = "./relay_log"
# ssl-ca = "/path/to/ca.pem"
# ssl-cert = "/path/to/cert.pem"
# ssl-key = "/path/to/key.pem"
# cert-allowed-cn = ["dm"]
)";

struct WorkerFlags {
  config::ServerFlags server;
  std::optional<std::string> name;
  std::optional<std::string> worker_addr;
  std::optional<std::string> advertise_addr;
  std::optional<std::string> join;
  std::optional<int64_t> keepalive_ttl;
  std::optional<int64_t> relay_keepalive_ttl;
  std::optional<std::string> relay_dir;
  std::string task_file;
  std::vector<std::string> source_files;
  bool exit_when_synced = false;
  std::string start_time;
  std::string secret_key_path;
};

// A worker that joins a cluster (no --task) also needs name, worker-addr and join.
Result<config::WorkerConfig> LoadWorkerConfig(const WorkerFlags& flags) {
  const bool standalone = !flags.task_file.empty() || !flags.source_files.empty();
  config::LoadReport report;
  DM_ASSIGN_OR_RETURN(config::WorkerConfig cfg,
                      config::DecodeServerConfig<config::WorkerConfig>(flags.server, config::DecodeWorkerConfig, report));
  if (flags.name) cfg.name = *flags.name;
  if (flags.worker_addr) cfg.worker_addr = *flags.worker_addr;
  if (flags.advertise_addr) cfg.advertise_addr = *flags.advertise_addr;
  if (flags.join) cfg.join = *flags.join;
  if (flags.keepalive_ttl) cfg.keepalive_ttl = *flags.keepalive_ttl;
  if (flags.relay_keepalive_ttl) cfg.relay_keepalive_ttl = *flags.relay_keepalive_ttl;
  if (flags.relay_dir) cfg.relay_dir = *flags.relay_dir;
  if (cfg.worker_addr.empty()) cfg.worker_addr = kDefaultWorkerAddr;
  DM_RETURN_IF_ERROR(config::Adjust(cfg, report));
  DM_RETURN_IF_ERROR(config::Validate(cfg, report.origin));
  if (!standalone) DM_RETURN_IF_ERROR(config::ValidateWorkerCluster(cfg, report.origin));
  return cfg;
}

}  // namespace

Result<StandaloneInputs> LoadStandaloneInputs(const std::string& task_file,
                                              const std::vector<std::string>& source_files,
                                              const std::string& secret_key_path) {
  DM_ASSIGN_OR_RETURN(crypto::SecretKey key, crypto::ResolveSecretKey(secret_key_path));
  StandaloneInputs inputs;
  config::LoadReport task_report;
  DM_ASSIGN_OR_RETURN(inputs.task, config::LoadTaskConfigFile(task_file, key, &task_report));
  inputs.warnings = task_report.warnings;
  DM_RETURN_IF_ERROR(config::RefuseUnsupportedTaskFeatures(inputs.task, task_report.origin));

  std::map<std::string, std::pair<std::string, config::SourceConfig>> by_id;  // id -> (file, config)
  for (const std::string& file : source_files) {
    config::LoadReport report;
    DM_ASSIGN_OR_RETURN(config::SourceConfig source, config::LoadSourceConfigFile(file, key, &report));
    if (source.enable_relay) {
      return report.origin.Error(ErrorCode::kConfigInvalidValue, "enable-relay",
                                 "enable-relay: true (a local relay log) is not supported by this dm yet; sync reads "
                                 "the upstream's binlog directly when it is false");
    }
    inputs.warnings.insert(inputs.warnings.end(), report.warnings.begin(), report.warnings.end());
    auto [it, inserted] = by_id.try_emplace(source.source_id, file, source);
    if (!inserted) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{}: source-id '{}' is also defined in {}", file, source.source_id, it->second.first),
                    ErrorCode::kConfigDuplicateSourceID);
    }
  }
  std::vector<std::string> known_ids;
  for (const auto& [id, entry] : by_id) known_ids.push_back(id);
  std::map<std::string, bool> used;
  for (size_t i = 0; i < inputs.task.mysql_instances.size(); ++i) {
    const std::string& id = inputs.task.mysql_instances[i].source_id;
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      return Status(StatusCode::kInvalidArgument,
                    fmt::format("{}: mysql-instances[{}].source-id: no --source file defines source '{}'{}", task_file,
                                i, id, DidYouMean(id, known_ids)),
                    ErrorCode::kConfigRuleNotFound);
    }
    used[id] = true;
    inputs.sources.push_back(it->second.second);
  }
  for (const auto& [id, entry] : by_id) {
    if (!used[id]) {
      return Status::InvalidArgument(
          fmt::format("{}: source '{}' is not used by any mysql-instances entry of {}", entry.first, id, task_file));
    }
  }
  return inputs;
}

int RunWorker(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  BlockTerminationSignals();
  CLI::App app{"dm-worker: the data plane of dm (dump, load, sync for one source)", "dm-worker"};
  WorkerFlags flags;
  config::AddServerFlags(app, flags.server);
  app.add_option("--name", flags.name, "worker name, unique in the cluster");
  app.add_option("--worker-addr", flags.worker_addr, "listen address for the API, /status and /metrics (:8262)");
  app.add_option("--advertise-addr", flags.advertise_addr, "address given to the masters");
  app.add_option("--join", flags.join, "comma-separated dm-master addresses to join");
  app.add_option("--keepalive-ttl", flags.keepalive_ttl, "keepalive lease TTL in seconds without relay");
  app.add_option("--relay-keepalive-ttl", flags.relay_keepalive_ttl, "keepalive lease TTL in seconds with relay");
  app.add_option("--relay-dir", flags.relay_dir, "relay log directory");
  app.add_option("--task", flags.task_file, "standalone mode: the task file to run");
  app.add_option("--source", flags.source_files, "standalone mode: a source file (repeatable)");
  app.add_flag("--exit-when-synced", flags.exit_when_synced,
               "standalone mode: exit once every source caught up with the upstream position at sync start");
  app.add_option("--start-time", flags.start_time,
                 "standalone mode: sync from the first binlog event at or after this time (\"2021-10-21 00:01:00\" "
                 "in the task's timezone, or RFC 3339 with an offset), whatever the checkpoint says");
  app.add_option("--secret-key-path", flags.secret_key_path,
                 "file with the 64-hex-character AES key for passwords (default: DM's built-in key)");
  if (int code = ParseCommandLine(app, argc, argv, out, err); code >= 0) return code;
  if (auto code = config::HandleInfoFlags(flags.server, kSampleConfig, out)) return *code;

  auto cfg = LoadWorkerConfig(flags);
  if (!cfg.ok()) {
    err << "dm-worker: " << cfg.status().message() << "\n";
    return 1;
  }
  if (Status s = config::InitLogging(cfg->log_level, cfg->log_file, cfg->log_format); !s.ok()) {
    err << "dm-worker: " << s.message() << "\n";
    return 1;
  }

  if (!flags.task_file.empty() || !flags.source_files.empty()) {
    if (flags.task_file.empty() || flags.source_files.empty()) {
      err << "dm-worker: standalone mode needs both --task and at least one --source\n";
      return 2;
    }
    auto inputs = LoadStandaloneInputs(flags.task_file, flags.source_files, flags.secret_key_path);
    if (!inputs.ok()) {
      err << "dm-worker: " << inputs.status().message() << "\n";
      return 1;
    }
    inputs->exit_when_synced = flags.exit_when_synced;
    inputs->start_time = flags.start_time;
    return RunStandalone(*inputs, *cfg, err);
  }
  auto key = crypto::ResolveSecretKey(flags.secret_key_path);
  if (!key.ok()) {
    err << "dm-worker: " << key.status().message() << "\n";
    return 1;
  }
  return RunClusterWorker(*cfg, *key, err);
}

}  // namespace dm::worker
