#include "config/source_config.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config_test_util.h"

namespace dm::config {
namespace {

using testing::FailsWith;
using testing::Fixture;
using testing::Key;
using testing::LineOf;

Result<SourceConfig> Load(std::string_view text, LoadReport* report = nullptr) {
  return LoadSourceConfigFromString(text, "source.yaml", Key(), report);
}

TEST(SourceConfigTest, DefaultsEqualDms) {
  auto cfg = Load("source-id: s1\nfrom: {host: 127.0.0.1, port: 3306, user: root}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->enable);
  EXPECT_FALSE(cfg->enable_gtid);
  EXPECT_FALSE(cfg->enable_relay);
  EXPECT_EQ(cfg->relay_dir, "relay-dir");
  EXPECT_EQ(cfg->flavor, Flavor::kAuto);
  EXPECT_EQ(cfg->server_id, 0u);
  EXPECT_EQ(cfg->purge.interval, 3600);
  EXPECT_EQ(cfg->purge.expires, 0);
  EXPECT_EQ(cfg->purge.remain_space, 15);
  EXPECT_TRUE(cfg->checker.check_enable);
  EXPECT_EQ(cfg->checker.backoff_rollback, std::chrono::minutes(5));
  EXPECT_EQ(cfg->checker.backoff_max, std::chrono::minutes(5));
  EXPECT_EQ(cfg->checker.check_interval, std::chrono::seconds(5));
  EXPECT_EQ(cfg->checker.backoff_min, std::chrono::seconds(1));
  EXPECT_TRUE(cfg->checker.backoff_jitter);
  EXPECT_EQ(cfg->checker.backoff_factor, 2.0);
  EXPECT_FALSE(cfg->case_sensitive);
  EXPECT_TRUE(cfg->filters.empty());
  EXPECT_FALSE(cfg->from.security.has_value());
}

TEST(SourceConfigTest, SpecExampleLoads) {
  LoadReport report;
  auto cfg = LoadSourceConfigFile(Fixture("source.yaml"), Key(), &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source_id, "mysql-replica-01");
  EXPECT_TRUE(cfg->enable_gtid);
  EXPECT_EQ(cfg->relay_dir, "./relay_log");
  EXPECT_EQ(cfg->flavor, Flavor::kMySQL);
  EXPECT_EQ(cfg->from.host, "10.0.2.10");
  EXPECT_EQ(cfg->from.port, 3306);
  EXPECT_EQ(cfg->from.user, "dm_repl");
  EXPECT_EQ(cfg->from.password.reveal(), "<dmctl-encrypted-or-plain>");
  EXPECT_EQ(cfg->purge.expires, 72);
  EXPECT_EQ(cfg->checker.backoff_max, std::chrono::minutes(5));
  ASSERT_EQ(cfg->filters.size(), 1u);
  EXPECT_EQ(cfg->filters[0].sql_pattern.at(0), "^DROP\\s+PROCEDURE");
  EXPECT_EQ(cfg->filters[0].action, FilterAction::kIgnore);
  EXPECT_TRUE(report.warnings.empty());
  EXPECT_EQ(report.origin.file, Fixture("source.yaml"));
  EXPECT_EQ(report.origin.LineOf("from.port"), 10);
}

TEST(SourceConfigTest, EncryptedPasswordIsDecryptedAndPlaintextKept) {
  std::string cipher = crypto::Encrypt("Upstream#Pass1", Key()).value();
  auto enc = Load("source-id: s1\nfrom: {host: h, port: 3306, user: u, password: \"" + cipher + "\"}\n");
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(enc->from.password.reveal(), "Upstream#Pass1");

  auto plain = Load("source-id: s1\nfrom: {host: h, port: 3306, user: u, password: \"123456\"}\n");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->from.password.reveal(), "123456");
}

TEST(SourceConfigTest, ErrorsNeverContainThePassword) {
  const std::string secret = "Pl41n-Passw0rd-XYZ";
  std::string cipher = crypto::Encrypt(secret, Key()).value();
  for (const std::string& pw : {secret, cipher}) {
    std::vector<std::string> texts = {
        // unknown key next to the password
        "source-id: s1\nfrom:\n  password: \"" + pw + "\"\n  hots: h\n",
        // bad enum elsewhere
        "source-id: s1\nflavor: percona\nfrom: {password: \"" + pw + "\"}\n",
        // wrong type for the password itself
        "source-id: s1\nfrom:\n  password: [\"" + pw + "\"]\n",
        "source-id: s1\nfrom:\n  password: {\"" + pw + "\": 1}\n",
        // syntax error on the password's line
        "source-id: s1\nfrom: {password: \"" + pw + "\", port: 1\n",
        "source-id: s1\nfrom:\n  password: \"" + pw + "\" trailing\n",
        "source-id: s1\nfrom:\n  password: '" + pw + "'\n  password: '" + pw + "'\n",
        // validation error after decoding
        "source-id: " + std::string(40, 'x') + "\nfrom: {password: \"" + pw + "\"}\n",
    };
    LoadReport report;
    for (const std::string& text : texts) {
      Status s = Load(text, &report).status();
      ASSERT_FALSE(s.ok()) << text;
      EXPECT_EQ(s.ToString().find(secret), std::string::npos) << s.ToString();
      EXPECT_EQ(s.ToString().find(pw), std::string::npos) << s.ToString();
      for (const std::string& w : report.warnings) EXPECT_EQ(w.find(secret), std::string::npos) << w;
    }
  }
}

TEST(SourceConfigTest, UnknownKeyGetsHint) {
  std::string text = "soruce-id: s1\nfrom: {host: h}\n";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigUnknownKey,
                        {"source.yaml:1:", "soruce-id", "unknown key 'soruce-id' (did you mean 'source-id'?)"}));
  std::string nested = "source-id: s1\nfrom:\n  host: h\n  securty: {ssl-ca: a}\n";
  EXPECT_TRUE(FailsWith(Load(nested).status(), ErrorCode::kConfigUnknownKey,
                        {"source.yaml:4:", "from.securty", "did you mean 'security'?"}));
}

