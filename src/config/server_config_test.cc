// dm-master.toml and dm-worker.toml.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>

#include "config/config_test_util.h"
#include "config/master_config.h"
#include "config/worker_config.h"

namespace dm::config {
namespace {

using testing::FailsWith;
using testing::Fixture;

std::string HostName() {
  std::array<char, 256> buf{};
  EXPECT_EQ(gethostname(buf.data(), buf.size() - 1), 0);
  return buf.data();
}

TEST(MasterConfigTest, DefaultsAndDerivedValuesEqualDms) {
  auto cfg = LoadMasterConfigFromString("master-addr = \"127.0.0.1:8261\"\n", "dm-master.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "dm-master-" + HostName());
  EXPECT_EQ(cfg->advertise_addr, "127.0.0.1:8261");
  EXPECT_EQ(cfg->data_dir, "default." + cfg->name);
  EXPECT_EQ(cfg->peer_urls, "http://127.0.0.1:8291");
  EXPECT_EQ(cfg->advertise_peer_urls, "http://127.0.0.1:8291");
  EXPECT_EQ(cfg->initial_cluster, cfg->name + "=http://127.0.0.1:8291");
  EXPECT_EQ(cfg->initial_cluster_state, ClusterState::kNew);
  EXPECT_EQ(cfg->log_level, log::Level::kInfo);
  EXPECT_EQ(cfg->log_format, LogFormat::kText);
  EXPECT_EQ(cfg->rpc_timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg->rpc_rate_limit, 10.0);
  EXPECT_EQ(cfg->rpc_rate_burst, 40);
  EXPECT_EQ(cfg->max_txn_ops, 2048u);
  EXPECT_EQ(cfg->max_request_bytes, 1572864u);
  EXPECT_EQ(cfg->auto_compaction_mode, CompactionMode::kPeriodic);
  EXPECT_EQ(cfg->auto_compaction_retention, "1h");
  EXPECT_EQ(cfg->quota_backend_bytes, 2147483648);
  EXPECT_FALSE(cfg->openapi);
}

TEST(MasterConfigTest, SpecExampleLoads) {
  LoadReport report;
  auto cfg = LoadMasterConfigFile(Fixture("dm-master.toml"), &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "master1");
  EXPECT_EQ(cfg->master_addr, "0.0.0.0:8261");
  EXPECT_EQ(cfg->advertise_addr, "10.0.1.11:8261");
  EXPECT_EQ(cfg->data_dir, "/dm/data/master1");
  EXPECT_EQ(cfg->initial_cluster,
            "master1=http://10.0.1.11:8291,master2=http://10.0.1.12:8291,master3=http://10.0.1.13:8291");
  EXPECT_TRUE(cfg->openapi);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(MasterConfigTest, ErrorsNameFileLineAndKey) {
  std::string unknown = "master-addr = \":8261\"\nadvertise-addr = \"h:8261\"\nrpc-timout = \"1s\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(unknown, "dm-master.toml").status(), ErrorCode::kConfigUnknownKey,
                        {"dm-master.toml:3:", "rpc-timout", "did you mean 'rpc-timeout'?"}));

  std::string wrong = "master-addr = \"h:8261\"\nrpc-rate-burst = \"40\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(wrong, "dm-master.toml").status(), ErrorCode::kConfigWrongType,
                        {"dm-master.toml:2:", "rpc-rate-burst", "expected an integer, got a quoted string"}));

