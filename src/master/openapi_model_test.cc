#include "master/openapi_model.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/encrypt.h"

namespace dm::master::openapi {
namespace {

// A task as DM's OpenAPI documents it: two sources, a sharded table merged
// by a route, a filter rule used by two migrate rules, binlog meta for one
// source, and both unit setting blocks.
Json SampleTask() {
  return Json::parse(R"({
    "name": "task-1",
    "task_mode": "all",
    "meta_schema": "dm_meta_1",
    "enhance_online_schema_change": true,
    "on_duplicate": "error",
    "target_config": {"host": "127.0.0.1", "port": 4000, "user": "root", "password": "secret"},
    "binlog_filter_rule": {"no-drop": {"ignore_event": ["drop table"], "ignore_sql": ["^DROP"]}},
    "table_migrate_rule": [
      {"source": {"source_name": "mysql-01", "schema": "db_*", "table": "t_*"},
       "target": {"schema": "db", "table": "t"}, "binlog_filter_rule": ["no-drop"]},
      {"source": {"source_name": "mysql-02", "schema": "shop", "table": "*"},
       "binlog_filter_rule": ["no-drop"]}
    ],
    "source_config": {
      "full_migrate_conf": {"export_threads": 2, "import_threads": 3, "data_dir": "/tmp/dump"},
      "incr_migrate_conf": {"repl_threads": 5, "repl_batch": 50},
      "source_conf": [
        {"source_name": "mysql-01", "binlog_name": "mysql-bin.000003", "binlog_pos": 1234},
        {"source_name": "mysql-02"}
      ]
    },
    "ignore_checking_items": ["version"]
  })");
}

Result<config::TaskConfig> Load(const std::string& file) {
  return config::LoadTaskConfigFromString(file, "openapi task", crypto::LegacyBuiltinKey());
}

Status MapTask(const Json& task) { return TaskFileFromOpenApi(task, "task").status(); }

TEST(OpenApiModelTest, TaskMapsOntoDmTaskConfig) {
  auto file = TaskFileFromOpenApi(SampleTask(), "task");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto task = Load(*file);
  ASSERT_TRUE(task.ok()) << task.status().ToString() << "\n" << *file;
  EXPECT_EQ(task->name, "task-1");
  EXPECT_EQ(task->task_mode, config::TaskMode::kAll);
  EXPECT_EQ(task->meta_schema, "dm_meta_1");
  EXPECT_TRUE(task->online_ddl);
  EXPECT_EQ(task->target_database.port, 4000);
  EXPECT_EQ(task->ignore_checking_items, std::vector<std::string>{"version"});
  ASSERT_EQ(task->mysql_instances.size(), 2u);

  const config::MySQLInstance& first = task->mysql_instances[0];
  EXPECT_EQ(first.source_id, "mysql-01");
  ASSERT_TRUE(first.meta.has_value());
  EXPECT_EQ(first.meta->binlog_name, "mysql-bin.000003");
  EXPECT_EQ(first.meta->binlog_pos, 1234u);
  EXPECT_FALSE(task->mysql_instances[1].meta.has_value());
  EXPECT_EQ(first.resolved.mydumper.threads, 2);
  EXPECT_EQ(first.resolved.loader.pool_size, 3);
  EXPECT_EQ(first.resolved.loader.dir, "/tmp/dump");
  EXPECT_EQ(first.resolved.loader.on_duplicate_logical, config::OnDuplicateLogical::kError);
  EXPECT_EQ(first.resolved.syncer.worker_count, 5);
  EXPECT_EQ(first.resolved.syncer.batch, 50);

  const config::BlockAllowList& allow = task->block_allow_list.at(first.block_allow_list);
  EXPECT_EQ(allow.do_dbs, std::vector<std::string>{"db_*"});
  ASSERT_EQ(allow.do_tables.size(), 1u);
  EXPECT_EQ(allow.do_tables[0].db_name, "db_*");
  EXPECT_EQ(allow.do_tables[0].tbl_name, "t_*");

  ASSERT_EQ(first.route_rules.size(), 1u);
  const config::RouteRule& route = task->routes.at(first.route_rules[0]);
  EXPECT_EQ(route.schema_pattern, "db_*");
  EXPECT_EQ(route.table_pattern, "t_*");
  EXPECT_EQ(route.target_schema, "db");
  EXPECT_EQ(route.target_table, "t");
  EXPECT_TRUE(task->mysql_instances[1].route_rules.empty());  // no target: names kept

  // One named rule used by two migrate rules: one filter per pattern pair.
  ASSERT_EQ(first.filter_rules.size(), 1u);
  const config::FilterRule& filter = task->filters.at(first.filter_rules[0]);
  EXPECT_EQ(filter.schema_pattern, "db_*");
  EXPECT_EQ(filter.table_pattern, "t_*");
  EXPECT_EQ(filter.events, std::vector<std::string>{"drop table"});
  EXPECT_EQ(filter.sql_pattern, std::vector<std::string>{"^DROP"});
  EXPECT_EQ(filter.action, config::FilterAction::kIgnore);
  ASSERT_EQ(task->mysql_instances[1].filter_rules.size(), 1u);
  EXPECT_EQ(task->filters.at(task->mysql_instances[1].filter_rules[0]).schema_pattern, "shop");
}

TEST(OpenApiModelTest, TaskMapsBackToTheSameRulesWithThePasswordHidden) {
  auto file = TaskFileFromOpenApi(SampleTask(), "task");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto task = Load(*file);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  const Json back = TaskToOpenApi(*task);
  const Json sample = SampleTask();
  EXPECT_EQ(back["name"], "task-1");
  EXPECT_EQ(back["task_mode"], "all");
  EXPECT_EQ(back["on_duplicate"], "error");
  EXPECT_EQ(back["target_config"]["password"], kHiddenPassword);
  EXPECT_EQ(back["target_config"]["host"], "127.0.0.1");
  EXPECT_EQ(back["source_config"]["source_conf"], sample["source_config"]["source_conf"]);
  EXPECT_EQ(back["source_config"]["incr_migrate_conf"], sample["source_config"]["incr_migrate_conf"]);
  EXPECT_EQ(back["source_config"]["full_migrate_conf"], sample["source_config"]["full_migrate_conf"]);
  ASSERT_EQ(back["table_migrate_rule"].size(), 2u);
  EXPECT_EQ(back["table_migrate_rule"][0]["source"], sample["table_migrate_rule"][0]["source"]);
  EXPECT_EQ(back["table_migrate_rule"][0]["target"], sample["table_migrate_rule"][0]["target"]);
  EXPECT_EQ(back["table_migrate_rule"][1]["source"], sample["table_migrate_rule"][1]["source"]);
  EXPECT_FALSE(back["table_migrate_rule"][1].contains("target"));
  // The shared rule shows once per migrate rule that uses it, with its events.
  for (const Json& rule : back["table_migrate_rule"]) {
    ASSERT_EQ(rule["binlog_filter_rule"].size(), 1u);
    const Json& filter = back["binlog_filter_rule"][rule["binlog_filter_rule"][0].get<std::string>()];
    EXPECT_EQ(filter, sample["binlog_filter_rule"]["no-drop"]);
  }
  EXPECT_EQ(back.dump().find("secret"), std::string::npos);
}

TEST(OpenApiModelTest, UnknownFieldIsRefusedWithItsPath) {
  Json task = SampleTask();
  task["source_config"]["full_migrate_conf"]["export_thread"] = 4;
  Status s = MapTask(task);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error_code(), ErrorCode::kConfigUnknownKey);
  EXPECT_NE(s.message().find("task.source_config.full_migrate_conf.export_thread: unknown field"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("export_threads"), std::string::npos) << s.message();

  task = SampleTask();
  task["routes"] = Json::object();
  s = MapTask(task);
  EXPECT_NE(s.message().find("task.routes: unknown field"), std::string::npos) << s.message();
}

TEST(OpenApiModelTest, WrongTypeAndMissingFieldsNameTheirPath) {
  Json task = SampleTask();
  task["target_config"]["port"] = "4000";
  Status s = MapTask(task);
  EXPECT_EQ(s.error_code(), ErrorCode::kConfigWrongType);
  EXPECT_NE(s.message().find("task.target_config.port: must be an integer, not string"), std::string::npos)
      << s.message();

  task = SampleTask();
  task["table_migrate_rule"][1]["source"].erase("schema");
  s = MapTask(task);
  EXPECT_EQ(s.error_code(), ErrorCode::kConfigMissingKey);
  EXPECT_NE(s.message().find("task.table_migrate_rule[1].source.schema: required field is missing"), std::string::npos)
      << s.message();

  task = SampleTask();
  task.erase("source_config");
  EXPECT_NE(MapTask(task).message().find("task.source_config: required field is missing"), std::string::npos);
}

TEST(OpenApiModelTest, RulesMustNameKnownFiltersAndSources) {
  Json task = SampleTask();
  task["table_migrate_rule"][0]["binlog_filter_rule"] = {"no-such-rule"};
  Status s = MapTask(task);
  EXPECT_EQ(s.error_code(), ErrorCode::kConfigRuleNotFound);
  EXPECT_NE(s.message().find("no-such-rule is not a rule of task.binlog_filter_rule"), std::string::npos)
      << s.message();

  task = SampleTask();
  task["table_migrate_rule"][1]["source"]["source_name"] = "mysql-09";
  s = MapTask(task);
  EXPECT_EQ(s.error_code(), ErrorCode::kOpenAPITaskSourceNotFound);
  EXPECT_NE(s.message().find("source mysql-09 is not in task.source_config.source_conf"), std::string::npos)
      << s.message();
}

TEST(OpenApiModelTest, SourceMapsOntoDmSourceConfigAndBackWithoutPassword) {
  const Json source = Json::parse(R"({
    "source_name": "mysql-01", "host": "127.0.0.1", "port": 3306, "user": "dm", "password": "pw",
    "enable_gtid": true, "flavor": "mariadb",
    "security": {"ssl_ca_content": "CA", "ssl_cert_content": "CERT", "ssl_key_content": "KEY",
                 "cert_allowed_cn": ["dm"]},
    "purge": {"interval": 600, "expires": 24, "remain_space": 10}
  })");
  auto file = SourceFileFromOpenApi(source, "source");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto cfg = config::LoadSourceConfigFromString(*file, "openapi source", crypto::LegacyBuiltinKey());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString() << "\n" << *file;
  EXPECT_EQ(cfg->source_id, "mysql-01");
  EXPECT_EQ(cfg->from.host, "127.0.0.1");
  EXPECT_EQ(cfg->from.port, 3306);
  EXPECT_TRUE(cfg->enable_gtid);
  EXPECT_EQ(cfg->flavor, config::Flavor::kMariaDB);
  ASSERT_TRUE(cfg->from.security.has_value());
  EXPECT_EQ(cfg->from.security->ssl_ca_bytes, "CA");
  EXPECT_EQ(cfg->from.security->ssl_key_bytes, "KEY");
  EXPECT_EQ(cfg->purge.interval, 600);
  EXPECT_EQ(cfg->purge.expires, 24);

