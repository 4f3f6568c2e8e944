// DML workers against the shared DOWNSTREAM MariaDB: causality assignment,
// batches committed with their progress rows, multiple-rows merging, and a
// failing statement stopping the pool with its binlog position.
#include <gtest/gtest.h>

#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "sync/dml_worker.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

TEST(WorkerForKeysTest, SameKeysSameWorkerAndConflictsAreReported) {
  bool conflict = true;
  const uint64_t a[] = {42};
  EXPECT_EQ(WorkerForKeys(a, 4, &conflict), 2u);
  EXPECT_FALSE(conflict);
  const uint64_t same[] = {42, 46, 2};
  EXPECT_EQ(WorkerForKeys(same, 4, &conflict), 2u);
  EXPECT_FALSE(conflict);
  const uint64_t split[] = {42, 43};
  EXPECT_EQ(WorkerForKeys(split, 4, &conflict), 2u);
  EXPECT_TRUE(conflict);
  EXPECT_EQ(WorkerForKeys(split, 1, &conflict), 0u);
  EXPECT_FALSE(conflict);
  EXPECT_EQ(WorkerForKeys({}, 4, &conflict), 0u);
}

class DmlWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_ = SharedOptions("DOWNSTREAM");
    db_ = UniqueDbName("dmlw");
    auto conn = mysql::Connection::Connect(target_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(*conn));
    ASSERT_TRUE(conn_->Execute("CREATE DATABASE " + mysql::QuoteIdentifier(db_)).ok());
    ASSERT_TRUE(conn_->Execute("CREATE TABLE " + mysql::QualifiedName(db_, "t") + " (id INT PRIMARY KEY, v INT)").ok());
    checkpoint_.emplace(db_, "task", "src-1");
    ASSERT_TRUE(checkpoint_->Prepare(*conn_).ok());
  }
  void TearDown() override {
    if (conn_) (void)conn_->Execute("DROP DATABASE IF EXISTS " + mysql::QuoteIdentifier(db_));
  }
  DmlWorkerOptions Options(uint32_t workers, size_t batch) {
    DmlWorkerOptions o;
    o.target = target_;
    o.checkpoint = &*checkpoint_;
    o.worker_count = workers;
    o.batch = batch;
    o.queue_size = 8;
    o.max_retries = 0;
    return o;
  }
  std::string Table() const { return mysql::QualifiedName(db_, "t"); }
  std::vector<mysql::Row> Rows() {
    auto rows = conn_->QueryRows("SELECT id, v FROM " + Table() + " ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<mysql::Row>{};
  }

  mysql::ConnectionOptions target_;
  std::string db_;
  std::optional<mysql::Connection> conn_;
  std::optional<SyncerCheckpoint> checkpoint_;
};

DmlJob Job(uint64_t offset, uint32_t row, std::string sql) {
  DmlJob job;
  job.point = {{"mysql-bin.000001", offset}, row};
  job.statements.push_back(std::move(sql));
  return job;
}

TEST_F(DmlWorkerTest, ChangesOfOneKeyKeepTheirOrderAndProgressIsCommitted) {
  DmlWorkerPool pool(Options(4, 3));
  // 100 keys, each inserted then updated 5 times: the final value proves the
  // order per key, whichever worker ran it.
  uint64_t offset = 100;
  for (int step = 0; step < 6; ++step) {
    for (int id = 0; id < 100; ++id) {
      const uint64_t keys[] = {static_cast<uint64_t>(id) * 2654435761u};
      bool conflict = false;
      uint32_t worker = WorkerForKeys(keys, pool.worker_count(), &conflict);
      ASSERT_FALSE(conflict);
      std::string sql = step == 0 ? "INSERT INTO " + Table() + " VALUES (" + std::to_string(id) + ", 0)"
                                  : "UPDATE " + Table() + " SET v = " + std::to_string(step) +
                                        " WHERE id = " + std::to_string(id);
      ASSERT_TRUE(pool.Push(worker, Job(offset, 0, std::move(sql))).ok());
      offset += 10;
    }
  }
  ASSERT_TRUE(pool.Drain().ok());
  EXPECT_EQ(pool.applied(), 600u);
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 100u);
  for (const auto& r : rows) EXPECT_EQ(r[1], "5") << *r[0];
  auto progress = checkpoint_->LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  ASSERT_FALSE(progress->empty());
  uint64_t last = 0;
  for (const WorkerProgress& p : *progress) {
    EXPECT_EQ(p.worker_count, 4u);
    last = std::max(last, p.applied.position.offset);
  }
  EXPECT_EQ(last, offset - 10);  // the last pushed change is recorded by its worker
}

TEST_F(DmlWorkerTest, MultipleRowsMergeConsecutiveInserts) {
  DmlWorkerPool pool(Options(1, 100));
  for (int id = 0; id < 50; ++id) {
    DmlJob job = Job(4 + static_cast<uint64_t>(id), 0, "(" + std::to_string(id) + "," + std::to_string(id * 3) + ")");
    job.merge_prefix = "INSERT INTO " + Table() + " (id, v) VALUES ";
    ASSERT_TRUE(pool.Push(0, std::move(job)).ok());
  }
  ASSERT_TRUE(pool.Push(0, Job(100, 0, "DELETE FROM " + Table() + " WHERE id = 7")).ok());
  ASSERT_TRUE(pool.Drain().ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 49u);
  EXPECT_EQ(rows[7][0], "8");
  EXPECT_EQ(rows[7][1], "24");
}

TEST_F(DmlWorkerTest, AFailingStatementStopsThePoolNamingItsPositionAndKeepsEarlierBatches) {
  DmlWorkerPool pool(Options(1, 2));
  ASSERT_TRUE(pool.Push(0, Job(10, 0, "INSERT INTO " + Table() + " VALUES (1, 1)")).ok());
  ASSERT_TRUE(pool.Push(0, Job(10, 1, "INSERT INTO " + Table() + " VALUES (2, 1)")).ok());
  ASSERT_TRUE(pool.Drain().ok());
  ASSERT_TRUE(pool.Push(0, Job(20, 0, "INSERT INTO " + Table() + " VALUES (3, 1)")).ok());
  ASSERT_TRUE(pool.Push(0, Job(30, 4, "INSERT INTO " + Table() + " VALUES (1, 9)")).ok());  // duplicate key
  Status s = pool.Drain();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("row change 4 of the rows event at (mysql-bin.000001, 30)"), std::string::npos)
      << s.ToString();
  EXPECT_FALSE(pool.Push(0, Job(40, 0, "SELECT 1")).ok());
  // The failed batch (ids 3 and the duplicate) is rolled back as a whole.
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  auto progress = checkpoint_->LoadWorkerProgress(*conn_);
  ASSERT_TRUE(progress.ok());
  ASSERT_EQ(progress->size(), 1u);
  EXPECT_EQ((*progress)[0].applied.position.offset, 10u);
  EXPECT_EQ((*progress)[0].applied.row, 1u);
}

}  // namespace
}  // namespace dm::sync
