// The schema tracker against the shared MariaDB pair: scratch schemas live on
// DOWNSTREAM; UPSTREAM holds real tables that run the same DDL, so every
// tracked definition can be compared with what the server itself made.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

#include "mysql/integration_test_util.h"
#include "sync/event_charset.h"
#include "sync/schema_tracker.h"
#include "sync/tracked_table_test_util.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

std::string UniquePrefix() {
  static std::atomic<int> counter{0};
  return fmt::format("_dmt_trk_{:x}_{}", getpid(), counter++);
}

std::string ColumnsOf(const TrackedTable& t) {
  std::string out;
  for (const TrackedColumn& c : t.columns) out += (out.empty() ? "" : ",") + c.name;
  return out;
}

using testing::Describe;
using testing::KeyColumns;

class SchemaTrackerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    down_ = SharedOptions("DOWNSTREAM");
    up_ = SharedOptions("UPSTREAM");
    prefix_ = UniquePrefix();
    auto up = mysql::Connection::Connect(up_);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    up_conn_.emplace(std::move(*up));
    auto down = mysql::Connection::Connect(down_);
    ASSERT_TRUE(down.ok()) << down.status().ToString();
    down_conn_.emplace(std::move(*down));
    SchemaTracker::Options options;
    options.server = down_;
    options.scratch_prefix = prefix_;
    auto tracker = SchemaTracker::Open(options);
    ASSERT_TRUE(tracker.ok()) << tracker.status().ToString();
    tracker_ = std::move(*tracker);
  }

  void TearDown() override {
    if (tracker_) {
      Status s = tracker_->Reset();
      EXPECT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(ScratchDatabases(), 0u) << "Reset left scratch databases behind";
    }
    if (up_conn_) {
      for (const std::string& db : dbs_) EXPECT_TRUE(up_conn_->Execute("DROP DATABASE IF EXISTS `" + db + "`").ok());
    }
  }

  // A database on UPSTREAM, dropped after the test.
  std::string NewDb(const std::string& tag, const std::string& options = "") {
    dbs_.push_back(UniqueDbName(tag));
    UpExec("CREATE DATABASE `" + dbs_.back() + "` " + options);
    return dbs_.back();
  }

  void UpExec(const std::string& sql) {
    Status s = up_conn_->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }

  // Runs `sql` on UPSTREAM and replays it in the tracker.
  void Both(const std::string& sql, const std::string& default_schema) {
    SCOPED_TRACE(sql);
    UpExec("USE `" + default_schema + "`");
    UpExec(sql);
    Apply(sql, default_schema);
  }

  void Apply(const std::string& sql, const std::string& default_schema, SqlDialect dialect = SqlDialect()) {
    auto ddl = ParseStatement(sql, default_schema, dialect);
    ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
    Status s = tracker_->ApplyDdl(*ddl);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }

  Status TryApply(const std::string& sql, const std::string& default_schema) {
    auto ddl = ParseStatement(sql, default_schema);
    if (!ddl.ok()) return std::move(ddl).status();
    return tracker_->ApplyDdl(*ddl);
  }

  const TrackedTable& Tracked(const std::string& db, const std::string& table) {
    const TrackedTable* t = tracker_->Find({db, table});
    EXPECT_NE(t, nullptr) << db << "." << table << " is not tracked";
    static const TrackedTable kEmpty;
    return t != nullptr ? *t : kEmpty;
  }

  // The tracked definition equals the real table's on UPSTREAM.
  void ExpectSameAsReal(const std::string& db, const std::string& table) {
    auto real = ReadTableDefinition(*up_conn_, db, table, {db, table});
    ASSERT_TRUE(real.ok()) << real.status().ToString();
    EXPECT_EQ(Describe(Tracked(db, table)), Describe(*real)) << "tracked (left) differs from the real table";
  }

  size_t ScratchDatabases() {
    auto rows = down_conn_->QueryRows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, " +
                                      std::to_string(prefix_.size()) + ") = '" + prefix_ + "'");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->size() : 0;
  }

  // Tables in all scratch databases of this tracker.
  size_t ScratchTables() {
    auto rows = down_conn_->QueryRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE LEFT(TABLE_SCHEMA, " +
                                      std::to_string(prefix_.size()) + ") = '" + prefix_ + "'");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->size() : 0;
  }

  bool ScratchTableExists(const std::string& db, const std::string& table) {
    auto v = down_conn_->QueryValue(
        fmt::format("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{}'",
                    tracker_->ScratchDatabase(db), table));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() && v->value_or("0") != "0";
  }

  void Seed(const std::string& db, const std::string& table) {
    Status s = tracker_->SeedFromUpstream(*up_conn_, {db, table});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  mysql::ConnectionOptions down_;
  mysql::ConnectionOptions up_;
  std::optional<mysql::Connection> up_conn_;
  std::optional<mysql::Connection> down_conn_;
  std::string prefix_;
  std::unique_ptr<SchemaTracker> tracker_;
  std::vector<std::string> dbs_;
};

