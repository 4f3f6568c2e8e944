// --start-time against the shared MariaDB pair: DM's time forms, naive times
// read in a time zone by the target server, and the binlog location of the
// first event group at or after a time, with groups whose binlog timestamps
// are set by SET TIMESTAMP to fixed dates in 2037 (see the test).
#include <gtest/gtest.h>

#include "binlog/client/socket_binlog_source.h"
#include "mysql/integration_test_util.h"
#include "mysql/master_status.h"
#include "mysql/quote.h"
#include "sync/start_time.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

constexpr int64_t k20211021At0001Utc = 1634774460;

TEST(StartTimeSecondsTest, AcceptsDmsFormsAndReadsNaiveTimesInTheTimeZone) {
  const auto target = SharedOptions("DOWNSTREAM");
  auto at = [&](std::string_view text, std::string_view zone) {
    auto r = StartTimeSeconds(text, zone, target);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    return r.ok() ? *r : -1;
  };
  EXPECT_EQ(at("2021-10-21T00:01:00Z", ""), k20211021At0001Utc);
  EXPECT_EQ(at("2021-10-21T08:01:00+08:00", ""), k20211021At0001Utc);
  EXPECT_EQ(at("2021-10-20T21:31:00-02:30", ""), k20211021At0001Utc);
  EXPECT_EQ(at("2021-10-21T00:00:59.2Z", ""), k20211021At0001Utc);  // rounds up to a whole second
  EXPECT_EQ(at("2021-10-21 00:01:00", "+00:00"), k20211021At0001Utc);
  EXPECT_EQ(at("2021-10-21 08:01:00", "+08:00"), k20211021At0001Utc);
  EXPECT_EQ(at("2021-10-21T05:01:00", "+05:00"), k20211021At0001Utc);
  for (const char* bad : {"", "2021-10-21", "21-10-21 00:01:00", "2021-13-01 00:00:00", "2021-02-30 00:00:00",
                          "2021-10-21 24:00:00", "2021-10-21T00:01:00+8", "2021-10-21 00:01:00 UTC", "yesterday"}) {
    auto r = StartTimeSeconds(bad, "+00:00", target);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("--start-time"), std::string::npos) << r.status().ToString();
  }
  auto unknown = StartTimeSeconds("2021-10-21 00:01:00", "Nowhere/Atlantis", target);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("Nowhere/Atlantis"), std::string::npos) << unknown.status().ToString();
}

TEST(LocateStartTimeTest, FindsTheFirstGroupAtOrAfterTheTime) {
  const auto upstream = SharedOptions("UPSTREAM");
  auto conn = mysql::Connection::Connect(upstream);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const std::string db = UniqueDbName("starttime");
  const std::string t = mysql::QualifiedName(db, "t");
  ASSERT_TRUE(conn->Execute("CREATE DATABASE " + mysql::QuoteIdentifier(db)).ok());
  ASSERT_TRUE(conn->Execute("CREATE TABLE " + t + " (id INT PRIMARY KEY)").ok());
  // Three transactions stamped base+100, base+200, base+300 (June 2037: after
  // full_every_type's March, before cluster_start_time's December and
  // MariaDB 10.11's 2038 limit), in a binlog file of their own: an earlier
  // file may hold events another test stamped further ahead, which would
  // come first. The scan starts in the newest file that began before the time.
  ASSERT_TRUE(conn->Execute("FLUSH BINARY LOGS").ok());
  const int64_t base = 2127427200;  // 2037-06-01 UTC
  std::vector<mysql::MasterStatus> before, after;
  for (int i = 1; i <= 3; ++i) {
    auto b = mysql::ReadMasterStatus(*conn);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    before.push_back(*b);
    ASSERT_TRUE(conn->Execute("SET TIMESTAMP = " + std::to_string(base + 100 * i)).ok());
    ASSERT_TRUE(conn->Execute("INSERT INTO " + t + " VALUES (" + std::to_string(i) + ")").ok());
    ASSERT_TRUE(conn->Execute("SET TIMESTAMP = DEFAULT").ok());
    auto a = mysql::ReadMasterStatus(*conn);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    after.push_back(*a);
  }
  (void)conn->Execute("DROP DATABASE " + mysql::QuoteIdentifier(db));

  auto expect_within = [&](int64_t at, int i) {
    SCOPED_TRACE("time base+" + std::to_string(at - base));
    auto loc = LocateStartTime(upstream, 0, at);
    ASSERT_TRUE(loc.ok()) << loc.status().ToString();
    // Other tests write at the same time, but with today's timestamps: the
    // group found is transaction i itself.
    EXPECT_TRUE(binlog::ComparePositions(loc->position, {before[i].file, before[i].position}) >= 0)
        << loc->position.ToString();
    EXPECT_TRUE(binlog::ComparePositions(loc->position, {after[i].file, after[i].position}) < 0)
        << loc->position.ToString();
    // Streaming from there, the first rows are transaction i's.
    binlog::SocketBinlogSourceOptions options;
    options.connection = upstream;
    options.start = loc->position;
    options.non_blocking = true;
    auto source = binlog::SocketBinlogSource::Open(options);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    binlog::RawEvent event;
    bool found = false;
    for (int n = 0; n < 50 && !found; ++n) {
      auto more = (*source)->Next(&event);
      ASSERT_TRUE(more.ok() && *more);
      if (event.header.type == binlog::EventType::kMariaGtid) {
        EXPECT_EQ(int64_t{event.header.timestamp}, base + 100 * (i + 1));
        found = true;
      }
    }
    EXPECT_TRUE(found);
  };
  expect_within(base + 100, 0);
  expect_within(base + 150, 1);
  expect_within(base + 200, 1);
  expect_within(base + 300, 2);

  // After every event: the end of the binlog, at or after the last write.
  auto end = LocateStartTime(upstream, 0, base + 301);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_TRUE(binlog::ComparePositions(end->position, {after[2].file, after[2].position}) >= 0);
  // Before the oldest file: its first event.
  auto rows = conn->QueryRows("SHOW BINARY LOGS");
  ASSERT_TRUE(rows.ok() && !rows->empty());
  auto first = LocateStartTime(upstream, 0, 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->position.file, *(*rows)[0][0]);
}

}  // namespace
}  // namespace dm::sync
