#include "config/task_config.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config_test_util.h"

namespace dm::config {
namespace {

using testing::FailsWith;
using testing::Fixture;
using testing::Key;
using testing::LineOf;

constexpr std::string_view kBase = R"(name: t
task-mode: all
target-database:
  host: 127.0.0.1
  port: 4000
  user: root
mysql-instances:
  - source-id: s1
)";

Result<TaskConfig> Load(std::string_view text, LoadReport* report = nullptr) {
  return LoadTaskConfigFromString(text, "task.yaml", Key(), report);
}

std::string At(std::string_view text, std::string_view needle) {
  return "task.yaml:" + std::to_string(LineOf(text, needle)) + ":";
}

TEST(TaskConfigTest, MinimalTaskGetsDmDefaults) {
  auto cfg = Load(kBase);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "t");
  EXPECT_EQ(cfg->task_mode, TaskMode::kAll);
  EXPECT_EQ(cfg->shard_mode, ShardMode::kNone);
  EXPECT_EQ(cfg->meta_schema, "dm_meta");
  EXPECT_TRUE(cfg->online_ddl);
  EXPECT_TRUE(cfg->clean_dump_file);
  EXPECT_FALSE(cfg->case_sensitive);
  EXPECT_EQ(cfg->collation_compatible, CollationCompatible::kLoose);
  EXPECT_EQ(cfg->shadow_table_rules, std::vector<std::string>{"^_(.+)_(?:new|gho)$"});
  EXPECT_EQ(cfg->trash_table_rules, std::vector<std::string>{"^_(.+)_(?:ghc|del|old)$"});
  ASSERT_EQ(cfg->mysql_instances.size(), 1u);
  const ResolvedUnits& r = cfg->mysql_instances[0].resolved;
  EXPECT_EQ(r.mydumper.threads, 4);
  EXPECT_EQ(r.mydumper.chunk_filesize, "64");
  EXPECT_EQ(r.mydumper.rows, 200000u);
  EXPECT_TRUE(r.mydumper.skip_tz_utc);
  EXPECT_EQ(r.loader.pool_size, 16);
  EXPECT_EQ(r.loader.dir, "./dumped_data");
  EXPECT_EQ(r.loader.import_mode, ImportMode::kLogical);
  EXPECT_EQ(r.loader.on_duplicate_logical, OnDuplicateLogical::kReplace);
  EXPECT_EQ(r.loader.on_duplicate_physical, OnDuplicatePhysical::kNone);
  EXPECT_EQ(r.loader.checksum_physical, PostOpLevel::kRequired);
  EXPECT_EQ(r.loader.analyze, PostOpLevel::kOptional);
  EXPECT_EQ(r.syncer.worker_count, 16);
  EXPECT_EQ(r.syncer.batch, 100);
  EXPECT_EQ(r.syncer.queue_size, 1024);
  EXPECT_EQ(r.syncer.checkpoint_flush_interval, 30);
  EXPECT_FALSE(r.syncer.safe_mode);
  ASSERT_TRUE(r.syncer.safe_mode_duration.has_value());
  EXPECT_EQ(*r.syncer.safe_mode_duration, std::chrono::seconds(60));
  EXPECT_EQ(r.validator.mode, ValidatorMode::kNone);
  EXPECT_EQ(r.validator.worker_count, 4);
  EXPECT_EQ(r.validator.validate_interval, std::chrono::seconds(10));
  EXPECT_EQ(r.validator.check_interval, std::chrono::seconds(5));
  EXPECT_EQ(r.validator.row_error_delay, std::chrono::minutes(30));
  EXPECT_EQ(r.validator.meta_flush_interval, std::chrono::minutes(5));
  EXPECT_EQ(r.validator.batch_query_size, 100);
  EXPECT_EQ(r.validator.max_pending_row_size, "500m");
  EXPECT_EQ(r.validator.max_pending_row_count, INT32_MAX);
}