TEST_F(SchemaTrackerIntegrationTest, EveryAlterFormMatchesTheRealTable) {
  std::string db = NewDb("alter");
  UpExec("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, a VARCHAR(10), b INT UNSIGNED NOT NULL)");
  Seed(db, "t");
  ExpectSameAsReal(db, "t");
  const char* alters[] = {
      "ALTER TABLE t ADD COLUMN c INT AFTER id",
      "ALTER TABLE t ADD COLUMN z VARCHAR(5) FIRST",
      "ALTER TABLE t ADD COLUMN (x INT, y TEXT)",
      "ALTER TABLE t ADD d DATETIME(3) NOT NULL AFTER z, ADD e BIGINT UNSIGNED",
      "ALTER TABLE t DROP COLUMN y",
      "ALTER TABLE t DROP x, DROP COLUMN e",
      "ALTER TABLE t CHANGE COLUMN c c2 BIGINT UNSIGNED NOT NULL AFTER b",
      "ALTER TABLE t CHANGE a a VARCHAR(30) CHARACTER SET latin1 FIRST",
      "ALTER TABLE t MODIFY COLUMN b SMALLINT NULL",
      "ALTER TABLE t MODIFY z CHAR(2) NOT NULL AFTER d",
      "ALTER TABLE t RENAME COLUMN c2 TO c3",
      "ALTER TABLE t CONVERT TO CHARACTER SET latin1",
      "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
      "ALTER TABLE t ADD UNIQUE KEY uk (c3), ADD KEY k (a, b)",
      "ALTER TABLE t DROP PRIMARY KEY",
      "CREATE UNIQUE INDEX uk2 ON t (d, z)",
      "ALTER TABLE t DROP INDEX uk",
      "DROP INDEX uk2 ON t",
      "ALTER TABLE t ADD PRIMARY KEY (id, c3)",
      "ALTER TABLE t ALTER COLUMN b SET DEFAULT 7, ENGINE=InnoDB, COMMENT='x'",
  };
  for (const char* sql : alters) {
    SCOPED_TRACE(sql);
    Both(sql, db);
    ExpectSameAsReal(db, "t");
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "a,d,z,id,b,c3");
  // The statement's text is tracked too: SHOW CREATE TABLE of the scratch copy.
  EXPECT_NE(Tracked(db, "t").create_sql.find("`c3` bigint(20) unsigned NOT NULL"), std::string::npos)
      << Tracked(db, "t").create_sql;
}

TEST_F(SchemaTrackerIntegrationTest, AddColumnAfterKeepsTheRealColumnOrder) {
  std::string db = NewDb("order");
  UpExec("CREATE TABLE `" + db + "`.t (a INT, b INT, c INT)");
  Seed(db, "t");
  Both("ALTER TABLE t ADD COLUMN x INT AFTER a, ADD COLUMN y INT FIRST, ADD COLUMN w INT AFTER x", db);
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "y,a,x,w,b,c");
  auto real = down_conn_->QueryRows(
      fmt::format("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = 't'"
                  " ORDER BY ORDINAL_POSITION",
                  tracker_->ScratchDatabase(db)));
  ASSERT_TRUE(real.ok());
  std::string scratch_order;
  for (const mysql::Row& r : *real) scratch_order += (scratch_order.empty() ? "" : ",") + r[0].value_or("");
  EXPECT_EQ(scratch_order, "y,a,x,w,b,c");
  ExpectSameAsReal(db, "t");
}