  const Json back = SourceToOpenApi(*cfg);
  EXPECT_EQ(back["source_name"], "mysql-01");
  EXPECT_EQ(back["port"], 3306);
  EXPECT_EQ(back["password"], kHiddenPassword);
  EXPECT_EQ(back["security"], Json({{"cert_allowed_cn", {"dm"}}}));  // TLS material is not shown
  EXPECT_EQ(back["purge"]["remain_space"], 10);
}

TEST(OpenApiModelTest, SourceRefusesUnknownFieldsAndKeepsEnable) {
  Json source = {{"source_name", "s"}, {"host", "h"}, {"port", 1}, {"user", "u"}, {"password", "p"}, {"hots", "x"}};
  EXPECT_NE(SourceFileFromOpenApi(source, "source").status().message().find("source.hots: unknown field"),
            std::string::npos);
  source.erase("hots");
  auto load = [](const Json& object) {
    auto file = SourceFileFromOpenApi(object, "source");
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return config::LoadSourceConfigFromString(*file, "openapi source", crypto::LegacyBuiltinKey());
  };
  EXPECT_TRUE(load(source)->enable);  // absent: enabled
  source["enable"] = false;
  auto disabled = load(source);
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_FALSE(disabled->enable);
  EXPECT_EQ(SourceToOpenApi(*disabled)["enable"], false);
}