TEST(TaskConfigTest, SafeModeDurationDefaultsToTwiceTheFlushInterval) {
  std::string text = std::string(kBase) + R"(    syncer-config-name: s
syncers:
  s: {checkpoint-flush-interval: 45}
)";
  auto cfg = Load(text);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(*cfg->mysql_instances[0].resolved.syncer.safe_mode_duration, std::chrono::seconds(90));
  EXPECT_EQ(cfg->mysql_instances[0].resolved.syncer.worker_count, 16);  // unset keys keep DM's defaults
}

TEST(TaskConfigTest, CompleteSpecExampleLoads) {
  LoadReport report;
  auto cfg = LoadTaskConfigFile(Fixture("task_complete.yaml"), Key(), &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "orders-merge");
  EXPECT_EQ(cfg->shard_mode, ShardMode::kPessimistic);
  EXPECT_EQ(cfg->target_database.port, 4000);
  EXPECT_EQ(cfg->target_database.password.reveal(), "<encrypted>");  // not a ciphertext: kept as plaintext
  EXPECT_EQ(cfg->target_database.session.at("foreign_key_checks"), "0");
  EXPECT_EQ(cfg->routes.at("shard-tables").extract_source->target_column, "c_source");
  EXPECT_EQ(cfg->routes.at("shard-schemas").table_pattern, "");
  EXPECT_EQ(cfg->filters.at("no-destructive").action, FilterAction::kIgnore);
  EXPECT_EQ(cfg->filters.at("no-destructive").events.size(), 3u);
  EXPECT_EQ(cfg->block_allow_list.at("bal").ignore_tables.at(0).tbl_name, "tmp_log");
  EXPECT_EQ(cfg->validators.at("global").mode, ValidatorMode::kFast);
  EXPECT_EQ(cfg->validators.at("global").row_error_delay, std::chrono::minutes(30));
  ASSERT_EQ(cfg->mysql_instances.size(), 2u);
  EXPECT_EQ(cfg->mysql_instances[0].resolved.mydumper.threads, 8);
  EXPECT_EQ(cfg->mysql_instances[0].resolved.syncer.worker_count, 16);
  EXPECT_TRUE(cfg->mysql_instances[0].resolved.syncer.compact);
  EXPECT_EQ(cfg->mysql_instances[0].resolved.validator.mode, ValidatorMode::kFast);
  EXPECT_EQ(cfg->mysql_instances[1].resolved.syncer.worker_count, 32);  // syncer-thread
  EXPECT_EQ(cfg->mysql_instances[1].meta->binlog_pos, 4u);
  // meta in an "all" task is ignored, with a warning naming the line.
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("mysql-instances[1].meta"), std::string::npos);
  std::string text = ReadConfigFile(Fixture("task_complete.yaml")).value();
  std::string where = Fixture("task_complete.yaml") + ":" + std::to_string(LineOf(text, "meta: {binlog-name")) + ":";
  EXPECT_NE(report.warnings[0].find(where), std::string::npos) << report.warnings[0];
}

TEST(TaskConfigTest, V1TaskLoadsWithDeprecationWarnings) {
  LoadReport report;
  auto cfg = LoadTaskConfigFile(Fixture("task_v1.yaml"), Key(), &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->shard_mode, ShardMode::kPessimistic);     // is-sharding: true
  EXPECT_TRUE(cfg->online_ddl);                            // online-ddl-scheme
  ASSERT_EQ(cfg->block_allow_list.count("instance"), 1u);  // black-white-list
  EXPECT_EQ(cfg->block_allow_list.at("instance").do_tables.size(), 2u);
  EXPECT_EQ(cfg->mysql_instances[0].block_allow_list, "instance");
  EXPECT_EQ(cfg->mysql_instances[1].block_allow_list, "instance");
  EXPECT_EQ(cfg->mydumpers.at("global").chunk_filesize, "64");  // a YAML int read as a string, as yaml.v2
  // *-thread keys override the defaults of an instance with no named sets.
  const ResolvedUnits& r = cfg->mysql_instances[1].resolved;
  EXPECT_EQ(r.mydumper.threads, 2);
  EXPECT_EQ(r.loader.pool_size, 8);
  EXPECT_EQ(r.syncer.worker_count, 24);
  EXPECT_EQ(cfg->mysql_instances[0].resolved.mydumper.threads, 4);

  std::string all;
  for (const std::string& w : report.warnings) all += w + "\n";
  for (const char* key :
       {"is-sharding", "online-ddl-scheme", "enable-heartbeat", "heartbeat-update-interval",
        "heartbeat-report-interval", "remove-meta", "black-white-list", "mysql-instances[0].black-white-list",
        "mysql-instances[1].black-white-list", "target-database.max-allowed-packet", "mydumpers.global.mydumper-path",
        "syncers.global.max-retry", "syncers.global.enable-ansi-quotes", "mysql-instances[0].meta"}) {
    EXPECT_NE(all.find(key), std::string::npos) << "no warning for " << key << " in:\n" << all;
  }
  // Each warning names the file and line; renames name the replacement.
  std::string v1 = Fixture("task_v1.yaml");
  EXPECT_NE(all.find(v1 + ":7: is-sharding:"), std::string::npos) << all;
  EXPECT_NE(all.find("block-allow-list"), std::string::npos);
  EXPECT_NE(all.find("start-task --remove-meta"), std::string::npos);
}

