// The syncer checkpoint tables on the shared DOWNSTREAM MariaDB: DM's exact
// columns, round trips, the DM v1.0 upgrade, and worker progress committed
// (or not) with the caller's transaction.
#include <gtest/gtest.h>

#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "sync/checkpoint.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

class SyncerCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = mysql::Connection::Connect(SharedOptions("DOWNSTREAM"));
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(*conn));
    meta_ = UniqueDbName("syncmeta");
  }
  void TearDown() override {
    if (conn_) (void)conn_->Execute("DROP DATABASE IF EXISTS " + mysql::QuoteIdentifier(meta_));
  }
  std::vector<std::string> Columns(const std::string& table) {
    auto rows = conn_->QueryRows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + meta_ +
                                 "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    for (const auto& r : *rows) out.push_back(r[0].value_or(""));
    return out;
  }

  std::optional<mysql::Connection> conn_;
  std::string meta_;
};

binlog::Location At(std::string file, uint64_t offset, std::string gtid = "") {
  return binlog::Location{{std::move(file), offset}, std::move(gtid)};
}

TEST(RowPointTest, OrdersByFileIndexThenOffsetThenRow) {
  RowPoint a{{"mysql-bin.000009", 900}, 3};
  RowPoint b{{"mysql-bin.000010", 4}, 0};
  RowPoint c{{"mysql-bin.000010", 4}, 1};
  EXPECT_TRUE(CompareRowPoints(a, b) < 0);
  EXPECT_TRUE(CompareRowPoints(b, c) < 0);
  EXPECT_TRUE(CompareRowPoints(c, c) == 0);
  EXPECT_TRUE(CompareRowPoints(c, a) > 0);
}

TEST_F(SyncerCheckpointTest, PrepareCreatesDmsColumns) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  ASSERT_TRUE(cp.Prepare(*conn_).ok());  // idempotent
  EXPECT_EQ(Columns("t1_syncer_checkpoint"),
            (std::vector<std::string>{"id", "cp_schema", "cp_table", "binlog_name", "binlog_pos", "binlog_gtid",
                                      "exit_safe_binlog_name", "exit_safe_binlog_pos", "exit_safe_binlog_gtid",
                                      "table_info", "is_global", "create_time", "update_time"}));
  auto global = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(global.ok()) << global.status().ToString();
  EXPECT_FALSE(global->has_value());
}

TEST_F(SyncerCheckpointTest, RemoveTablesDeletesOnlyThoseRowsOfThisSource) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  SyncerCheckpoint other(meta_, "t1", "mysql-02");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  std::vector<TableCheckpoint> tables = {{{"db", "t'x"}, At("mysql-bin.000001", 4), "{}"},
                                         {{"db", "u"}, At("mysql-bin.000001", 4), "{}"}};
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000001", 4), std::nullopt}, tables).ok());
  ASSERT_TRUE(other.Flush(*conn_, {At("mysql-bin.000001", 4), std::nullopt}, tables).ok());
  Status s = cp.RemoveTables(*conn_, {{"db", "t'x"}, {"db", "missing"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(cp.RemoveTables(*conn_, {}).ok());
  auto left = cp.LoadTables(*conn_);
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].table.table, "u");
  EXPECT_EQ(other.LoadTables(*conn_)->size(), 2u);
  auto global = cp.LoadGlobal(*conn_);
  EXPECT_TRUE(global.ok() && global->has_value()) << "the global row went with the tables";
}

TEST(TableInfoTest, RoundTripsAndRefusesOtherForms) {
  EXPECT_EQ(EncodeTableInfo({"CREATE TABLE t (a INT)", ""}), R"json({"create_table":"CREATE TABLE t (a INT)"})json");
  std::optional<TableInfo> info = DecodeTableInfo(EncodeTableInfo({"CREATE TABLE t (a INT)", "latin1_bin"}));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->create_table, "CREATE TABLE t (a INT)");
  EXPECT_EQ(info->schema_collation, "latin1_bin");
  // "{}", DM's own TableInfo JSON and broken text are not dm's form.
  EXPECT_FALSE(DecodeTableInfo("{}").has_value());
  EXPECT_FALSE(DecodeTableInfo(R"json({"id":45,"name":{"O":"t","L":"t"},"cols":[]})json").has_value());
  EXPECT_FALSE(DecodeTableInfo("{\"create_table\": ").has_value());
}