TEST_F(SchemaTrackerIntegrationTest, KeysDecideTheHandleKey) {
  std::string db = NewDb("keys");
  UpExec("CREATE TABLE `" + db +
         "`.t (id INT NOT NULL, u INT, v INT NOT NULL, w INT, PRIMARY KEY (id),"
         " UNIQUE KEY nullable_uk (u), KEY plain (w), UNIQUE KEY notnull_uk (v, id))");
  Seed(db, "t");
  const TrackedTable* t = &Tracked(db, "t");
  ASSERT_EQ(t->keys.size(), 4u);
  EXPECT_EQ(t->keys[0].name, "PRIMARY");
  EXPECT_TRUE(t->keys[0].primary);
  EXPECT_TRUE(t->keys[1].unique);
  EXPECT_TRUE(t->keys[2].unique);
  EXPECT_EQ(t->keys[3].name, "plain");
  EXPECT_FALSE(t->keys[3].unique);
  ASSERT_NE(t->HandleKey(), nullptr);
  EXPECT_EQ(t->HandleKey()->name, "PRIMARY");

  Apply("ALTER TABLE t DROP PRIMARY KEY", db);
  t = &Tracked(db, "t");
  ASSERT_NE(t->HandleKey(), nullptr);
  EXPECT_EQ(t->HandleKey()->name, "notnull_uk");
  EXPECT_EQ(KeyColumns(*t, *t->HandleKey()), "v,id");

  Apply("ALTER TABLE t DROP INDEX notnull_uk", db);
  t = &Tracked(db, "t");
  EXPECT_EQ(t->HandleKey(), nullptr) << "a unique key on a nullable column cannot identify a row";

  Apply("ALTER TABLE t MODIFY u INT NOT NULL", db);
  t = &Tracked(db, "t");
  ASSERT_NE(t->HandleKey(), nullptr);
  EXPECT_EQ(t->HandleKey()->name, "nullable_uk");
  EXPECT_TRUE(t->HandleKey()->all_not_null);
}

TEST_F(SchemaTrackerIntegrationTest, RenameTableMovesEntriesAcrossDatabases) {
  std::string a = NewDb("ren_a");
  std::string b = NewDb("ren_b", "CHARACTER SET latin1");
  UpExec("CREATE TABLE `" + a + "`.t1 (id INT PRIMARY KEY, s VARCHAR(3))");
  UpExec("CREATE TABLE `" + a + "`.t2 (k BIGINT)");
  Seed(a, "t1");
  Seed(a, "t2");
  Both(fmt::format("RENAME TABLE t1 TO `{}`.moved, t2 TO t3", b), a);
  EXPECT_EQ(tracker_->Find({a, "t1"}), nullptr);
  EXPECT_EQ(tracker_->Find({a, "t2"}), nullptr);
  EXPECT_EQ(Tracked(b, "moved").name, (filter::TableName{b, "moved"}));
  EXPECT_EQ(ColumnsOf(Tracked(b, "moved")), "id,s");
  // A moved table keeps its own charset, not the new database's.
  EXPECT_EQ(Tracked(b, "moved").columns[1].collation_id, 45u);
  EXPECT_EQ(ColumnsOf(Tracked(a, "t3")), "k");
  ExpectSameAsReal(b, "moved");

  // A swap through a temporary name, in one statement.
  UpExec("CREATE TABLE `" + a + "`.t4 (other INT)");
  Seed(a, "t4");
  Both("RENAME TABLE t3 TO tmp, t4 TO t3, tmp TO t4", a);
  EXPECT_EQ(ColumnsOf(Tracked(a, "t3")), "other");
  EXPECT_EQ(ColumnsOf(Tracked(a, "t4")), "k");
  EXPECT_EQ(tracker_->Find({a, "tmp"}), nullptr);

  Both(fmt::format("ALTER TABLE t4 RENAME TO `{}`.t5, ADD COLUMN n INT", b), a);
  EXPECT_EQ(tracker_->Find({a, "t4"}), nullptr);
  EXPECT_EQ(ColumnsOf(Tracked(b, "t5")), "k,n");
  ExpectSameAsReal(b, "t5");
  EXPECT_EQ(ScratchTables(), 3u) << "only tracked tables live in the scratch databases";
}