TEST(TaskConfigTest, NewKeyWinsOverDeprecatedAlias) {
  std::string text = std::string(kBase) + R"(    block-allow-list: new
block-allow-list:
  new: {do-dbs: [a]}
black-white-list:
  old: {do-dbs: [b]}
)";
  LoadReport report;
  auto cfg = Load(text, &report);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->block_allow_list.size(), 1u);
  EXPECT_EQ(cfg->block_allow_list.count("new"), 1u);
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_NE(report.warnings.back().find("ignored because 'block-allow-list' is also set"), std::string::npos);
}

TEST(TaskConfigTest, OnlineDdlSchemeMustBeKnown) {
  std::string text = std::string(kBase) + "online-ddl-scheme: osc\n";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigInvalidValue,
                        {At(text, "online-ddl-scheme"), "online-ddl-scheme", "'pt', 'gh-ost'"}));
}

TEST(TaskConfigTest, UnknownKeyIsAnErrorWithHint) {
  std::string text = R"(name: t
task-mode: all
target-database: {host: h, port: 4000, user: u}
mysql-instances:
  - source-id: s1
  - soruce-id: s2
)";
  EXPECT_TRUE(FailsWith(
      Load(text).status(), ErrorCode::kConfigUnknownKey,
      {"task.yaml:6:", "mysql-instances[1].soruce-id", "unknown key 'soruce-id'", "(did you mean 'source-id'?)"}));

  std::string top = std::string(kBase) + "meta-shema: x\n";
  EXPECT_TRUE(FailsWith(Load(top).status(), ErrorCode::kConfigUnknownKey,
                        {At(top, "meta-shema"), "meta-shema", "did you mean 'meta-schema'?"}));

  std::string nested = std::string(kBase) + "syncers:\n  s: {worker-cnt: 2}\n";
  EXPECT_TRUE(FailsWith(Load(nested).status(), ErrorCode::kConfigUnknownKey,
                        {At(nested, "worker-cnt"), "syncers.s.worker-cnt", "did you mean 'worker-count'?"}));
}

TEST(TaskConfigTest, WrongTypeIsAnError) {
  std::string quoted_port = R"(name: t
task-mode: all
target-database:
  host: h
  port: "4000"
mysql-instances: [{source-id: s1}]
)";
  EXPECT_TRUE(FailsWith(Load(quoted_port).status(), ErrorCode::kConfigWrongType,
                        {"task.yaml:5:", "target-database.port", "expected an integer, got a quoted string"}));

  std::string list_for_string = std::string(kBase) + "timezone: [a, b]\n";
  EXPECT_TRUE(FailsWith(Load(list_for_string).status(), ErrorCode::kConfigWrongType,
                        {At(list_for_string, "timezone"), "timezone", "expected a string, got a list"}));

  std::string scalar_for_list = std::string(kBase) + "    route-rules: r1\n";
  EXPECT_TRUE(FailsWith(Load(scalar_for_list).status(), ErrorCode::kConfigWrongType,
                        {At(scalar_for_list, "route-rules"), "mysql-instances[0].route-rules", "expected a list"}));

  std::string bad_bool = std::string(kBase) + "online-ddl: maybe\n";
  EXPECT_TRUE(FailsWith(Load(bad_bool).status(), ErrorCode::kConfigWrongType,
                        {At(bad_bool, "online-ddl"), "online-ddl", "expected a boolean"}));
}

