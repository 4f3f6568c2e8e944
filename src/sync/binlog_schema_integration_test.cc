// binlog-schema's operations (binlog_schema.h) on the shared MariaDB pair:
// the upstream holds the table as it is now, the DOWNSTREAM the checkpoint,
// the target tables and the scratch databases the definitions are tried on.
#include "sync/binlog_schema.h"

#include <gtest/gtest.h>

#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "sync/checkpoint.h"
#include "sync/tidb_table_info_test_data.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;
using mysql::testing::UpstreamOptions;

class BinlogSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto target = mysql::Connection::Connect(SharedOptions("DOWNSTREAM"));
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    target_.emplace(std::move(*target));
    auto upstream = mysql::Connection::Connect(UpstreamOptions());
    ASSERT_TRUE(upstream.ok()) << upstream.status().ToString();
    upstream_.emplace(std::move(*upstream));
    db_ = UniqueDbName("bsdb");
    scope_ = {"bs_task", "src-1", UniqueDbName("bsmeta"), UpstreamOptions(), SharedOptions("DOWNSTREAM"), {}, false};
    // The upstream has a column the target's table (and the tracked
    // definition) lack.
    ASSERT_TRUE(upstream_->Execute("CREATE DATABASE " + db_).ok());
    ASSERT_TRUE(upstream_->Execute("CREATE TABLE " + db_ + ".t (id INT PRIMARY KEY, a VARCHAR(10), b INT)").ok());
    ASSERT_TRUE(target_->Execute("CREATE DATABASE " + db_).ok());
    ASSERT_TRUE(target_->Execute("CREATE TABLE " + db_ + ".t (id INT PRIMARY KEY, a VARCHAR(10))").ok());
    ASSERT_TRUE(target_->Execute("CREATE TABLE " + db_ + ".routed (id BIGINT PRIMARY KEY)").ok());
    SyncerCheckpoint checkpoint(scope_.meta_schema, scope_.task, scope_.source_id);
    ASSERT_TRUE(checkpoint.Prepare(*target_).ok());
    Status flushed = checkpoint.Flush(
        *target_, {{{"mysql-bin.000001", 4}, ""}, std::nullopt},
        {{{db_, "t"}, {{"mysql-bin.000001", 4}, ""}, EncodeTableInfo({"CREATE TABLE `t` (`id` int NOT NULL)", ""})},
         {{db_, "from_dm"}, {{"mysql-bin.000001", 4}, ""}, testing::kTiDbAllTypes}});
    ASSERT_TRUE(flushed.ok()) << flushed.ToString();
  }
  void TearDown() override {
    if (upstream_) (void)upstream_->Execute("DROP DATABASE IF EXISTS " + db_);
    if (target_) {
      (void)target_->Execute("DROP DATABASE IF EXISTS " + db_);
      (void)target_->Execute("DROP DATABASE IF EXISTS " + scope_.meta_schema);
    }
  }
  filter::TableName T() const { return {db_, "t"}; }
  // The scratch databases binlog-schema left on the target.
  size_t ScratchDatabases() {
    auto rows = target_->QueryRows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE "
                                   "'\\_dm\\_schema\\_op\\_%'");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->size() : 0;
  }

  std::optional<mysql::Connection> target_;
  std::optional<mysql::Connection> upstream_;
  std::string db_;
  BinlogSchemaScope scope_;
};

TEST_F(BinlogSchemaTest, ListShowsTheRowAndDmsTiDbRowsAsTheSyncerSeedsThem) {
  auto listed = ListBinlogSchema(scope_, T());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, "CREATE TABLE `t` (`id` int NOT NULL)");
  auto from_dm = ListBinlogSchema(scope_, {db_, "from_dm"});
  ASSERT_TRUE(from_dm.ok()) << from_dm.status().ToString();
  EXPECT_EQ(*from_dm, testing::kTiDbAllTypesCreateTable);
  auto missing = ListBinlogSchema(scope_, {db_, "missing"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Table '" + db_ + ".missing' doesn't exist"), std::string::npos)
      << missing.status().ToString();
}

TEST_F(BinlogSchemaTest, UpdateFromSourceStoresWhatTheServerMadeOfIt) {
  auto stored = UpdateBinlogSchema(scope_, T(), SchemaOrigin::kSource, "");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_NE(stored->find("`b` int(11) DEFAULT NULL"), std::string::npos) << *stored;
  auto listed = ListBinlogSchema(scope_, T());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, *stored);
  EXPECT_EQ(ScratchDatabases(), 0u);
  auto absent = UpdateBinlogSchema(scope_, {db_, "nowhere"}, SchemaOrigin::kSource, "");
  EXPECT_FALSE(absent.ok());
  EXPECT_NE(absent.status().message().find("binlog-schema update of `" + db_ + "`.`nowhere` (task bs_task, source "
                                           "src-1)"),
            std::string::npos)
      << absent.status().ToString();
}

TEST_F(BinlogSchemaTest, UpdateFromTargetReadsTheRoutedTable) {
  scope_.routes.push_back({db_, "t", db_, "routed", std::nullopt, std::nullopt, std::nullopt});
  auto stored = UpdateBinlogSchema(scope_, T(), SchemaOrigin::kTarget, "");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_NE(stored->find("`id` bigint(20) NOT NULL"), std::string::npos) << *stored;
  // Named as the upstream table, whatever the target's name.
  EXPECT_EQ(stored->rfind("CREATE TABLE `t` ", 0), 0u) << *stored;
}

TEST_F(BinlogSchemaTest, UpdateRefusesWhatTheTrackerCannotCreateAndKeepsTheRow) {
  for (const char* bad : {"CREATE TABLE t (id INT, b NO_SUCH_TYPE)", "DROP TABLE t", "CREATE TABLE t LIKE u"}) {
    auto refused = UpdateBinlogSchema(scope_, T(), SchemaOrigin::kText, bad);
    EXPECT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("(task bs_task, source src-1)"), std::string::npos)
        << refused.status().ToString();
  }
  auto listed = ListBinlogSchema(scope_, T());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, "CREATE TABLE `t` (`id` int NOT NULL)");
  EXPECT_EQ(ScratchDatabases(), 0u);
}

TEST_F(BinlogSchemaTest, UpdateOfATableWithoutARowAddsOneAndDeleteRemovesIt) {
  const filter::TableName fresh{db_, "fresh"};
  auto stored = UpdateBinlogSchema(scope_, fresh, SchemaOrigin::kText, "CREATE TABLE x (k INT PRIMARY KEY);\n");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->rfind("CREATE TABLE `fresh` ", 0), 0u) << *stored;
  ASSERT_TRUE(DeleteBinlogSchema(scope_, fresh).ok());
  EXPECT_EQ(ListBinlogSchema(scope_, fresh).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DeleteBinlogSchema(scope_, fresh).code(), StatusCode::kNotFound);
  // The other rows stay.
  EXPECT_TRUE(ListBinlogSchema(scope_, T()).ok());
}

}  // namespace
}  // namespace dm::sync