TEST_F(SchemaTrackerIntegrationTest, DropDatabaseAndDropTableForgetTables) {
  std::string a = NewDb("drop_a");
  std::string b = NewDb("drop_b");
  UpExec("CREATE TABLE `" + a + "`.t1 (id INT)");
  UpExec("CREATE TABLE `" + a + "`.t2 (id INT)");
  UpExec("CREATE TABLE `" + b + "`.t3 (id INT)");
  Seed(a, "t1");
  Seed(a, "t2");
  Seed(b, "t3");
  EXPECT_EQ(tracker_->Tables().size(), 3u);
  EXPECT_EQ(ScratchDatabases(), 2u);

  Both("DROP DATABASE `" + a + "`", b);
  EXPECT_EQ(tracker_->Find({a, "t1"}), nullptr);
  EXPECT_EQ(tracker_->Find({a, "t2"}), nullptr);
  EXPECT_NE(tracker_->Find({b, "t3"}), nullptr);
  EXPECT_EQ(ScratchDatabases(), 1u) << "the scratch database went with it";

  UpExec("CREATE TABLE `" + b + "`.t4 (id INT)");
  Seed(b, "t4");
  Both("DROP TABLE IF EXISTS t3, nosuch, t4", b);
  EXPECT_TRUE(tracker_->Tables().empty());
  EXPECT_EQ(ScratchTables(), 0u);
}

TEST_F(SchemaTrackerIntegrationTest, CreateDatabaseAndTableUseTheStatementsCharset) {
  std::string db = UniqueDbName("cdb");
  dbs_.push_back(db);
  Both("CREATE DATABASE `" + db + "` CHARACTER SET latin1 COLLATE latin1_bin", "mysql");
  Both("CREATE TABLE t (a VARCHAR(3), b TEXT CHARACTER SET utf8mb4, c INT)", db);
  const TrackedTable& t = Tracked(db, "t");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].collation_id, 47u);  // latin1_bin, from the database default
  EXPECT_EQ(t.columns[1].collation_id, 45u);  // utf8mb4_general_ci
  EXPECT_EQ(t.columns[2].collation_id, 0u);
  ExpectSameAsReal(db, "t");
  // CREATE TABLE IF NOT EXISTS of a tracked table changes nothing.
  Both("CREATE TABLE IF NOT EXISTS t (other INT)", db);
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "a,b,c");
  // The collation the statements gave is known, to be saved with the tables.
  EXPECT_EQ(tracker_->SchemaCollation(db), "latin1_bin");
  Both("ALTER DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "mysql");
  EXPECT_EQ(tracker_->SchemaCollation(db), "utf8mb4_bin");
  EXPECT_EQ(tracker_->SchemaCollation("never_seen"), "");
}

TEST_F(SchemaTrackerIntegrationTest, SeedSchemaCollationAppliesToLaterTables) {
  std::string db = NewDb("seedcs", "CHARACTER SET latin1");
  UpExec("CREATE TABLE `" + db + "`.seeded (id INT)");
  Seed(db, "seeded");  // reads the schema's latin1_swedish_ci from the upstream
  Both("CREATE TABLE t (s CHAR(1))", db);
  EXPECT_EQ(Tracked(db, "t").columns[0].collation_id, 8u);  // latin1_swedish_ci
  ExpectSameAsReal(db, "t");
}