  std::string format = "master-addr = \"h:8261\"\nlog-format = \"xml\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(format, "dm-master.toml").status(), ErrorCode::kConfigInvalidValue,
                        {"dm-master.toml:2:", "log-format", "'text', 'json'"}));

  std::string syntax = "master-addr = \"h:8261\"\nname = \n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(syntax, "dm-master.toml").status(), ErrorCode::kConfigTomlTransform,
                        {"dm-master.toml:2:", "TOML syntax error"}));

  std::string dup = "master-addr = \"h:8261\"\nname = \"a\"\nname = \"b\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(dup, "dm-master.toml").status(), ErrorCode::kConfigTomlTransform,
                        {"dm-master.toml:3:"}));

  std::string duration = "master-addr = \"h:8261\"\n\nrpc-timeout = \"30\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(duration, "dm-master.toml").status(), ErrorCode::kConfigInvalidValue,
                        {"dm-master.toml:3:", "rpc-timeout", "missing unit"}));

  std::string deploy = "master-addr = \"h:8261\"\n[[deploy]]\nsource-id = \"s\"\ndm-worker = \"w:8262\"\n";
  EXPECT_TRUE(FailsWith(LoadMasterConfigFromString(deploy, "dm-master.toml").status(), ErrorCode::kConfigRemovedKey,
                        {"dm-master.toml:2:", "deploy", "operate-source"}));
}

TEST(MasterConfigTest, AddressesAreValidatedAsDm) {
  auto missing = LoadMasterConfigFromString("name = \"m\"\n", "dm-master.toml");
  EXPECT_TRUE(FailsWith(missing.status(), ErrorCode::kConfigMissingKey, {"dm-master.toml:1:", "master-addr"}));

  auto any_host = LoadMasterConfigFromString("name = \"m\"\nmaster-addr = \":8261\"\n", "dm-master.toml");
  EXPECT_TRUE(FailsWith(any_host.status(), ErrorCode::kConfigInvalidValue,
                        {"dm-master.toml:2:", "master-addr", "advertise-addr is not set"}));

  auto bad_advertise =
      LoadMasterConfigFromString("master-addr = \":8261\"\nadvertise-addr = \"0.0.0.0:8261\"\n", "dm-master.toml");
  EXPECT_TRUE(
      FailsWith(bad_advertise.status(), ErrorCode::kConfigInvalidValue, {"dm-master.toml:2:", "advertise-addr"}));

  auto wrapped = LoadMasterConfigFromString(
      "name = \"m\"\nmaster-addr = \"http://10.0.0.1:8261\"\npeer-urls = \"10.0.0.1:8291\"\njoin = \"10.0.0.2:8261\"\n",
      "dm-master.toml");
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->master_addr, "10.0.0.1:8261");
  EXPECT_EQ(wrapped->peer_urls, "http://10.0.0.1:8291");
  EXPECT_EQ(wrapped->initial_cluster, "m=http://10.0.0.1:8291");
  EXPECT_EQ(wrapped->join, "http://10.0.0.2:8261");
}

TEST(MasterConfigTest, ExternalEtcdExcludesJoin) {
  auto external = LoadMasterConfigFromString(
      "name = \"m\"\nmaster-addr = \"10.0.0.1:8261\"\netcd-endpoints = \"http://10.0.0.9:2379\"\n", "dm-master.toml");
  ASSERT_TRUE(external.ok()) << external.status().ToString();
  EXPECT_EQ(external->etcd_endpoints, "http://10.0.0.9:2379");

  auto both = LoadMasterConfigFromString(
      "master-addr = \"10.0.0.1:8261\"\njoin = \"10.0.0.2:8261\"\netcd-endpoints = \"http://10.0.0.9:2379\"\n",
      "dm-master.toml");
  EXPECT_TRUE(FailsWith(both.status(), ErrorCode::kConfigInvalidValue,
                        {"dm-master.toml:3:", "etcd-endpoints", "exclude each other"}));
}