TEST(SourceConfigTest, TypeAndEnumErrors) {
  std::string dur = "source-id: s1\nfrom: {host: h}\nchecker:\n  backoff-max: 5 minutes\n";
  EXPECT_TRUE(FailsWith(Load(dur).status(), ErrorCode::kConfigInvalidValue,
                        {"source.yaml:4:", "checker.backoff-max", "invalid duration", "\"5m0s\""}));
  std::string flavor = "source-id: s1\nflavor: MySQL\nfrom: {host: h}\n";
  EXPECT_TRUE(FailsWith(Load(flavor).status(), ErrorCode::kConfigInvalidValue,
                        {"source.yaml:2:", "flavor", "'mysql', 'mariadb'", "did you mean 'mysql'?"}));
  std::string server_id = "source-id: s1\nserver-id: -1\nfrom: {host: h}\n";
  EXPECT_TRUE(FailsWith(Load(server_id).status(), ErrorCode::kConfigInvalidValue,
                        {"source.yaml:2:", "server-id", "[0, 4294967295]"}));
  std::string filter = "source-id: s1\nfrom: {host: h}\nfilters:\n  - schema-pattern: a\n    action: Skip\n";
  EXPECT_TRUE(FailsWith(Load(filter).status(), ErrorCode::kConfigInvalidValue,
                        {"source.yaml:5:", "filters[0].action", "'Do', 'Ignore', 'Error'"}));
  std::string no_action = "source-id: s1\nfrom: {host: h}\nfilters:\n  - schema-pattern: a\n";
  EXPECT_TRUE(
      FailsWith(Load(no_action).status(), ErrorCode::kConfigMissingKey, {"source.yaml:4:", "filters[0].action"}));
}

TEST(SourceConfigTest, ValidateChecksDmRules) {
  std::string long_id = "source-id: " + std::string(33, 'a') + "\nfrom: {host: h}\n";
  EXPECT_TRUE(
      FailsWith(Load(long_id).status(), ErrorCode::kConfigInvalidValue, {"source.yaml:1:", "source-id", "at most 32"}));
  EXPECT_TRUE(Load("source-id: " + std::string(32, 'a') + "\nfrom: {host: h}\n").ok());

  std::string no_from = "source-id: s1\n";
  EXPECT_TRUE(FailsWith(Load(no_from).status(), ErrorCode::kConfigMissingKey, {"source.yaml:1:", "from"}));

  std::string binlog = "source-id: s1\nfrom: {host: h}\nrelay-binlog-name: mysql-bin\n";
  EXPECT_TRUE(
      FailsWith(Load(binlog).status(), ErrorCode::kConfigInvalidValue, {"source.yaml:3:", "relay-binlog-name"}));

  std::string backoff = "source-id: s1\nfrom: {host: h}\nchecker: {backoff-max: 500ms}\n";
  EXPECT_TRUE(FailsWith(Load(backoff).status(), ErrorCode::kConfigInvalidValue,
                        {"source.yaml:3:", "checker.backoff-max", "500ms", "1s"}));
}

TEST(SourceConfigTest, DeprecatedKeysWarn) {
  LoadReport report;
  std::string text = R"(source-id: s1
meta-dir: ./meta
auto-fix-gtid: true
from:
  host: h
  max-allowed-packet: 67108864
tracer:
  enable: false
)";
  auto cfg = Load(text, &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(report.warnings.size(), 4u);
  EXPECT_NE(report.warnings[0].find("source.yaml:2: meta-dir:"), std::string::npos) << report.warnings[0];
  EXPECT_NE(report.warnings[1].find("source.yaml:3: auto-fix-gtid:"), std::string::npos);
  EXPECT_NE(report.warnings[2].find("source.yaml:6: from.max-allowed-packet:"), std::string::npos);
  EXPECT_NE(report.warnings[3].find("source.yaml:7: tracer:"), std::string::npos);
}

TEST(SourceConfigTest, NullValuesKeepDefaults) {
  auto cfg = Load("source-id: s1\nfrom: {host: h}\npurge:\nrelay-dir: ~\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->purge.interval, 3600);
  EXPECT_EQ(cfg->relay_dir, "relay-dir");
}

TEST(SourceConfigTest, PlainScalarsReadAsTextLikeYamlV2) {
  auto cfg = Load("source-id: 123\nfrom: {host: h, user: true, password: 0123}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->source_id, "123");
  EXPECT_EQ(cfg->from.user, "true");
  EXPECT_EQ(cfg->from.password.reveal(), "0123");
}

}  // namespace
}  // namespace dm::config