TEST_F(SchemaTrackerIntegrationTest, CreateTableLikeATrackedSource) {
  std::string db = NewDb("like");
  UpExec("CREATE TABLE `" + db + "`.src (id INT PRIMARY KEY, e ENUM('x','y'))");
  UpExec("CREATE TABLE `" + db + "`.untracked (q INT)");
  Seed(db, "src");
  Both("CREATE TABLE copy LIKE src", db);
  EXPECT_EQ(ColumnsOf(Tracked(db, "copy")), "id,e");
  EXPECT_EQ(Tracked(db, "copy").name.table, "copy");
  ExpectSameAsReal(db, "copy");
  // The source's definition is unknown: nothing can be tracked.
  Both("CREATE TABLE copy2 LIKE untracked", db);
  EXPECT_EQ(tracker_->Find({db, "copy2"}), nullptr);
  EXPECT_EQ(ScratchTables(), 2u);
}

TEST_F(SchemaTrackerIntegrationTest, EnumAndSetMembersWithQuotesAndNonAscii) {
  std::string db = NewDb("enum");
  Both(
      "CREATE TABLE t (e ENUM('it''s', 'back\\\\slash', '\xC3\xBC', 'a,b', 'dq\"x', '\xE6\x97\xA5'),"
      " s SET('x', 'y''z') CHARACTER SET latin1, n INT)",
      db);
  const TrackedTable& t = Tracked(db, "t");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].elements,
            (std::vector<std::string>{"it's", "back\\slash", "\xC3\xBC", "a,b", "dq\"x", "\xE6\x97\xA5"}));
  EXPECT_EQ(t.columns[1].elements, (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(t.columns[1].collation_id, 8u);
  EXPECT_TRUE(t.columns[2].elements.empty());
  ExpectSameAsReal(db, "t");
  // The same members as the decoder sees them.
  binlog::TableSchema schema = t.ToBinlogSchema();
  ASSERT_EQ(schema.columns.size(), 3u);
  EXPECT_EQ(schema.columns[0].elements, t.columns[0].elements);
}

TEST_F(SchemaTrackerIntegrationTest, DdlReplaysInTheEventsCharset) {
  std::string db = NewDb("evcs", "CHARACTER SET latin1");
  // A latin1 client's text: 0xE9 is 'é', 0xDF 'ß' (latin1_swedish_ci is id 8;
  // the server's collation 45 is utf8mb4_general_ci).
  const std::string sql =
      "CREATE TABLE t (e ENUM('a','\xE9t\xE9') DEFAULT '\xE9t\xE9', u VARCHAR(5) CHARACTER SET utf8mb4 "
      "DEFAULT '\xDF')";
  UpExec("SET NAMES latin1");
  UpExec("USE `" + db + "`");
  UpExec(sql);
  UpExec("SET NAMES utf8mb4");
  ASSERT_TRUE(tracker_->SeedSchema(db, "latin1_swedish_ci").ok());
  // Replayed in the tracker's own utf8mb4 session, the latin1 bytes are not
  // valid text: the server refuses the statement.
  auto ddl = ParseStatement(sql, db);
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  Status plain = tracker_->ApplyDdl(*ddl, 0);
  EXPECT_FALSE(plain.ok()) << "latin1 bytes replayed as utf8mb4 were accepted";
  Status s = tracker_->ApplyDdl(*ddl, 0, binlog::QueryCharset{8, 8, 45});
  ASSERT_TRUE(s.ok()) << s.ToString();
  const TrackedTable& t = Tracked(db, "t");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].elements, (std::vector<std::string>{"a", "\xC3\xA9t\xC3\xA9"}));
  ExpectSameAsReal(db, "t");
  EXPECT_NE(Tracked(db, "t").create_sql.find("DEFAULT '\xC3\x9F'"), std::string::npos) << Tracked(db, "t").create_sql;
}

