// DML workers against the shared DOWNSTREAM MariaDB: causality assignment,
// batches committed with their progress rows, multiple-rows merging and compact
// folding (checked against a model of the changes applied one by one), and a
// failing statement stopping the pool with its binlog position.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>

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

// The merge form TableDml::Make builds for `table` (id INT PRIMARY KEY, v INT).
std::shared_ptr<const MergeForm> IdValueForm(const std::string& table) {
  auto f = std::make_shared<MergeForm>();
  f->target = table;
  f->insert_prefix = "INSERT INTO " + table + " (`id`,`v`) VALUES ";
  f->replace_prefix = "REPLACE INTO " + table + " (`id`,`v`) VALUES ";
  f->keyed = true;
  f->upsert_suffix = " ON DUPLICATE KEY UPDATE `v`=VALUES(`v`)";
  f->delete_prefix = "DELETE FROM " + table + " WHERE `id` IN (";
  f->one_column_key = true;
  f->canonical_key = true;
  return f;
}

DmlJob MergeJob(uint64_t offset, const std::shared_ptr<const MergeForm>& form, RowChange change, int id, int v) {
  DmlJob job;
  job.point = {{"mysql-bin.000001", offset}, 0};
  job.form = form;
  job.change = change;
  job.key = std::to_string(id);
  if (change != RowChange::kDelete) job.row = "(" + std::to_string(id) + "," + std::to_string(v) + ")";
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
  DmlWorkerOptions o = Options(1, 100);
  o.multiple_rows = true;
  DmlWorkerPool pool(o);
  const auto form = IdValueForm(Table());
  for (int id = 0; id < 50; ++id) {
    ASSERT_TRUE(pool.Push(0, MergeJob(4 + static_cast<uint64_t>(id), form, RowChange::kInsert, id, id * 3)).ok());
  }
  ASSERT_TRUE(pool.Push(0, Job(100, 0, "DELETE FROM " + Table() + " WHERE id = 7")).ok());
  ASSERT_TRUE(pool.Drain().ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 49u);
  EXPECT_EQ(rows[7][0], "8");
  EXPECT_EQ(rows[7][1], "24");
}

TEST_F(DmlWorkerTest, CompactAndMultipleRowsEndWithTheRowsOfEachChangeInOrder) {
  const auto form = IdValueForm(Table());
  for (int mode = 0; mode < 3; ++mode) {
    SCOPED_TRACE("mode " + std::to_string(mode));
    ASSERT_TRUE(conn_->Execute("DELETE FROM " + Table()).ok());
    DmlWorkerOptions o = Options(3, 40);
    o.compact = mode != 2;
    o.multiple_rows = mode != 1;
    o.queue_size = 64;
    // Workers on neighbouring keys can deadlock on InnoDB's next-key locks
    // (an upsert locks the gap before its row); the syncer retries the
    // batch then, and so does this pool.
    o.max_retries = 8;
    o.retry_backoff = std::chrono::milliseconds(10);
    DmlWorkerPool pool(o);
    // 3000 random changes on 40 keys, each valid where it happens (insert of
    // an absent key, update or delete of a present one): every fold and
    // every merge of a batch meets keys changed several times.
    std::map<int, int> model;
    std::mt19937 rng(1234 + mode);
    uint64_t offset = 4;
    for (int step = 0; step < 3000; ++step) {
      const int id = static_cast<int>(rng() % 40);
      const int v = static_cast<int>(rng() % 1000);
      RowChange change = RowChange::kInsert;
      if (model.count(id) > 0) change = rng() % 3 == 0 ? RowChange::kDelete : RowChange::kUpdate;
      if (change == RowChange::kDelete) {
        model.erase(id);
      } else {
        model[id] = v;
      }
      const uint64_t keys[] = {static_cast<uint64_t>(id) * 2654435761u};
      bool conflict = false;
      const uint32_t worker = WorkerForKeys(keys, pool.worker_count(), &conflict);
      Status pushed = pool.Push(worker, MergeJob(offset++, form, change, id, v));
      ASSERT_TRUE(pushed.ok()) << pushed.ToString();
    }
    Status drained = pool.Drain();
    ASSERT_TRUE(drained.ok()) << drained.ToString();
    EXPECT_EQ(pool.applied(), 3000u);
    auto rows = Rows();
    ASSERT_EQ(rows.size(), model.size());
    size_t i = 0;
    for (const auto& [id, v] : model) {
      EXPECT_EQ(rows[i][0], std::to_string(id));
      EXPECT_EQ(rows[i][1], std::to_string(v)) << "id " << id;
      ++i;
    }
  }
}