TEST(OpenApiModelTest, SourceFileWithEnableChangesOnlyThatKey) {
  const std::string yaml = "source-id: s\nfrom:\n  host: h\n  port: 3306\n  user: u\n  password: p\n";
  auto off = SourceFileWithEnable(yaml, false);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  auto cfg = config::LoadSourceConfigFromString(*off, "source s", crypto::LegacyBuiltinKey());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString() << "\n" << *off;
  EXPECT_FALSE(cfg->enable);
  EXPECT_EQ(cfg->from.port, 3306);
  EXPECT_EQ(cfg->from.password.reveal(), "p");
  auto on = SourceFileWithEnable(*off, true);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(config::LoadSourceConfigFromString(*on, "source s", crypto::LegacyBuiltinKey())->enable);
  // The JSON text the OpenAPI stores is YAML too.
  EXPECT_TRUE(SourceFileWithEnable(R"({"source-id": "s", "from": {"host": "h"}})", false).ok());
  EXPECT_FALSE(SourceFileWithEnable("- a\n", false).ok());
}

TEST(OpenApiModelTest, RequestBodiesAreCheckedLikeObjects) {
  auto create =
      ParseTaskRequest(Json{{"task", SampleTask()}, {"source_name_list", {"mysql-01"}}}.dump(), /*create=*/true);
  ASSERT_TRUE(create.ok()) << create.status().ToString();
  EXPECT_EQ(create->task_name, "task-1");
  EXPECT_EQ(create->source_name_list, std::vector<std::string>{"mysql-01"});
  EXPECT_FALSE(create->remove_meta);

  EXPECT_NE(ParseTaskRequest(Json{{"task", SampleTask()}, {"start_time", "x"}}.dump(), /*create=*/true)
                .status()
                .message()
                .find("request.start_time: unknown field"),
            std::string::npos);
  EXPECT_NE(ParseTaskRequest("[1]", /*create=*/true).status().message().find("the request body: must be an object"),
            std::string::npos);
  EXPECT_NE(ParseTaskRequest("{", /*create=*/true).status().message().find("not valid JSON"), std::string::npos);
  // An update takes the task only: it is neither started nor its meta removed.
  ASSERT_TRUE(ParseTaskRequest(Json{{"task", SampleTask()}}.dump(), /*create=*/false).ok());
  EXPECT_NE(ParseTaskRequest(Json{{"task", SampleTask()}, {"remove_meta", true}}.dump(), /*create=*/false)
                .status()
                .message()
                .find("request.remove_meta: unknown field"),
            std::string::npos);

  auto start = ParseTaskStageRequest(R"({"remove_meta": true})", /*start=*/true);
  ASSERT_TRUE(start.ok());
  EXPECT_TRUE(start->remove_meta);
  EXPECT_FALSE(ParseTaskStageRequest(R"({"remove_meta": true})", /*start=*/false).ok());
  auto stop = ParseTaskStageRequest("", /*start=*/false);
  ASSERT_TRUE(stop.ok());
  EXPECT_TRUE(stop->source_name_list.empty());

  const Json source = {{"source_name", "s"}, {"host", "h"}, {"port", 1}, {"user", "u"}, {"password", "p"}};
  auto created = ParseSourceRequest(Json{{"source", source}, {"worker_name", "w1"}}.dump(), /*create=*/true);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->source_name, "s");
  EXPECT_EQ(created->worker_name, "w1");
  EXPECT_NE(ParseSourceRequest(Json{{"source", source}, {"worker_name", "w1"}}.dump(), /*create=*/false)
                .status()
                .message()
                .find("request.worker_name: unknown field"),
            std::string::npos);

  EXPECT_EQ(*ParseWorkerNameRequest(R"({"worker_name": "w1"})"), "w1");
  EXPECT_NE(ParseWorkerNameRequest("{}").status().message().find("request.worker_name: required field is missing"),
            std::string::npos);
}