TEST(EventCharsetIntegrationTest, SessionVariablesAreRestoredAfterSuccessAndFailure) {
  auto conn = mysql::Connection::Connect(SharedOptions("DOWNSTREAM"));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const std::string vars = "SELECT CONCAT_WS(',', @@character_set_client, @@collation_connection, @@collation_server)";
  auto before = conn->QueryValue(vars);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  // The statement sees the event's session: latin1 client, connection and server collations.
  std::string db = UniqueDbName("evcs_srv");
  Status s = ExecuteInEventCharset(*conn, "CREATE DATABASE `" + db + "`", binlog::QueryCharset{8, 8, 8});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto made = conn->QueryValue("SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                               db + "'");
  EXPECT_TRUE(made.ok() && made->value_or("") == "latin1_swedish_ci") << "collation_server was not the event's";
  EXPECT_EQ(conn->QueryValue(vars)->value_or(""), before->value_or("x"));
  Status failed = ExecuteInEventCharset(*conn, "CREATE DATABASE `" + db + "`", binlog::QueryCharset{8, 8, 8});
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(conn->QueryValue(vars)->value_or(""), before->value_or("x")) << "not restored after a failure";
  // An id the server does not know: an ASCII statement still runs, others are refused.
  EXPECT_TRUE(ExecuteInEventCharset(*conn, "DROP DATABASE `" + db + "`", binlog::QueryCharset{4000, 4000, 4000}).ok());
  Status refused = ExecuteInEventCharset(*conn, "SELECT '\xE9'", binlog::QueryCharset{4000, 4000, 4000});
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
}

TEST_F(SchemaTrackerIntegrationTest, ColumnFactsOfEveryKind) {
  std::string db = NewDb("types");
  Both(
      "CREATE TABLE t (i INT UNSIGNED NOT NULL, bi BIGINT, d DECIMAL(10,2) UNSIGNED, f FLOAT,"
      " l1 VARCHAR(5) CHARACTER SET latin1, l2 CHAR(2) CHARACTER SET latin1 COLLATE latin1_bin,"
      " u1 VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, u2 TEXT CHARACTER SET utf8mb4 COLLATE "
      "utf8mb4_bin, u3 VARCHAR(2) COLLATE utf8mb4_uca1400_ai_ci,"
      " bn BINARY(3), vb VARBINARY(9), bl BLOB, j JSON, ip INET6, uu UUID, dt DATETIME,"
      " g INT AS (i + 1) VIRTUAL, gs VARCHAR(10) AS (CONCAT(l1, 'x')) STORED)",
      db);
  const TrackedTable& t = Tracked(db, "t");
  std::map<std::string, const TrackedColumn*> by_name;
  for (const TrackedColumn& c : t.columns) by_name[c.name] = &c;
  ASSERT_EQ(by_name.size(), 18u);
  EXPECT_TRUE(by_name["i"]->is_unsigned);
  EXPECT_FALSE(by_name["i"]->nullable);
  EXPECT_FALSE(by_name["bi"]->is_unsigned);
  EXPECT_TRUE(by_name["d"]->is_unsigned);
  EXPECT_EQ(by_name["i"]->collation_id, 0u);
  EXPECT_EQ(by_name["l1"]->collation_id, 8u);   // latin1_swedish_ci
  EXPECT_EQ(by_name["l2"]->collation_id, 47u);  // latin1_bin
  EXPECT_EQ(by_name["u1"]->collation_id, 45u);  // utf8mb4_general_ci
  EXPECT_EQ(by_name["u2"]->collation_id, 46u);  // utf8mb4_bin
  // MariaDB 10.10+ lists UCA 14.0 collations by full name only in
  // COLLATION_CHARACTER_SET_APPLICABILITY.
  EXPECT_EQ(by_name["u3"]->collation_id, 2304u);
  for (const char* binary : {"bn", "vb", "bl", "ip", "uu"}) {
    EXPECT_EQ(by_name[binary]->collation_id, 63u) << binary;
  }
  EXPECT_EQ(by_name["ip"]->data_type, "inet6");
  EXPECT_EQ(by_name["dt"]->collation_id, 0u);
  EXPECT_TRUE(by_name["g"]->generated);
  EXPECT_TRUE(by_name["gs"]->generated);
  EXPECT_FALSE(by_name["i"]->generated);
  EXPECT_EQ(by_name["d"]->column_type, "decimal(10,2) unsigned");
  ExpectSameAsReal(db, "t");
  Both("ALTER TABLE t ADD COLUMN g2 BIGINT AS (bi * 2) PERSISTENT AFTER i, MODIFY g INT AS (i + 2) VIRTUAL", db);
  EXPECT_TRUE(Tracked(db, "t").columns[1].generated);
  ExpectSameAsReal(db, "t");
}

TEST_F(SchemaTrackerIntegrationTest, DdlOnAnUntrackedTableIsIgnored) {
  std::string db = NewDb("untracked");
  UpExec("CREATE TABLE `" + db + "`.t (id INT)");
  UpExec("CREATE TABLE `" + db + "`.other (id INT)");
  Seed(db, "other");
  Apply("ALTER TABLE t ADD COLUMN x INT", db);
  Apply("CREATE INDEX i ON t (id)", db);
  Apply("DROP TABLE t", db);
  Apply("RENAME TABLE t TO t9", db);
  Apply("TRUNCATE TABLE other", db);
  Apply("CREATE TEMPORARY TABLE tmp (x INT)", db);
  Apply("BEGIN", db);
  EXPECT_EQ(tracker_->Find({db, "t"}), nullptr);
  EXPECT_EQ(tracker_->Find({db, "t9"}), nullptr);
  EXPECT_EQ(tracker_->Find({db, "tmp"}), nullptr);
  EXPECT_EQ(tracker_->Tables().size(), 1u);
  EXPECT_EQ(ScratchTables(), 1u);
}

TEST_F(SchemaTrackerIntegrationTest, ForgetDropsTheScratchCopyOnTheNextCall) {
  std::string db = NewDb("forget");
  UpExec("CREATE TABLE `" + db + "`.a (id INT)");
  UpExec("CREATE TABLE `" + db + "`.b (id INT)");
  Seed(db, "a");
  Seed(db, "b");
  tracker_->Forget({db, "a"});
  EXPECT_EQ(tracker_->Find({db, "a"}), nullptr);
  EXPECT_TRUE(ScratchTableExists(db, "a")) << "Forget itself does not touch the server";
  Apply("ALTER TABLE b ADD COLUMN c INT", db);
  EXPECT_FALSE(ScratchTableExists(db, "a"));
  EXPECT_TRUE(ScratchTableExists(db, "b"));
}

TEST_F(SchemaTrackerIntegrationTest, FailedReplayNamesTheStatement) {
  std::string db = NewDb("fail");
  UpExec("CREATE TABLE `" + db + "`.t (id INT)");
  Seed(db, "t");
  Status s = TryApply("ALTER TABLE t DROP COLUMN nosuch", db);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.error_code(), ErrorCode::kSchemaTrackerCannotExecDDL);
  EXPECT_NE(s.message().find("ALTER TABLE t DROP COLUMN nosuch"), std::string::npos) << s.message();
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "id") << "a failed DDL changes nothing";

  Status select = TryApply("CREATE TABLE c2 AS SELECT * FROM t", db);
  EXPECT_EQ(select.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tracker_->Find({db, "c2"}), nullptr);

  Status bad_seed = tracker_->SeedTable({db, "x"}, "ALTER TABLE x ADD y INT");
  EXPECT_EQ(bad_seed.error_code(), ErrorCode::kSchemaTrackerInvalidCreateTableStmt);
  Status missing = tracker_->SeedFromUpstream(*up_conn_, {db, "nosuch"});
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
}