TEST_F(DmlWorkerTest, MergedDeletesOfATwoColumnKeyAndPlainChangesKeepTheirPlace) {
  const std::string t2 = mysql::QualifiedName(db_, "t2");
  ASSERT_TRUE(conn_->Execute("CREATE TABLE " + t2 + " (a INT, b INT, v INT, PRIMARY KEY (a, b))").ok());
  auto form = std::make_shared<MergeForm>();
  form->target = t2;
  form->insert_prefix = "INSERT INTO " + t2 + " (`a`,`b`,`v`) VALUES ";
  form->keyed = true;
  form->upsert_suffix = " ON DUPLICATE KEY UPDATE `v`=VALUES(`v`)";
  form->delete_prefix = "DELETE FROM " + t2 + " WHERE (";
  DmlWorkerOptions o = Options(1, 100);
  o.multiple_rows = true;
  o.compact = true;  // a non-canonical key: merged in runs, never folded
  DmlWorkerPool pool(o);
  uint64_t offset = 4;
  auto push = [&](RowChange change, int a, int b, int v) {
    DmlJob job;
    job.point = {{"mysql-bin.000001", offset++}, 0};
    job.form = form;
    job.change = change;
    job.key = "`a`=" + std::to_string(a) + " AND `b`=" + std::to_string(b);
    job.row = "(" + std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(v) + ")";
    ASSERT_TRUE(pool.Push(0, std::move(job)).ok());
  };
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) push(RowChange::kInsert, a, b, a * 10 + b);
  }
  push(RowChange::kDelete, 0, 1, 0);
  push(RowChange::kDelete, 2, 2, 0);
  push(RowChange::kDelete, 0, 1, 0);  // again: a no-op, as alone
  push(RowChange::kUpdate, 1, 1, 99);
  push(RowChange::kUpdate, 1, 1, 98);  // the later image wins
  // A plain statement between merged changes runs in its place.
  ASSERT_TRUE(pool.Push(0, Job(offset++, 0, "UPDATE " + t2 + " SET v = v + 1000 WHERE a = 2")).ok());
  push(RowChange::kInsert, 2, 2, 7);
  ASSERT_TRUE(pool.Drain().ok());
  auto rows = conn_->QueryRows("SELECT a, b, v FROM " + t2 + " ORDER BY a, b");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> got;
  for (const auto& r : *rows) got.push_back(*r[0] + "," + *r[1] + "," + *r[2]);
  EXPECT_EQ(got, (std::vector<std::string>{"0,0,0", "0,2,2", "1,0,10", "1,1,98", "1,2,12", "2,0,1020", "2,1,1021",
                                           "2,2,7"}));
}

TEST_F(DmlWorkerTest, CompactLeavesAnImpossibleChangeToFailAloneNamingItsRow) {
  const auto form = IdValueForm(Table());
  DmlWorkerOptions o = Options(1, 10);
  o.compact = true;
  o.multiple_rows = true;
  DmlWorkerPool pool(o);
  ASSERT_TRUE(pool.Push(0, MergeJob(10, form, RowChange::kInsert, 1, 1)).ok());
  ASSERT_TRUE(pool.Push(0, MergeJob(11, form, RowChange::kUpdate, 1, 2)).ok());
  DmlJob dup = MergeJob(12, form, RowChange::kInsert, 1, 3);  // the key is present: a duplicate
  dup.point.row = 6;
  ASSERT_TRUE(pool.Push(0, std::move(dup)).ok());
  Status s = pool.Drain();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("row change 6 of the rows event at (mysql-bin.000001, 12)"), std::string::npos)
      << s.ToString();
  EXPECT_TRUE(Rows().empty());  // the batch is rolled back as a whole
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