TEST_F(SyncerCheckpointTest, SaveTableInfoAddsARowAtTheGlobalLocationOrKeepsTheRowsOwn) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  // No global row: the sync unit never ran, nothing to seed from.
  Status refused = cp.SaveTableInfo(*conn_, {"db", "t"}, "{}");
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000003", 900, "0-1-7"), std::nullopt},
                       {{{"db", "old"}, At("mysql-bin.000002", 120), "{}"}})
                  .ok());
  const std::string fresh = EncodeTableInfo({"CREATE TABLE `t` (`a` int)", ""});
  const std::string replaced = EncodeTableInfo({"CREATE TABLE `old` (`b` int)", ""});
  ASSERT_TRUE(cp.SaveTableInfo(*conn_, {"db", "t"}, fresh).ok());
  ASSERT_TRUE(cp.SaveTableInfo(*conn_, {"db", "old"}, replaced).ok());
  auto t = cp.LoadTable(*conn_, {"db", "t"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->table_info, fresh);
  EXPECT_EQ((*t)->location.position.file, "mysql-bin.000003");
  EXPECT_EQ((*t)->location.position.offset, 900u);
  EXPECT_EQ((*t)->location.gtid_set, "0-1-7");
  auto old = cp.LoadTable(*conn_, {"db", "old"});
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->table_info, replaced);
  EXPECT_EQ((*old)->location.position.offset, 120u);
  auto missing = cp.LoadTable(*conn_, {"db", "missing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SyncerCheckpointTest, FlushRoundTripsAndClearsWorkerProgress) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  SyncerCheckpoint other(meta_, "t1", "mysql-02");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  GlobalCheckpoint global{At("mysql-bin.000003", 1274, "0-1-10"), At("mysql-bin.000003", 5000, "0-1-12")};
  std::vector<TableCheckpoint> tables = {{{"db", "t`x"}, At("mysql-bin.000003", 1000), R"({"create":"CREATE TABLE x"})"},
                                         {{"db", "u"}, At("mysql-bin.000002", 77), "{}"}};
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({2, 4, {{"mysql-bin.000003", 2000}, 5}}, conn_->escaping())).ok());
  ASSERT_TRUE(other.Flush(*conn_, {At("other-bin.000001", 4), std::nullopt}, {}).ok());
  ASSERT_TRUE(cp.Flush(*conn_, global, tables).ok());

  auto loaded = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->location.ToString(), global.location.ToString());
  ASSERT_TRUE((*loaded)->exit_safe.has_value());
  EXPECT_EQ((*loaded)->exit_safe->ToString(), global.exit_safe->ToString());
  auto loaded_tables = cp.LoadTables(*conn_);
  ASSERT_TRUE(loaded_tables.ok());
  ASSERT_EQ(loaded_tables->size(), 2u);
  EXPECT_EQ((*loaded_tables)[0].table.table, "t`x");
  EXPECT_EQ((*loaded_tables)[0].location.position.offset, 1000u);
  EXPECT_EQ((*loaded_tables)[1].table.table, "u");
  auto progress = cp.LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  EXPECT_TRUE(progress->empty());

  // A later flush moves the rows; exit_safe cleared; the other source untouched.
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000004", 4), std::nullopt}, {}).ok());
  loaded = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->location.position.file, "mysql-bin.000004");
  EXPECT_FALSE((*loaded)->exit_safe.has_value());
  auto other_global = other.LoadGlobal(*conn_);
  ASSERT_TRUE(other_global.ok() && other_global->has_value());
  EXPECT_EQ((*other_global)->location.position.file, "other-bin.000001");

  ASSERT_TRUE(cp.Remove(*conn_).ok());
  loaded = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(SyncerCheckpointTest, RestartLeavesOnlyTheNewGlobalRowOfThisSource) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  SyncerCheckpoint other(meta_, "t1", "mysql-02");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  std::vector<TableCheckpoint> tables = {{{"db", "t"}, At("mysql-bin.000003", 500), "{}"}};
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000003", 500), std::nullopt}, tables).ok());
  ASSERT_TRUE(other.Flush(*conn_, {At("other-bin.000001", 4), std::nullopt}, tables).ok());
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({0, 1, {{"mysql-bin.000003", 900}, 0}}, conn_->escaping())).ok());
  ASSERT_TRUE(cp.SaveDdlMarker(*conn_, {{"mysql-bin.000003", 700}, 0, "x"}).ok());

  Status s = cp.Restart(*conn_, {At("mysql-bin.000001", 4), At("mysql-bin.000003", 900)});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto global = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(global.ok() && global->has_value());
  EXPECT_EQ((*global)->location.ToString(), At("mysql-bin.000001", 4).ToString());
  ASSERT_TRUE((*global)->exit_safe.has_value());
  EXPECT_EQ((*global)->exit_safe->position.offset, 900u);
  EXPECT_TRUE(cp.LoadTables(*conn_)->empty());
  EXPECT_TRUE(cp.LoadWorkerProgress(*conn_)->empty());
  EXPECT_FALSE(cp.LoadDdlMarker(*conn_)->has_value());
  EXPECT_EQ(other.LoadTables(*conn_)->size(), 1u);

  // A position past DM's columns fails before anything is deleted.
  s = cp.Restart(*conn_, {At("mysql-bin.000001", uint64_t{1} << 32), std::nullopt});
  EXPECT_FALSE(s.ok());
  global = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(global.ok() && global->has_value()) << "a refused restart removed the checkpoint";
}