TEST_F(SchemaTrackerIntegrationTest, ReadTableDefinitionReportsMissingTablesAndViews) {
  std::string db = NewDb("read");
  UpExec("CREATE TABLE `" + db + "`.t (id INT)");
  UpExec("CREATE VIEW `" + db + "`.v AS SELECT id FROM `" + db + "`.t");
  auto missing = ReadTableDefinition(*up_conn_, db, "nosuch", {db, "nosuch"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto view = ReadTableDefinition(*up_conn_, db, "v", {db, "v"});
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), StatusCode::kFailedPrecondition);
  auto t = ReadTableDefinition(*up_conn_, db, "t", {"renamed_schema", "renamed"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->name, (filter::TableName{"renamed_schema", "renamed"}));
}

TEST_F(SchemaTrackerIntegrationTest, SavedDefinitionsSeedAgainAfterReset) {
  std::string a = NewDb("save_a");
  std::string b = NewDb("save_b");
  UpExec("CREATE TABLE `" + b + "`.parent (id INT PRIMARY KEY)");
  Seed(b, "parent");
  Both(fmt::format("CREATE TABLE child (id INT PRIMARY KEY, p INT, e ENUM('q''r'),"
                   " FOREIGN KEY (p) REFERENCES `{}`.parent (id))",
                   b),
       a);
  // The saved text names the upstream schema, never a scratch database.
  const std::string saved = Tracked(a, "child").create_sql;
  EXPECT_NE(saved.find("REFERENCES `" + b + "`.`parent`"), std::string::npos) << saved;
  EXPECT_EQ(saved.find(prefix_), std::string::npos) << saved;
  const std::string before = Describe(Tracked(a, "child"));

  ASSERT_TRUE(tracker_->Reset().ok());
  EXPECT_TRUE(tracker_->Tables().empty());
  EXPECT_EQ(ScratchDatabases(), 0u);
  // Seeding only the child works: the parent need not be tracked.
  Status s = tracker_->SeedTable({a, "child"}, saved);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Describe(Tracked(a, "child")), before);
  EXPECT_EQ(ScratchTables(), 1u);
  // A seed under another name tracks that name.
  ASSERT_TRUE(tracker_->SeedTable({b, "copy"}, saved).ok());
  EXPECT_EQ(Tracked(b, "copy").name.table, "copy");
  EXPECT_EQ(Describe(Tracked(b, "copy")), before);
}