TEST(OpenApiModelTest, SubTaskStatusMapsQueryStatusEntry) {
  const Json entry = Json::parse(R"json({
    "result": true, "msg": "",
    "sourceStatus": {"source": "mysql-01", "worker": "w1", "result": null, "relayStatus": null},
    "subTaskStatus": [{"name": "task-1", "stage": "Running", "unit": "Sync", "result": null,
      "unresolvedDDLLockID": "",
      "sync": {"totalEvents": "42", "totalTps": "3", "recentTps": "1", "masterBinlog": "(mysql-bin.000001, 900)",
               "masterBinlogGtid": "", "syncerBinlog": "(mysql-bin.000001, 800)", "syncerBinlogGtid": "",
               "blockingDDLs": [], "unresolvedGroups": [], "synced": false, "binlogType": "remote",
               "secondsBehindMaster": "2"}}]
  })json");
  const Json status = SubTaskStatusToOpenApi("task-1", entry);
  EXPECT_EQ(status["name"], "task-1");
  EXPECT_EQ(status["source_name"], "mysql-01");
  EXPECT_EQ(status["worker_name"], "w1");
  EXPECT_EQ(status["stage"], "Running");
  EXPECT_EQ(status["unit"], "Sync");
  EXPECT_EQ(status["sync_status"]["total_events"], 42);
  EXPECT_EQ(status["sync_status"]["seconds_behind_master"], 2);
  EXPECT_EQ(status["sync_status"]["syncer_binlog"], "(mysql-bin.000001, 800)");
  EXPECT_FALSE(status.contains("error_msg"));

  const Json unbound = Json::parse(R"({"result": false, "msg": "source mysql-02 is not bound",
    "sourceStatus": {"source": "mysql-02", "worker": ""}, "subTaskStatus": []})");
  const Json waiting = SubTaskStatusToOpenApi("task-1", unbound);
  EXPECT_EQ(waiting["source_name"], "mysql-02");
  EXPECT_EQ(waiting["error_msg"], "source mysql-02 is not bound");
}