TEST(TaskConfigTest, IntegerOutOfRangeIsAnError) {
  std::string text = R"(name: t
task-mode: all
target-database: {host: h, port: 70000}
mysql-instances: [{source-id: s1}]
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigInvalidValue,
                        {"task.yaml:3:", "target-database.port", "70000", "[0, 65535]"}));
}

TEST(TaskConfigTest, MissingRequiredKeyIsAnError) {
  std::string no_mode = R"(name: t
target-database: {host: h}
mysql-instances: [{source-id: s1}]
)";
  EXPECT_TRUE(FailsWith(Load(no_mode).status(), ErrorCode::kConfigMissingKey,
                        {"task.yaml:1:", "task-mode", "required key 'task-mode' is missing"}));

  std::string no_source = R"(name: t
task-mode: full
target-database: {host: h}
mysql-instances:
  - source-id: s1
  - route-rules: []
)";
  EXPECT_TRUE(FailsWith(Load(no_source).status(), ErrorCode::kConfigMissingKey,
                        {"task.yaml:6:", "mysql-instances[1].source-id", "'source-id' is missing"}));

  EXPECT_TRUE(FailsWith(Load("").status(), ErrorCode::kConfigMissingKey, {"task.yaml:1:", "name"}));

  std::string empty_list = R"(name: t
task-mode: full
target-database: {host: h}
mysql-instances: []
)";
  EXPECT_TRUE(FailsWith(Load(empty_list).status(), ErrorCode::kConfigMissingKey,
                        {"task.yaml:4:", "mysql-instances", "at least one"}));
}

TEST(TaskConfigTest, BadEnumValueListsValidValues) {
  std::string mode = R"(name: t
task-mode: fulll
target-database: {host: h}
mysql-instances: [{source-id: s1}]
)";
  EXPECT_TRUE(FailsWith(Load(mode).status(), ErrorCode::kConfigInvalidValue,
                        {"task.yaml:2:", "task-mode", "invalid value 'fulll'", "did you mean 'full'?",
                         "'full', 'incremental', 'all', 'dump', 'load', 'load&sync'"}));

  struct Case {
    std::string extra;
    std::string needle;  // text on the line the error must name
    std::string key;
    std::string valid;
  };
  for (const Case& c : {
           Case{"shard-mode: pesimistic\n", "shard-mode", "shard-mode", "'pessimistic', 'optimistic'"},
           Case{"collation_compatible: lax\n", "collation_compatible", "collation_compatible", "'loose', 'strict'"},
           Case{"loaders:\n  l: {import-mode: fast}\n", "import-mode", "loaders.l.import-mode",
                "'logical', 'physical', 'import-into'"},
           Case{"loaders:\n  l: {on-duplicate-logical: skip}\n", "on-duplicate", "loaders.l.on-duplicate-logical",
                "'replace', 'ignore', 'error'"},
           Case{"validators:\n  v: {mode: slow}\n", "mode: slow", "validators.v.mode", "'none', 'fast', 'full'"},
           Case{"filters:\n  f: {schema-pattern: a, action: Skip}\n", "action", "filters.f.action",
                "'Do', 'Ignore', 'Error'"},
       }) {
    std::string text = std::string(kBase) + c.extra;
    EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigInvalidValue, {At(text, c.needle), c.key, c.valid}));
  }
}

TEST(TaskConfigTest, LegacyImportModesMapToLogical) {
  std::string text = std::string(kBase) + "    loader: {import-mode: SQL}\n";
  auto cfg = Load(text);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->mysql_instances[0].resolved.loader.import_mode, ImportMode::kLogical);
}

TEST(TaskConfigTest, UnusedRuleSetIsAnError) {
  std::string text = std::string(kBase) + R"(    route-rules: [used]
routes:
  used: {schema-pattern: a, target-schema: b}
  spare: {schema-pattern: c, target-schema: d}
syncers:
  idle: {worker-count: 2}
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigGlobalConfigsUnused,
                        {At(text, "spare"), "routes.spare", "global configs unused", "syncers.idle"}));
}

