// ConnectionPool against the shared MariaDB instance.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "mysql/error.h"
#include "mysql/integration_test_util.h"
#include "mysql/pool.h"
#include "mysql/quote.h"

namespace dm::mysql {
namespace {

using std::chrono::milliseconds;
using testing::UniqueDbName;
using testing::UpstreamOptions;

Connection Admin() {
  auto c = Connection::Connect(UpstreamOptions());
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(ConnectionPoolTest, ReusesReleasedConnection) {
  ConnectionPool pool(UpstreamOptions(), 2);
  uint64_t first_id = 0;
  {
    auto lease = pool.Acquire(milliseconds(5000));
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    first_id = (*lease)->thread_id();
    EXPECT_EQ(pool.open_count(), 1u);
  }
  EXPECT_EQ(pool.idle_count(), 1u);
  auto again = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->thread_id(), first_id);
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST(ConnectionPoolTest, AcquireTimesOutWhenAllAreLeased) {
  ConnectionPool pool(UpstreamOptions(), 1);
  auto held = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(held.ok());
  auto start = std::chrono::steady_clock::now();
  auto none = pool.Acquire(milliseconds(150));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(140));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST(ConnectionPoolTest, AcquireWaitsForRelease) {
  ConnectionPool pool(UpstreamOptions(), 1);
  auto held = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(held.ok());
  std::thread releaser([lease = std::move(held).value()]() mutable {
    std::this_thread::sleep_for(milliseconds(200));
    PooledConnection done = std::move(lease);
  });
  auto next = pool.Acquire(milliseconds(10000));
  releaser.join();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE((*next)->Ping().ok());
}

TEST(ConnectionPoolTest, KilledConnectionIsDiscardedNotReused) {
  ConnectionPool pool(UpstreamOptions(), 2);
  Connection admin = Admin();
  uint64_t killed_id = 0;
  {
    auto lease = pool.Acquire(milliseconds(5000));
    ASSERT_TRUE(lease.ok());
    killed_id = (*lease)->thread_id();
    ASSERT_TRUE(admin.Execute("KILL CONNECTION " + std::to_string(killed_id)).ok());
    Status s = (*lease)->Execute("SELECT 1");
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_TRUE((*lease)->broken());
  }
  EXPECT_EQ(pool.open_count(), 0u);
  auto fresh = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE((*fresh)->thread_id(), killed_id);
  EXPECT_TRUE((*fresh)->Execute("SELECT 1").ok());
}

TEST(ConnectionPoolTest, IdleConnectionKilledByServerIsReplacedOnAcquire) {
  // validate_after_idle 0: every reuse pings first.
  ConnectionPool pool(UpstreamOptions(), 1, std::chrono::seconds(0));
  uint64_t id = 0;
  {
    auto lease = pool.Acquire(milliseconds(5000));
    ASSERT_TRUE(lease.ok());
    id = (*lease)->thread_id();
  }
  ASSERT_TRUE(Admin().Execute("KILL CONNECTION " + std::to_string(id)).ok());
  auto lease = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_NE((*lease)->thread_id(), id);
  EXPECT_TRUE((*lease)->Execute("SELECT 1").ok());
}

TEST(ConnectionPoolTest, OpenTransactionIsRolledBackOnRelease) {
  ConnectionPool pool(UpstreamOptions(), 1);
  Connection admin = Admin();
  std::string db = UniqueDbName("pool");
  std::string table = QualifiedName(db, "t");
  ASSERT_TRUE(admin.Execute("CREATE DATABASE " + QuoteIdentifier(db)).ok());
  ASSERT_TRUE(admin.Execute("CREATE TABLE " + table + " (id INT PRIMARY KEY) ENGINE=InnoDB").ok());
  {
    auto lease = pool.Acquire(milliseconds(5000));
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->Begin().ok());
    ASSERT_TRUE((*lease)->Execute("INSERT INTO " + table + " VALUES (1)").ok());
  }
  auto lease = pool.Acquire(milliseconds(5000));
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->in_transaction());
  auto count = (*lease)->QueryValue("SELECT COUNT(*) FROM " + table);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(**count, "0");
  EXPECT_TRUE(admin.Execute("DROP DATABASE " + QuoteIdentifier(db)).ok());
}

TEST(ConnectionPoolTest, DiscardClosesInsteadOfReturning) {
  ConnectionPool pool(UpstreamOptions(), 2);
  {
    auto lease = pool.Acquire(milliseconds(5000));
    ASSERT_TRUE(lease.ok());
    lease->Discard();
  }
  EXPECT_EQ(pool.open_count(), 0u);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST(ConnectionPoolTest, ConnectFailureFreesTheSlot) {
  ConnectionOptions bad = UpstreamOptions();
  bad.password = Secret("not-the-password");
  ConnectionPool pool(bad, 1);
  for (int i = 0; i < 2; ++i) {
    auto lease = pool.Acquire(milliseconds(1000));
    ASSERT_FALSE(lease.ok());
    EXPECT_EQ(MysqlErrorNumber(lease.status()), kErAccessDenied) << lease.status().ToString();
  }
  EXPECT_EQ(pool.open_count(), 0u);
}

TEST(ConnectionPoolTest, ConcurrentUsersNeverExceedTheBound) {
  constexpr size_t kMax = 3;
  ConnectionPool pool(UpstreamOptions(), kMax);
  std::atomic<int> in_use{0};
  std::atomic<int> peak{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto lease = pool.Acquire(milliseconds(20000));
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        int now = ++in_use;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        if (!(*lease)->Execute("DO 1").ok()) ++failures;
        --in_use;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(peak.load(), static_cast<int>(kMax));
  EXPECT_LE(pool.open_count(), kMax);
}

}  // namespace
}  // namespace dm::mysql
