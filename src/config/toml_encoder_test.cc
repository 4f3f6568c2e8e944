// The TOML encoder over the master and worker field lists.
#include "config/toml_encoder.h"

#include <gtest/gtest.h>

#include "config/master_config.h"
#include "config/worker_config.h"

namespace dm::config {
namespace {

TEST(TomlEncoderTest, MasterConfigDecodesBackToTheSameValues) {
  auto cfg = LoadMasterConfigFromString(
      "name = \"m \\\"one\\\"\"\nmaster-addr = \"127.0.0.1:8261\"\nrpc-timeout = \"1m30s\"\n"
      "rpc-rate-limit = 12.5\nlog-level = \"warn\"\nauto-compaction-mode = \"revision\"\n"
      "cert-allowed-cn = [\"a\", \"b\\\\c\"]\n[experimental]\nopenapi = true\n",
      "dm-master.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const std::string text = EncodeToml(*cfg);
  auto again = LoadMasterConfigFromString(text, "encoded");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_EQ(again->name, "m \"one\"");
  EXPECT_EQ(again->rpc_timeout, std::chrono::seconds(90));
  EXPECT_EQ(again->rpc_rate_limit, 12.5);
  EXPECT_EQ(again->log_level, log::Level::kWarn);
  EXPECT_EQ(again->auto_compaction_mode, CompactionMode::kRevision);
  EXPECT_EQ(again->security.cert_allowed_cn, (std::vector<std::string>{"a", "b\\c"}));
  EXPECT_TRUE(again->openapi);
  EXPECT_EQ(again->initial_cluster, cfg->initial_cluster);
  EXPECT_EQ(again->quota_backend_bytes, cfg->quota_backend_bytes);
  // Keys in the field list's order, nested structs as tables at the end.
  EXPECT_LT(text.find("name = "), text.find("master-addr = "));
  EXPECT_NE(text.find("\n[experimental]\nopenapi = "), std::string::npos) << text;
}

TEST(TomlEncoderTest, KeyContentsAreHiddenAndPathsShown) {
  WorkerConfig cfg;
  cfg.name = "w1";
  cfg.security.ssl_key = "/etc/dm/worker-key.pem";
  cfg.security.ssl_key_bytes = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
  cfg.security.ssl_cert_base64 = "TUlJRQ==";
  const std::string text = EncodeToml(cfg);
  EXPECT_NE(text.find("ssl-key = \"/etc/dm/worker-key.pem\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ssl-key-bytes = \"******\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ssl-cert-base64 = \"******\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ssl-ca-bytes = \"\"\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << text;
  EXPECT_EQ(text.find("TUlJRQ"), std::string::npos) << text;
}

TEST(TomlEncoderTest, ScalarsFollowTomlSyntax) {
  EXPECT_EQ(internal::TomlQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\u000Ad\\u0001\"");
  EXPECT_EQ(internal::TomlFloat(10), "10.0");
  EXPECT_EQ(internal::TomlFloat(0.25), "0.25");
  EXPECT_EQ(internal::TomlFloat(1e300), "1e+300");
}

}  // namespace
}  // namespace dm::config