TEST(TaskConfigTest, UndefinedRuleReferenceIsAnError) {
  std::string text = R"(name: t
task-mode: all
target-database: {host: h}
mysql-instances:
  - source-id: s1
  - source-id: s2
    route-rules:
      - r1
      - x
routes:
  r1: {schema-pattern: a, target-schema: b}
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigRuleNotFound,
                        {"task.yaml:9:", "mysql-instances[1].route-rules", "rule set 'x' is not defined in routes"}));

  for (std::string extra : {"    block-allow-list: nope\n", "    syncer-config-name: nope\n",
                            "    filter-rules: [nope]\n", "    validator-config-name: nope\n"}) {
    std::string t = std::string(kBase) + extra;
    EXPECT_TRUE(FailsWith(Load(t).status(), ErrorCode::kConfigRuleNotFound,
                          {At(t, "nope"), "mysql-instances[0]", "'nope' is not defined"}));
  }
}

TEST(TaskConfigTest, DuplicateSourceIdIsAnError) {
  std::string text = R"(name: t
task-mode: all
target-database: {host: h}
mysql-instances:
  - source-id: s1
  - source-id: s2
  - source-id: s1
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigDuplicateSourceID,
                        {"task.yaml:7:", "mysql-instances[2].source-id", "'s1'", "mysql-instances[0] (line 5)"}));
}

TEST(TaskConfigTest, SafeModeWithZeroDurationIsAnError) {
  std::string text = std::string(kBase) + R"(    syncer-config-name: g
syncers:
  g:
    safe-mode: true
    safe-mode-duration: "0s"
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigSafeModeConflict,
                        {At(text, "safe-mode-duration"), "syncers.g.safe-mode-duration", "0s"}));

  std::string inline_syncer = std::string(kBase) + "    syncer: {safe-mode: true, safe-mode-duration: 0s}\n";
  EXPECT_TRUE(FailsWith(Load(inline_syncer).status(), ErrorCode::kConfigSafeModeConflict,
                        {At(inline_syncer, "syncer:"), "mysql-instances[0].syncer.safe-mode-duration"}));

  std::string ok = std::string(kBase) + "    syncer: {safe-mode: false, safe-mode-duration: 0s}\n";
  EXPECT_TRUE(Load(ok).ok());
}

TEST(TaskConfigTest, ColumnMappingsAreAHardError) {
  std::string text = std::string(kBase) + R"(column-mappings:
  instance-1:
    schema-pattern: "test_*"
    expression: "partition id"
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigColumnMappingRemoved,
                        {At(text, "column-mappings"), "column-mappings", "removed"}));

  std::string rules = std::string(kBase) + "    column-mapping-rules: [instance-1]\n";
  EXPECT_TRUE(FailsWith(Load(rules).status(), ErrorCode::kConfigColumnMappingRemoved,
                        {At(rules, "column-mapping-rules"), "mysql-instances[0].column-mapping-rules"}));

  // As DM, an empty set is harmless.
  LoadReport report;
  EXPECT_TRUE(Load(std::string(kBase) + "column-mappings: {}\n", &report).ok());
  EXPECT_EQ(report.warnings.size(), 1u);
}

TEST(TaskConfigTest, YamlSyntaxErrorNamesFileAndLine) {
  std::string text = R"(name: t
task-mode: all
target-database: {host: h, port: 4000
mysql-instances: [{source-id: s1}]
)";
  Status s = Load(text).status();
  EXPECT_TRUE(FailsWith(s, ErrorCode::kConfigYamlTransform, {"task.yaml:", "YAML syntax error"}));

  std::string bad_indent = "name: t\ntask-mode: all\n  oops: [\n";
  EXPECT_TRUE(FailsWith(Load(bad_indent).status(), ErrorCode::kConfigYamlTransform, {"task.yaml:3:"}));

  std::string dup = std::string(kBase) + "name: again\n";
  EXPECT_TRUE(FailsWith(Load(dup).status(), ErrorCode::kConfigYamlTransform,
                        {At(dup, "name: again"), "duplicate key 'name' (first defined at line 1)"}));
}