TEST_F(SchemaTrackerIntegrationTest, StatementsReplayInTheirSqlMode) {
  std::string db = NewDb("mode");
  UpExec("CREATE TABLE `" + db + "`.t (id INT)");
  Seed(db, "t");
  SqlDialect ansi;
  ansi.ansi_quotes = true;
  Apply("ALTER TABLE \"t\" ADD COLUMN \"q\" INT", db, ansi);
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "id,q");
  // The saved text is plain MySQL syntax whatever mode the DDL ran in.
  EXPECT_NE(Tracked(db, "t").create_sql.find("`q` int(11)"), std::string::npos) << Tracked(db, "t").create_sql;

  // REAL_AS_FLOAT (bit 0) makes REAL a FLOAT; without it REAL is DOUBLE.
  auto ddl = ParseStatement("ALTER TABLE t ADD COLUMN r REAL, ADD COLUMN r2 REAL", db);
  ASSERT_TRUE(ddl.ok());
  ASSERT_TRUE(tracker_->ApplyDdl(*ddl, /*REAL_AS_FLOAT | STRICT_TRANS_TABLES=*/1 | (1ULL << 21)).ok());
  EXPECT_EQ(Tracked(db, "t").columns[2].data_type, "float");
  Apply("ALTER TABLE t ADD COLUMN r3 REAL", db);
  EXPECT_EQ(Tracked(db, "t").columns[4].data_type, "double");
  // Permissive replay: a zero date default the upstream accepted in its own
  // (non-strict) session.
  Apply("ALTER TABLE t ADD COLUMN zd DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'", db);
  EXPECT_EQ(ColumnsOf(Tracked(db, "t")), "id,q,r,r2,r3,zd");
}

TEST_F(SchemaTrackerIntegrationTest, ResetDropsOnlyThisTrackersDatabases) {
  // A database sharing the prefix but not of the tracker's form survives.
  const std::string bystander = prefix_ + "_notahash";
  ASSERT_TRUE(down_conn_->Execute("CREATE DATABASE `" + bystander + "`").ok());
  std::string db = NewDb("reset");
  UpExec("CREATE TABLE `" + db + "`.t (id INT)");
  Seed(db, "t");
  ASSERT_TRUE(tracker_->Reset().ok());
  EXPECT_EQ(tracker_->Find({db, "t"}), nullptr);
  EXPECT_EQ(ScratchDatabases(), 1u);
  auto exists = down_conn_->QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                                       bystander + "'");
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(exists->value_or(""), "1");
  ASSERT_TRUE(down_conn_->Execute("DROP DATABASE `" + bystander + "`").ok());
}

}  // namespace
}  // namespace dm::sync