TEST(OpenApiModelTest, ConverterAnswersTheSameObjectAndFileBothWays) {
  auto file = TaskFileFromOpenApi(SampleTask(), "task");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto task = Load(*file);
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  auto answer = ConverterResponse(*task);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ((*answer)["task"], TaskToOpenApi(*task));
  EXPECT_EQ((*answer)["task"]["target_config"]["password"], kHiddenPassword);
  const std::string yaml = (*answer)["task_config_file"].get<std::string>();
  EXPECT_EQ(yaml.find('{'), std::string::npos) << "not block YAML:\n" << yaml;
  EXPECT_EQ(yaml.find("secret"), std::string::npos) << yaml;

  // The YAML file converts back to the same object and file.
  auto from_yaml = Load(yaml);
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.status().ToString() << "\n" << yaml;
  EXPECT_EQ(from_yaml->routes.size(), 1u);
  EXPECT_EQ(from_yaml->mysql_instances[0].meta->binlog_pos, 1234u);
  auto again = ConverterResponse(*from_yaml);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *answer);
}

TEST(OpenApiModelTest, ConverterRequestTakesExactlyOneInput) {
  auto object = ParseConvertTaskRequest(Json{{"task", SampleTask()}}.dump());
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_TRUE(object->task_file.has_value());
  EXPECT_FALSE(object->task_config_file.has_value());
  auto file = ParseConvertTaskRequest(R"({"task_config_file": "name: t"})");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->task_config_file, "name: t");
  EXPECT_NE(ParseConvertTaskRequest("{}").status().message().find("exactly one of task"), std::string::npos);
  EXPECT_NE(ParseConvertTaskRequest(Json{{"task", SampleTask()}, {"task_config_file", "x"}}.dump())
                .status()
                .message()
                .find("exactly one of task"),
            std::string::npos);
  Json bad = SampleTask();
  bad["meta"] = 1;
  EXPECT_NE(ParseConvertTaskRequest(Json{{"task", bad}}.dump()).status().message().find("task.meta: unknown field"),
            std::string::npos);
}

TEST(OpenApiModelTest, ClusterTopologyIsCheckedFieldByField) {
  const std::string body = R"({"master_topology_list": [{"name": "m1", "host": "10.0.0.1", "port": 8261}],
    "worker_topology_list": [{"name": "w1", "host": "10.0.0.2", "port": 8262}],
    "grafana_topology": {"host": "10.0.0.3", "port": 3000}})";
  auto topology = ParseClusterTopology(body);
  ASSERT_TRUE(topology.ok()) << topology.status().ToString();
  EXPECT_EQ(*topology, Json::parse(body));
  EXPECT_NE(ParseClusterTopology(R"({"master_topology_list": [{"name": "m1", "host": "h"}]})")
                .status()
                .message()
                .find("topology.master_topology_list[0].port: required field is missing"),
            std::string::npos);
  EXPECT_NE(ParseClusterTopology(R"({"prometheus_topology": {"host": "h", "port": "9090"}})")
                .status()
                .message()
                .find("topology.prometheus_topology.port: must be an integer"),
            std::string::npos);
  EXPECT_NE(ParseClusterTopology(R"({"grafana": {}})").status().message().find("topology.grafana: unknown field"),
            std::string::npos);
}