TEST(TaskConfigTest, MetaSettingsAreChecked) {
  std::string text = std::string(kBase) + "    meta: {binlog-pos: 4}\n";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigInvalidValue,
                        {At(text, "meta:"), "mysql-instances[0].meta", "binlog-name"}));
  std::string incremental = R"(name: t
task-mode: incremental
target-database: {host: h}
mysql-instances: [{source-id: s1}]
)";
  LoadReport report;
  ASSERT_TRUE(Load(incremental, &report).ok());
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("no meta"), std::string::npos);
}

TEST(TaskConfigTest, ConfigNameAndInlineBlockConflict) {
  std::string text = std::string(kBase) + R"(    mydumper-config-name: g
    mydumper: {threads: 2}
mydumpers:
  g: {threads: 8}
)";
  EXPECT_TRUE(FailsWith(Load(text).status(), ErrorCode::kConfigInvalidValue,
                        {At(text, "mydumper: {"), "mysql-instances[0].mydumper", "not both"}));
}

TEST(TaskConfigTest, OtherDmChecks) {
  std::string strict = std::string(kBase) + "strict-optimistic-shard-mode: true\nshard-mode: pessimistic\n";
  EXPECT_TRUE(FailsWith(Load(strict).status(), ErrorCode::kConfigInvalidValue, {"strict-optimistic-shard-mode"}));

  std::string item = std::string(kBase) + "ignore-checking-items: [all, binlog_fromat]\n";
  EXPECT_TRUE(
      FailsWith(Load(item).status(), ErrorCode::kConfigCheckItemNotSupport,
                {At(item, "ignore-checking-items"), "ignore-checking-items[1]", "did you mean 'binlog_format'?"}));

  std::string expr = std::string(kBase) + R"(    expression-filters: [e]
expression-filter:
  e: {schema: s, table: t, insert-value-expr: "a > 1", delete-value-expr: "b > 1"}
)";
  EXPECT_TRUE(
      FailsWith(Load(expr).status(), ErrorCode::kConfigInvalidValue, {At(expr, "  e:"), "expression-filter.e"}));

  std::string chunk = std::string(kBase) + "    mydumper: {chunk-filesize: lots}\n";
  EXPECT_TRUE(
      FailsWith(Load(chunk).status(), ErrorCode::kConfigInvalidValue, {"mysql-instances[0].mydumper.chunk-filesize"}));

  std::string dup_rule = std::string(kBase) + R"(    route-rules: [r, r]
routes:
  r: {schema-pattern: a, target-schema: b}
)";
  EXPECT_TRUE(FailsWith(Load(dup_rule).status(), ErrorCode::kConfigInvalidValue,
                        {"mysql-instances[0].route-rules[1]", "listed twice"}));
}

TEST(TaskConfigTest, EncryptedTargetPasswordIsDecrypted) {
  std::string cipher = crypto::Encrypt("s3cr3t-Target!", Key()).value();
  std::string text = std::string(kBase);
  text.replace(text.find("  user: root\n"), 13, "  user: root\n  password: \"" + cipher + "\"\n");
  auto cfg = Load(text);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->target_database.password.reveal(), "s3cr3t-Target!");
}

TEST(TaskConfigTest, YamlMergeKeysAreExpanded) {
  std::string text = std::string(kBase) + R"(    syncer-config-name: fast
  - source-id: s2
    syncer-config-name: base
syncers:
  base: &base {worker-count: 8, batch: 50}
  fast:
    <<: *base
    batch: 200
)";
  auto cfg = Load(text);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->syncers.at("fast").worker_count, 8);
  EXPECT_EQ(cfg->syncers.at("fast").batch, 200);
  EXPECT_EQ(cfg->syncers.at("base").batch, 50);
}

TEST(TaskConfigTest, MissingFileIsReported) {
  Status s = LoadTaskConfigFile("/nonexistent/dir/task.yaml", Key()).status();
  EXPECT_TRUE(FailsWith(s, ErrorCode::kConfigReadFile, {"/nonexistent/dir/task.yaml"}));
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace dm::config
