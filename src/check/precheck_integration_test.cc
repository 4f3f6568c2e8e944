// The precheck against the shared MariaDB instances (UPSTREAM as source,
// DOWNSTREAM as target): items chosen by task-mode, the ignore list, and
// each item that can fail without changing a server setting, shown to fail
// for its reason and to pass once fixed. Users with missing privileges are
// created and dropped by the test under unique names. Items that need other
// server settings (binlog_format, binlog_row_image, log_bin, binlog-ignore-db)
// run on private instances in tests/integration/precheck_server.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "check/precheck.h"
#include "common/encrypt.h"
#include "mysql/integration_test_util.h"
#include "mysql/master_status.h"
#include "mysql/quote.h"

namespace dm::check {
namespace {

using mysql::QuoteIdentifier;
using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

class PrecheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    up_ = SharedOptions("UPSTREAM");
    down_ = SharedOptions("DOWNSTREAM");
    db_ = UniqueDbName("chk");
    Up("CREATE DATABASE " + QuoteIdentifier(db_));
    Up(fmt::format("CREATE TABLE {}.t1 (id INT PRIMARY KEY, v VARCHAR(20))", QuoteIdentifier(db_)));
  }
  void TearDown() override {
    Up("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_));
    Up("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_ + "_b"));
    Down("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_));
    Down("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_ + "_meta"));
    for (const std::string& u : up_users_) Up("DROP USER IF EXISTS " + u);
    for (const std::string& u : down_users_) Down("DROP USER IF EXISTS " + u);
    for (const std::string& r : up_roles_) Up("DROP ROLE IF EXISTS " + r);
  }

  static void Exec(const mysql::ConnectionOptions& options, const std::string& sql) {
    auto conn = mysql::Connection::Connect(options);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status s = conn->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }
  void Up(const std::string& sql) { Exec(up_, sql); }
  void Down(const std::string& sql) { Exec(down_, sql); }

  // A user on the upstream (or target) named uniquely, dropped at the end.
  std::string NewUser(bool on_target = false) {
    static int counter = 0;
    std::string name = fmt::format("chk_{}_{}", getpid(), counter++);
    std::string grantee = fmt::format("'{}'@'127.0.0.1'", name);
    (on_target ? down_users_ : up_users_).push_back(grantee);
    Exec(on_target ? down_ : up_, fmt::format("CREATE USER {} IDENTIFIED BY 'pw'", grantee));
    return name;
  }

  std::string SourceYaml(const std::string& id, const mysql::ConnectionOptions& o, const std::string& user = "",
                         const std::string& password = "") {
    return fmt::format("source-id: {}\nenable-gtid: {}\nfrom: {{host: 127.0.0.1, port: {}, user: {}, password: '{}'}}\n",
                       id, gtid_ ? "true" : "false", o.port, user.empty() ? o.user : user,
                       password.empty() ? o.password.reveal() : password);
  }

  // A task over `instances` (YAML lines of mysql-instances), migrating
  // db_ by default; `extra` adds top-level keys.
  std::string TaskYaml(const std::string& mode, const std::string& extra, const std::string& instances) {
    return fmt::format(
        "name: chk\ntask-mode: {}\nmeta-schema: {}\n"
        "target-database: {{host: 127.0.0.1, port: {}, user: {}, password: '{}'}}\n"
        "block-allow-list:\n  only: {{do-dbs: ['{}']}}\n{}\nmysql-instances:\n{}",
        mode, db_ + "_meta", down_.port, target_user_.empty() ? down_.user : target_user_,
        target_user_.empty() ? down_.password.reveal() : "pw", db_, extra, instances);
  }

  std::string OneInstance(const std::string& more = "") {
    return "  - {source-id: s1, block-allow-list: only" + more + "}\n";
  }

  Result<CheckReport> Run(const std::string& task_yaml, const std::vector<std::string>& source_yamls,
                          CheckOptions options = {}) {
    auto task = config::LoadTaskConfigFromString(task_yaml, "task.yaml", crypto::LegacyBuiltinKey());
    if (!task.ok()) return task.status();
    std::vector<config::SourceConfig> sources;
    for (const std::string& y : source_yamls) {
      auto s = config::LoadSourceConfigFromString(y, "source.yaml", crypto::LegacyBuiltinKey());
      if (!s.ok()) return s.status();
      sources.push_back(std::move(*s));
    }
    if (options.ignore.empty()) options.ignore = task->ignore_checking_items;
    return RunPrecheck(*task, sources, options);
  }

  CheckReport MustRun(const std::string& task_yaml, const std::vector<std::string>& source_yamls) {
    auto report = Run(task_yaml, source_yamls);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : CheckReport{};
  }

  static std::vector<const CheckResult*> Item(const CheckReport& report, std::string_view item) {
    std::vector<const CheckResult*> out;
    for (const CheckResult& r : report.results) {
      if (r.item == item) out.push_back(&r);
    }
    return out;
  }
  static const CheckResult& One(const CheckReport& report, std::string_view item) {
    auto found = Item(report, item);
    EXPECT_EQ(found.size(), 1u) << item;
    static const CheckResult kNone;
    return found.empty() ? kNone : *found[0];
  }
  static std::string Errors(const CheckResult& r) {
    std::string out;
    for (const CheckError& e : r.errors) out += e.short_error + "|";
    return out;
  }

  mysql::ConnectionOptions up_, down_;
  std::string db_;
  std::string target_user_;
  bool gtid_ = false;
  std::vector<std::string> up_users_, down_users_, up_roles_;
};

TEST_F(PrecheckTest, SharedInstancesPassAndModesChooseTheirItems) {
  CheckReport all = MustRun(TaskYaml("all", "", OneInstance()), {SourceYaml("s1", up_)});
  EXPECT_TRUE(Passed(all)) << CheckReportJson(all);
  for (std::string_view item : {"dump_privilege", "replication_privilege", "server_id", "binlog_enable", "binlog_format",
                                "binlog_row_image", "binlog_db", "target_privilege", "table_schema", "version"}) {
    EXPECT_EQ(One(all, item).state, item == "version" ? State::kWarn : State::kSuccess) << item << CheckReportJson(all);
  }
  EXPECT_EQ(Item(all, "conn_number").size(), 2u);  // the loaders on the target, the dumper on the source
  EXPECT_EQ(One(all, "version").errors.at(0).short_error, "Migrating from MariaDB is experimentally supported");

  CheckReport full = MustRun(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", up_)});
  for (std::string_view item : {"replication_privilege", "server_id", "binlog_enable", "binlog_format", "binlog_db"}) {
    EXPECT_TRUE(Item(full, item).empty()) << item;
  }
  EXPECT_EQ(Item(full, "dump_privilege").size(), 1u);

  CheckReport incremental = MustRun(TaskYaml("incremental", "", OneInstance()), {SourceYaml("s1", up_)});
  EXPECT_TRUE(Item(incremental, "dump_privilege").empty());
  EXPECT_TRUE(Item(incremental, "conn_number").empty());
  EXPECT_EQ(Item(incremental, "binlog_format").size(), 1u);
  // Warnings only: the message is the report, which passes.
  EXPECT_NE(CheckMessage(incremental, {}).find("\"passed\": true"), std::string::npos) << CheckMessage(incremental, {});
}

TEST_F(PrecheckTest, IgnoredItemsDoNotRunAndAllSkipsEverything) {
  CheckReport some = MustRun(TaskYaml("all", "ignore-checking-items: [binlog_format, version, table_schema]", OneInstance()),
                             {SourceYaml("s1", up_)});
  EXPECT_TRUE(Item(some, "binlog_format").empty());
  EXPECT_TRUE(Item(some, "version").empty());
  EXPECT_TRUE(Item(some, "table_schema").empty());
  EXPECT_EQ(Item(some, "binlog_row_image").size(), 1u);
  EXPECT_EQ(CheckMessage(some, {}), "pre-check is passed. ");
  CheckReport none = MustRun(TaskYaml("all", "ignore-checking-items: [all]", OneInstance()), {SourceYaml("s1", up_)});
  EXPECT_EQ(none.summary.total, 0);
}

TEST_F(PrecheckTest, TableSchemaWarnsOnKeylessTablesAndForeignKeys) {
  Up(fmt::format("CREATE TABLE {}.nokey (a INT, b INT)", QuoteIdentifier(db_)));
  Up(fmt::format("CREATE TABLE {0}.child (id INT PRIMARY KEY, p INT, CONSTRAINT fk_p FOREIGN KEY (p) REFERENCES {0}.t1 (id))",
                 QuoteIdentifier(db_)));
  CheckReport report = MustRun(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", up_)});
  const CheckResult& r = One(report, "table_schema");
  EXPECT_EQ(r.state, State::kWarn);
  EXPECT_NE(Errors(r).find(fmt::format("table `{}`.`nokey` primary/unique key does not exist", db_)), std::string::npos)
      << Errors(r);
  EXPECT_NE(Errors(r).find(fmt::format("table `{}`.`child` Foreign Key fk_p", db_)), std::string::npos) << Errors(r);
  EXPECT_TRUE(Passed(report));
  Up(fmt::format("ALTER TABLE {}.nokey ADD UNIQUE KEY (a)", QuoteIdentifier(db_)));
  Up(fmt::format("ALTER TABLE {}.child DROP FOREIGN KEY fk_p", QuoteIdentifier(db_)));
  EXPECT_EQ(One(MustRun(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", up_)}), "table_schema").state,
            State::kSuccess);
}

TEST_F(PrecheckTest, DumpPrivilegeNeedsSelectOnEveryTableAndReloadOrLockTables) {
  Up(fmt::format("CREATE TABLE {}.t2 (id INT PRIMARY KEY)", QuoteIdentifier(db_)));
  std::string user = NewUser();
  std::string grantee = fmt::format("'{}'@'127.0.0.1'", user);
  // A table the user has no privilege on is invisible to it (and to the
  // dump alike); one with SELECT on some columns only is visible and lacks it.
  Up(fmt::format("GRANT SELECT ON {}.t1 TO {}", QuoteIdentifier(db_), grantee));
  Up(fmt::format("GRANT SELECT (id) ON {}.t2 TO {}", QuoteIdentifier(db_), grantee));
  const std::string source = SourceYaml("s1", up_, user, "pw");
  const CheckResult r = One(MustRun(TaskYaml("full", "", OneInstance()), {source}), "dump_privilege");
  EXPECT_EQ(r.state, State::kFail);
  EXPECT_EQ(Errors(r), fmt::format("lack of SELECT privilege: {{`{}`.`t2`}}; lack of RELOAD privilege; |", db_));
  Up(fmt::format("GRANT SELECT ON {}.* TO {}", QuoteIdentifier(db_), grantee));
  Up(fmt::format("GRANT RELOAD ON *.* TO {}", grantee));
  EXPECT_EQ(One(MustRun(TaskYaml("full", "", OneInstance()), {source}), "dump_privilege").state, State::kSuccess);

  // consistency lock needs LOCK TABLES on the tables instead.
  const std::string lock_task = TaskYaml("full", "mydumpers:\n  lock: {extra-args: '--consistency lock'}",
                                         OneInstance(", mydumper-config-name: lock"));
  const CheckResult locked = One(MustRun(lock_task, {source}), "dump_privilege");
  EXPECT_EQ(Errors(locked), fmt::format("lack of LOCK TABLES privilege: {{`{0}`.`t1`, `{0}`.`t2`}}; |", db_));
  Up(fmt::format("GRANT LOCK TABLES ON {}.* TO {}", QuoteIdentifier(db_), grantee));
  EXPECT_EQ(One(MustRun(lock_task, {source}), "dump_privilege").state, State::kSuccess);
}

TEST_F(PrecheckTest, ReplicationPrivilegeNeedsSlaveAndClient) {
  std::string user = NewUser();
  std::string grantee = fmt::format("'{}'@'127.0.0.1'", user);
  Up(fmt::format("GRANT SELECT ON {}.* TO {}", QuoteIdentifier(db_), grantee));
  const std::string source = SourceYaml("s1", up_, user, "pw");
  const CheckResult r = One(MustRun(TaskYaml("incremental", "", OneInstance()), {source}), "replication_privilege");
  EXPECT_EQ(r.state, State::kFail);
  EXPECT_EQ(Errors(r), "lack of REPLICATION SLAVE privilege; lack of REPLICATION CLIENT privilege; |");
  Up("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO " + grantee);
  EXPECT_EQ(One(MustRun(TaskYaml("incremental", "", OneInstance()), {source}), "replication_privilege").state,
            State::kSuccess);
}

TEST_F(PrecheckTest, PrivilegesOfTheDefaultRoleCountAndOthersDoNot) {
  std::string user = NewUser();
  std::string grantee = fmt::format("'{}'@'127.0.0.1'", user);
  std::string role = QuoteIdentifier(user + "_role");
  std::string inner = QuoteIdentifier(user + "_inner");
  up_roles_ = {role, inner};
  Up("CREATE ROLE " + role);
  Up("CREATE ROLE " + inner);
  Up(fmt::format("GRANT SELECT ON {}.* TO {}", QuoteIdentifier(db_), inner));
  Up("GRANT RELOAD ON *.* TO " + role);
  Up(fmt::format("GRANT {} TO {}", inner, role));
  Up(fmt::format("GRANT {} TO {}", role, grantee));
  Up(fmt::format("GRANT SELECT (id) ON {}.t1 TO {}", QuoteIdentifier(db_), grantee));  // lets it see t1
  const std::string source = SourceYaml("s1", up_, user, "pw");
  EXPECT_EQ(One(MustRun(TaskYaml("full", "", OneInstance()), {source}), "dump_privilege").state, State::kFail)
      << "a role that is not active grants nothing";
  Up(fmt::format("SET DEFAULT ROLE {} FOR {}", role, grantee));
  const CheckResult r = One(MustRun(TaskYaml("full", "", OneInstance()), {source}), "dump_privilege");
  EXPECT_EQ(r.state, State::kSuccess) << Errors(r);
}

TEST_F(PrecheckTest, TargetPrivilegeNeedsWriteAndDdlOnTheTargetSchemas) {
  target_user_ = NewUser(/*on_target=*/true);
  std::string grantee = fmt::format("'{}'@'127.0.0.1'", target_user_);
  Down(fmt::format("GRANT SELECT, INSERT ON {}.* TO {}", QuoteIdentifier(db_), grantee));
  CheckReport report = MustRun(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", up_)});
  const CheckResult& r = One(report, "target_privilege");
  EXPECT_EQ(r.state, State::kFail);
  EXPECT_NE(Errors(r).find(fmt::format("lack of SELECT privilege: {{`{}_meta`}}", db_)), std::string::npos) << Errors(r);
  EXPECT_NE(Errors(r).find(fmt::format("lack of UPDATE privilege: {{`{0}`; `{0}_meta`}}", db_)), std::string::npos)
      << Errors(r);
  EXPECT_FALSE(Passed(report));
  Down(fmt::format("GRANT ALL ON {}.* TO {}", QuoteIdentifier(db_), grantee));
  Down(fmt::format("GRANT ALL ON {}.* TO {}", QuoteIdentifier(db_ + "_meta"), grantee));
  EXPECT_EQ(One(MustRun(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", up_)}), "target_privilege").state,
            State::kSuccess);
}

TEST_F(PrecheckTest, MergedTablesMustHaveOneShapeAcrossSources) {
  const std::string q = QuoteIdentifier(db_);
  Up(fmt::format("CREATE DATABASE {}", QuoteIdentifier(db_ + "_b")));
  Up(fmt::format("CREATE TABLE {}.t_2 (id INT PRIMARY KEY, v VARCHAR(30))", q));
  Up(fmt::format("CREATE TABLE {}.t_9 (id INT PRIMARY KEY, v VARCHAR(20))", QuoteIdentifier(db_ + "_b")));
  // Two sources on the same server: s1 migrates db_, s2 db__b; both merge
  // t* into db_.merged.
  const std::string task = fmt::format(
      "name: chk\ntask-mode: full\nmeta-schema: {0}_meta\n"
      "target-database: {{host: 127.0.0.1, port: {1}, user: {2}, password: '{3}'}}\n"
      "block-allow-list:\n  a: {{do-dbs: ['{0}']}}\n  b: {{do-dbs: ['{0}_b']}}\n"
      "routes:\n  merge: {{schema-pattern: '{0}*', table-pattern: 't*', target-schema: '{0}', target-table: merged}}\n"
      "mysql-instances:\n  - {{source-id: s1, block-allow-list: a, route-rules: [merge]}}\n"
      "  - {{source-id: s2, block-allow-list: b, route-rules: [merge]}}\n",
      db_, down_.port, down_.user, down_.password.reveal());
  auto run = [&] { return MustRun(task, {SourceYaml("s1", up_), SourceYaml("s2", up_)}); };
  CheckReport report = run();
  auto shard = Item(report, "schema_of_shard_tables");
  ASSERT_EQ(shard.size(), 1u) << CheckReportJson(report);
  EXPECT_EQ(shard[0]->state, State::kFail);
  EXPECT_EQ(shard[0]->name, fmt::format("sharding table `{}`.`merged` consistency checking", db_));
  EXPECT_NE(Errors(*shard[0]).find("different column definition"), std::string::npos) << CheckReportJson(report);
  EXPECT_FALSE(Passed(report));
  Up(fmt::format("ALTER TABLE {}.t_2 MODIFY v VARCHAR(20)", q));
  Up(fmt::format("ALTER TABLE {}.t_9 DROP PRIMARY KEY", QuoteIdentifier(db_ + "_b")));
  report = run();
  EXPECT_NE(Errors(*Item(report, "schema_of_shard_tables").at(0)).find("different primary/unique keys"),
            std::string::npos);
  Up(fmt::format("ALTER TABLE {}.t_9 ADD PRIMARY KEY (id)", QuoteIdentifier(db_ + "_b")));
  report = run();
  EXPECT_EQ(Item(report, "schema_of_shard_tables").at(0)->state, State::kSuccess) << CheckReportJson(report);

  // Auto-increment keys in merged tables are a warning (their values may collide).
  for (const std::string& t : {q + ".t1", q + ".t_2", QuoteIdentifier(db_ + "_b") + ".t_9"}) {
    Up(fmt::format("ALTER TABLE {} MODIFY id INT AUTO_INCREMENT", t));
  }
  report = run();
  const CheckResult* r = Item(report, "schema_of_shard_tables").at(0);
  EXPECT_EQ(r->state, State::kWarn) << CheckReportJson(report);
  EXPECT_EQ(r->errors.size(), 3u);
  EXPECT_NE(Errors(*r).find("have auto-increment key"), std::string::npos);
  EXPECT_TRUE(Passed(report));
}

TEST_F(PrecheckTest, ConflictingRoutesFail) {
  const std::string task = TaskYaml(
      "full",
      fmt::format("routes:\n  r1: {{schema-pattern: '{0}', table-pattern: 't1', target-schema: '{0}', target-table: a}}\n"
                  "  r2: {{schema-pattern: '{0}', table-pattern: 't?', target-schema: '{0}', target-table: b}}",
                  db_),
      OneInstance(", route-rules: [r1, r2]"));
  CheckReport report = MustRun(task, {SourceYaml("s1", up_)});
  const CheckResult& r = One(report, "table_route");
  EXPECT_EQ(r.state, State::kFail);
  EXPECT_NE(Errors(r).find(fmt::format("table `{}`.`t1`", db_)), std::string::npos) << Errors(r);
  EXPECT_FALSE(Passed(report));
}

TEST_F(PrecheckTest, ConnectionsNeededAgainstMaxConnections) {
  const std::string task = TaskYaml("full", "mydumpers:\n  many: {threads: 100000}\nloaders:\n  many: {pool-size: 100000}",
                                    OneInstance(", mydumper-config-name: many, loader-config-name: many"));
  CheckReport report = MustRun(task, {SourceYaml("s1", up_)});
  std::string all;
  for (const CheckResult* r : Item(report, "conn_number")) {
    EXPECT_EQ(r->state, State::kFail);
    all += Errors(*r);
  }
  EXPECT_NE(all.find("upstream's max_connections: "), std::string::npos) << all;
  EXPECT_NE(all.find("is less than the amount dumper needs: 100002"), std::string::npos) << all;
  EXPECT_NE(all.find("is less than the amount loader needs: 100001"), std::string::npos) << all;
}

TEST_F(PrecheckTest, MetaPositionMustExistUpstream) {
  auto conn = mysql::Connection::Connect(up_);
  ASSERT_TRUE(conn.ok());
  auto status = mysql::ReadMasterStatus(*conn);
  ASSERT_TRUE(status.ok());
  auto meta = [&](const std::string& m) { return TaskYaml("incremental", "", OneInstance(", meta: {" + m + "}")); };
  auto state = [&](const std::string& m) { return One(MustRun(meta(m), {SourceYaml("s1", up_)}), "meta_position"); };
  EXPECT_EQ(state(fmt::format("binlog-name: {}, binlog-pos: {}", status->file, status->position)).state, State::kSuccess);
  CheckResult missing = state("binlog-name: mysql-bin.999999, binlog-pos: 4");
  EXPECT_EQ(missing.state, State::kFail);
  EXPECT_NE(Errors(missing).find("binlog file mysql-bin.999999 does not exist upstream"), std::string::npos);
  CheckResult beyond = state(fmt::format("binlog-name: {}, binlog-pos: 4000000000", status->file));
  EXPECT_NE(Errors(beyond).find("binlog-pos 4000000000 is beyond the end of " + status->file), std::string::npos)
      << Errors(beyond);
  gtid_ = true;
  ASSERT_FALSE(status->gtid_set.empty());
  EXPECT_EQ(state("binlog-gtid: '" + status->gtid_set + "'").state, State::kSuccess);
  CheckResult future = state("binlog-gtid: '0-1-999999999'");
  EXPECT_NE(Errors(future).find("GTID 0-1-999999999 is not in the upstream's binlog"), std::string::npos) << Errors(future);
}

TEST_F(PrecheckTest, UnreachableSourceIsAnError) {
  mysql::ConnectionOptions nowhere = up_;
  nowhere.port = 1;
  auto report = Run(TaskYaml("full", "", OneInstance()), {SourceYaml("s1", nowhere)});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().error_code(), ErrorCode::kTaskCheckFailedOpenDB);
  EXPECT_NE(report.status().message().find("source 's1'"), std::string::npos) << report.status().message();
}

}  // namespace
}  // namespace dm::check