// The sample task with `change` applied to its object, loaded.
config::TaskConfig SampleWith(const std::function<void(Json&)>& change) {
  Json object = SampleTask();
  change(object);
  auto file = TaskFileFromOpenApi(object, "task");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  auto task = Load(*file);
  EXPECT_TRUE(task.ok()) << task.status().ToString();
  return *task;
}

TEST(OpenApiModelTest, UpdateChangesOnlyRulesAndIncrementalSettings) {
  const config::TaskConfig current = SampleWith([](Json&) {});
  EXPECT_TRUE(CheckTaskUpdate(current, current).ok());
  EXPECT_TRUE(CheckTaskUpdate(current, SampleWith([](Json& t) {
                                t["table_migrate_rule"][0]["target"] = {{"schema", "other"}};
                                t["table_migrate_rule"][1]["source"]["table"] = "orders";
                                t["binlog_filter_rule"]["no-drop"]["ignore_sql"] = {"^TRUNCATE"};
                                t["source_config"]["incr_migrate_conf"]["repl_batch"] = 10;
                              }))
                  .ok());

  auto refused = [&](const std::function<void(Json&)>& change) {
    return CheckTaskUpdate(current, SampleWith(change)).message();
  };
  EXPECT_NE(refused([](Json& t) { t["meta_schema"] = "other_meta"; }).find("task.meta_schema: cannot be updated"),
            std::string::npos);
  EXPECT_NE(refused([](Json& t) { t["source_config"]["full_migrate_conf"]["import_threads"] = 9; })
                .find("task.source_config.full_migrate_conf.import_threads: cannot be updated"),
            std::string::npos);
  EXPECT_NE(refused([](Json& t) { t["target_config"]["password"] = "other"; })
                .find("task.target_config.password: cannot be updated"),
            std::string::npos);
  EXPECT_NE(refused([](Json& t) {
              t["source_config"]["source_conf"].erase(1);
              t["table_migrate_rule"].erase(1);
            }).find("an update keeps the sources"),
            std::string::npos);
}

TEST(OpenApiModelTest, MigrateTargetsAreTheAllowedUpstreamTablesRouted) {
  const config::TaskConfig task = SampleWith([](Json&) {});
  const std::vector<filter::TableName> upstream = {
      {"db_1", "t_1"}, {"db_1", "t_2"}, {"db_1", "other"}, {"db_2", "t_9"},
      {"mysql", "user"}, {"shop", "orders"}, {"unrelated", "t_1"}};
  auto targets = MigrateTargets(task, "mysql-01", upstream, "", "");
  ASSERT_TRUE(targets.ok()) << targets.status().ToString();
  const Json answer = MigrateTargetsToOpenApi(*targets);
  EXPECT_EQ(answer, Json::parse(R"({"total": 3, "data": [
    {"source_schema": "db_1", "source_table": "t_1", "target_schema": "db", "target_table": "t"},
    {"source_schema": "db_1", "source_table": "t_2", "target_schema": "db", "target_table": "t"},
    {"source_schema": "db_2", "source_table": "t_9", "target_schema": "db", "target_table": "t"}]})"));

  // No route: the table keeps its name.
  auto shop = MigrateTargets(task, "mysql-02", upstream, "", "");
  ASSERT_TRUE(shop.ok());
  ASSERT_EQ(shop->size(), 1u);
  EXPECT_EQ((*shop)[0].target, (filter::TableName{"shop", "orders"}));

  // The query patterns are Go regexps searched in the source names.
  auto filtered = MigrateTargets(task, "mysql-01", upstream, "_2$", "");
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].source, (filter::TableName{"db_2", "t_9"}));
  filtered = MigrateTargets(task, "mysql-01", upstream, "", "2");
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 1u);
  EXPECT_EQ((*filtered)[0].source, (filter::TableName{"db_1", "t_2"}));

  EXPECT_NE(MigrateTargets(task, "mysql-01", upstream, "(", "").status().message().find("schema_pattern"),
            std::string::npos);
  EXPECT_NE(MigrateTargets(task, "mysql-03", upstream, "", "").status().message().find("has no source mysql-03"),
            std::string::npos);
}

}  // namespace
}  // namespace dm::master::openapi