TEST_F(SyncerCheckpointTest, WorkerProgressCommitsOnlyWithItsTransaction) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({0, 2, {{"mysql-bin.000001", 400}, 0}}, conn_->escaping())).ok());
  ASSERT_TRUE(conn_->Rollback().ok());
  auto progress = cp.LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  EXPECT_TRUE(progress->empty());

  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({1, 2, {{"mysql-bin.000001", 400}, 7}}, conn_->escaping())).ok());
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({1, 2, {{"mysql-bin.000001", 900}, 2}}, conn_->escaping())).ok());
  ASSERT_TRUE(conn_->Commit().ok());
  progress = cp.LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  ASSERT_EQ(progress->size(), 1u);
  EXPECT_EQ((*progress)[0].worker, 1u);
  EXPECT_EQ((*progress)[0].worker_count, 2u);
  EXPECT_EQ((*progress)[0].applied.position.offset, 900u);
  EXPECT_EQ((*progress)[0].applied.row, 2u);
}

TEST_F(SyncerCheckpointTest, DdlMarkerIsKeptApartFromWorkersAndClearedByFlushUnlessKept) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  auto none = cp.LoadDdlMarker(*conn_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(cp.SaveDdlMarker(*conn_, {{"mysql-bin.000002", 880}, 1, "CREATE TABLE `t` (\n  `a` int\n)"}).ok());
  ASSERT_TRUE(conn_->Execute(cp.WorkerProgressSql({0, 1, {{"mysql-bin.000002", 500}, 0}}, conn_->escaping())).ok());
  auto marker = cp.LoadDdlMarker(*conn_);
  ASSERT_TRUE(marker.ok() && marker->has_value()) << marker.status().ToString();
  EXPECT_EQ((*marker)->position.offset, 880u);
  EXPECT_EQ((*marker)->part, 1u);
  EXPECT_EQ((*marker)->target_before, "CREATE TABLE `t` (\n  `a` int\n)");
  auto progress = cp.LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok()) << progress.status().ToString();
  EXPECT_EQ(progress->size(), 1u);
  // The flush ahead of the marked DDL keeps the marker, not the workers' rows.
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000002", 870), std::nullopt}, {}, true, /*keep_ddl_marker=*/true).ok());
  marker = cp.LoadDdlMarker(*conn_);
  ASSERT_TRUE(marker.ok() && marker->has_value()) << marker.status().ToString();
  progress = cp.LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  EXPECT_TRUE(progress->empty());
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000002", 1000), std::nullopt}, {}).ok());
  marker = cp.LoadDdlMarker(*conn_);
  ASSERT_TRUE(marker.ok());
  EXPECT_FALSE(marker->has_value());
}

TEST_F(SyncerCheckpointTest, UpgradesADmV1Table) {
  // DM v1.0's checkpoint table, with a position a v1.0 task left behind.
  ASSERT_TRUE(conn_->Execute("CREATE DATABASE " + mysql::QuoteIdentifier(meta_)).ok());
  ASSERT_TRUE(conn_
                  ->Execute("CREATE TABLE " + mysql::QualifiedName(meta_, "old_syncer_checkpoint") +
                            " (id VARCHAR(32) NOT NULL, cp_schema VARCHAR(128) NOT NULL, cp_table VARCHAR(128) NOT "
                            "NULL, binlog_name VARCHAR(128), binlog_pos INT UNSIGNED, is_global BOOLEAN, create_time "
                            "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, update_time timestamp NOT NULL DEFAULT "
                            "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, UNIQUE KEY uk_id_schema_table (id, "
                            "cp_schema, cp_table))")
                  .ok());
  ASSERT_TRUE(conn_
                  ->Execute("INSERT INTO " + mysql::QualifiedName(meta_, "old_syncer_checkpoint") +
                            " (id, cp_schema, cp_table, binlog_name, binlog_pos, is_global) VALUES "
                            "('mysql-replica-01', '', '', 'mysql-bin.000123', 4567, 1)")
                  .ok());
  SyncerCheckpoint cp(meta_, "old", "mysql-replica-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  auto columns = Columns("old_syncer_checkpoint");
  for (const char* added : {"binlog_gtid", "exit_safe_binlog_name", "exit_safe_binlog_pos", "exit_safe_binlog_gtid",
                            "table_info"}) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), added), columns.end()) << added;
  }
  auto global = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(global.ok() && global->has_value()) << global.status().ToString();
  EXPECT_EQ((*global)->location.position.file, "mysql-bin.000123");
  EXPECT_EQ((*global)->location.position.offset, 4567u);
  EXPECT_FALSE((*global)->exit_safe.has_value());
  ASSERT_TRUE(cp.Flush(*conn_, {At("mysql-bin.000124", 4), std::nullopt}, {}).ok());
}

TEST_F(SyncerCheckpointTest, PositionsPastDmsColumnWidthAreRefused) {
  SyncerCheckpoint cp(meta_, "t1", "mysql-01");
  ASSERT_TRUE(cp.Prepare(*conn_).ok());
  Status s = cp.Flush(*conn_, {At("mysql-bin.000001", uint64_t{1} << 32), std::nullopt}, {});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("(mysql-bin.000001, 4294967296)"), std::string::npos) << s.ToString();
  auto global = cp.LoadGlobal(*conn_);
  ASSERT_TRUE(global.ok());
  EXPECT_FALSE(global->has_value());
}

}  // namespace
}  // namespace dm::sync