TEST(MasterConfigTest, LegacyAndAdjustedValuesWarn) {
  LoadReport report;
  auto cfg = LoadMasterConfigFromString(
      "master-addr = \"h:8261\"\nlog-rotate = \"day\"\nquota-backend-bytes = 1024\nrpc-rate-limit = 0.0\n"
      "[experimental]\nopenapi = true\n",
      "dm-master.toml", &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->quota_backend_bytes, kMinQuotaBackendBytes);
  EXPECT_EQ(cfg->rpc_rate_limit, 10.0);
  EXPECT_TRUE(cfg->openapi);
  ASSERT_EQ(report.warnings.size(), 4u);
  EXPECT_NE(report.warnings[0].find("dm-master.toml:2: log-rotate:"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[3].find("dm-master.toml:6: experimental.openapi:"), std::string::npos)
      << report.warnings[3];
}

TEST(WorkerConfigTest, SpecExampleLoadsAndPassesClusterChecks) {
  LoadReport report;
  auto cfg = LoadWorkerConfigFile(Fixture("dm-worker.toml"), &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "worker1");
  EXPECT_EQ(cfg->worker_addr, "0.0.0.0:8262");
  EXPECT_EQ(cfg->advertise_addr, "10.0.1.21:8262");
  EXPECT_EQ(cfg->join, "http://10.0.1.11:8261,http://10.0.1.12:8261,http://10.0.1.13:8261");
  EXPECT_EQ(cfg->keepalive_ttl, 60);
  EXPECT_EQ(cfg->relay_keepalive_ttl, 1800);
  EXPECT_TRUE(ValidateWorkerCluster(*cfg, report.origin).ok());
}

TEST(WorkerConfigTest, StandaloneWorkerNeedsNoFile) {
  WorkerConfig cfg;
  LoadReport report;
  ASSERT_TRUE(Adjust(cfg, report).ok());
  ASSERT_TRUE(Validate(cfg, report.origin).ok());
  EXPECT_EQ(cfg.keepalive_ttl, 60);
  EXPECT_EQ(cfg.relay_keepalive_ttl, 1800);
  Status cluster = ValidateWorkerCluster(cfg, report.origin);
  EXPECT_TRUE(FailsWith(cluster, ErrorCode::kConfigMissingKey, {"worker-addr"}));
}

TEST(WorkerConfigTest, ClusterModeRequiresJoin) {
  LoadReport report;
  auto cfg = LoadWorkerConfigFromString("worker-addr = \"10.0.0.5:8262\"\n", "dm-worker.toml", &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "10.0.0.5:8262");  // as DM: the advertise address names the worker
  EXPECT_TRUE(FailsWith(ValidateWorkerCluster(*cfg, report.origin), ErrorCode::kConfigMissingKey,
                        {"dm-worker.toml:1:", "join"}));
}

TEST(WorkerConfigTest, ErrorsNameFileLineAndKey) {
  auto v1 = LoadWorkerConfigFromString("worker-addr = \":8262\"\nsource-id = \"mysql-replica-01\"\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(v1.status(), ErrorCode::kConfigRemovedKey, {"dm-worker.toml:2:", "source-id", "source.yaml"}));

  auto from = LoadWorkerConfigFromString("worker-addr = \"h:8262\"\n[from]\nhost = \"127.0.0.1\"\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(from.status(), ErrorCode::kConfigRemovedKey, {"dm-worker.toml:2:", "from"}));

  auto ttl = LoadWorkerConfigFromString("keepalive-ttl = 1.5\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(ttl.status(), ErrorCode::kConfigWrongType, {"dm-worker.toml:1:", "keepalive-ttl"}));

  auto zero = LoadWorkerConfigFromString("\nkeepalive-ttl = 0\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(zero.status(), ErrorCode::kConfigInvalidValue, {"dm-worker.toml:2:", "keepalive-ttl"}));

  auto level = LoadWorkerConfigFromString("log-level = \"verbose\"\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(level.status(), ErrorCode::kConfigInvalidValue,
                        {"dm-worker.toml:1:", "log-level", "'debug', 'info', 'warn', 'error', 'fatal'"}));

  auto advertise = LoadWorkerConfigFromString("worker-addr = \":8262\"\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(advertise.status(), ErrorCode::kConfigInvalidValue, {"dm-worker.toml:1:", "worker-addr"}));

  auto cn = LoadWorkerConfigFromString("cert-allowed-cn = \"dm\"\n", "dm-worker.toml");
  EXPECT_TRUE(FailsWith(cn.status(), ErrorCode::kConfigWrongType, {"dm-worker.toml:1:", "cert-allowed-cn", "a list"}));
}

}  // namespace
}  // namespace dm::config
