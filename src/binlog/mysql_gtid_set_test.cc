#include "binlog/mysql_gtid_set.h"

#include <gtest/gtest.h>

namespace dm::binlog {
namespace {

constexpr std::string_view kA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr std::string_view kB = "9f0f2d32-1a3c-11ee-8c99-0242ac120002";

Uuid U(std::string_view s) { return *ParseUuid(s); }

TEST(MySqlGtidSetTest, ParsesAndFormatsMySqlText) {
  auto set = MySqlGtidSet::Parse(std::string(kB) + ":1-3,\n " + std::string(kA) + ":1-5:7:9-10");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  // Sources ordered by UUID, as MySQL prints them.
  EXPECT_EQ(set->ToString(), std::string(kA) + ":1-5:7:9-10," + std::string(kB) + ":1-3");
  EXPECT_TRUE(MySqlGtidSet::Parse("")->empty());
  EXPECT_TRUE(MySqlGtidSet::Parse("  ")->empty());
  // Upper case and dashless UUIDs are accepted, printed lower case.
  EXPECT_EQ(MySqlGtidSet::Parse("3E11FA4771CA11E19E33C80AA9429562:4")->ToString(), std::string(kA) + ":4");
}

TEST(MySqlGtidSetTest, MalformedTextIsInvalidArgument) {
  for (std::string_view bad : {"nouuid", "3e11fa47-71ca-11e1-9e33-c80aa942956:1", "3e11fa47-71ca-11e1-9e33-c80aa9429562",
                               "3e11fa47-71ca-11e1-9e33-c80aa9429562:0", "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3",
                               "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1,",
                               "3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775807"}) {
    auto set = MySqlGtidSet::Parse(bad);
    EXPECT_FALSE(set.ok()) << bad;
    if (!set.ok()) {
      EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(MySqlGtidSetTest, IntervalsMergeWhenOverlappingOrAdjacent) {
  MySqlGtidSet set;
  set.Add(U(kA), 5);
  set.Add(U(kA), 3);
  EXPECT_EQ(set.ToString(), std::string(kA) + ":3:5");
  set.Add(U(kA), 4);
  EXPECT_EQ(set.ToString(), std::string(kA) + ":3-5");
  set.AddInterval(U(kA), 10, 20);
  set.AddInterval(U(kA), 1, 12);
  EXPECT_EQ(set.ToString(), std::string(kA) + ":1-19");
  set.AddInterval(U(kA), 30, 31);
  set.AddInterval(U(kA), 25, 26);
  set.AddInterval(U(kA), 20, 30);
  EXPECT_EQ(set.ToString(), std::string(kA) + ":1-30");
  EXPECT_EQ(set.sets().at(U(kA)).size(), 1u);
}

TEST(MySqlGtidSetTest, ContainsAndMerge) {
  auto a = *MySqlGtidSet::Parse(std::string(kA) + ":1-5:8-9");
  EXPECT_TRUE(a.Contains(U(kA), 1));
  EXPECT_TRUE(a.Contains(U(kA), 5));
  EXPECT_FALSE(a.Contains(U(kA), 6));
  EXPECT_TRUE(a.Contains(U(kA), 9));
  EXPECT_FALSE(a.Contains(U(kA), 10));
  EXPECT_FALSE(a.Contains(U(kB), 1));
  EXPECT_TRUE(a.Contains(*MySqlGtidSet::Parse(std::string(kA) + ":2-4:8")));
  EXPECT_FALSE(a.Contains(*MySqlGtidSet::Parse(std::string(kA) + ":4-8")));
  EXPECT_FALSE(a.Contains(*MySqlGtidSet::Parse(std::string(kB) + ":1")));
  EXPECT_TRUE(a.Contains(MySqlGtidSet{}));
  auto b = *MySqlGtidSet::Parse(std::string(kA) + ":6-7," + std::string(kB) + ":1");
  a.Merge(b);
  EXPECT_EQ(a.ToString(), std::string(kA) + ":1-9," + std::string(kB) + ":1");
  EXPECT_TRUE(a.Contains(b));
}

TEST(MySqlGtidSetTest, EncodesTheSidBlockAndDecodesIt) {
  auto set = *MySqlGtidSet::Parse(std::string(kA) + ":1-5:7");
  const std::vector<uint8_t> bytes = set.Encode();
  ASSERT_EQ(bytes.size(), 8u + 16 + 8 + 2 * 16);
  EXPECT_EQ(bytes[0], 1);  // one source
  EXPECT_EQ(bytes[8], 0x3e);
  EXPECT_EQ(bytes[23], 0x62);
  EXPECT_EQ(bytes[24], 2);       // two intervals
  EXPECT_EQ(bytes[32], 1);       // [1,
  EXPECT_EQ(bytes[40], 6);       //  6)
  EXPECT_EQ(bytes[48], 7);       // [7,
  EXPECT_EQ(bytes[56], 8);       //  8)
  auto back = MySqlGtidSet::Decode(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, set);
  EXPECT_EQ(MySqlGtidSet{}.Encode(), std::vector<uint8_t>(8, 0));
}

TEST(MySqlGtidSetTest, MalformedSidBlocksAreCorruption) {
  auto bytes = MySqlGtidSet::Parse(std::string(kA) + ":1-5")->Encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(MySqlGtidSet::Decode(std::span(bytes.data(), n)).status().code(), StatusCode::kCorruption) << n;
  }
  auto extra = bytes;
  extra.push_back(0);
  EXPECT_FALSE(MySqlGtidSet::Decode(extra).ok());
  auto empty_interval = bytes;
  empty_interval[40] = 1;  // end == start
  EXPECT_FALSE(MySqlGtidSet::Decode(empty_interval).ok());
  auto huge = bytes;
  huge[7] = 0x7f;  // n_sids far beyond the bytes: no allocation, an error
  EXPECT_FALSE(MySqlGtidSet::Decode(huge).ok());
}

TEST(MySqlGtidSetTest, FromPreviousGtidsEvent) {
  PreviousGtidsEvent e;
  e.sources.push_back({U(kB), {{1, 4}}});
  e.sources.push_back({U(kA), {{1, 3}, {3, 6}}});
  EXPECT_EQ(MySqlGtidSet::FromPreviousGtids(e).ToString(), std::string(kA) + ":1-5," + std::string(kB) + ":1-3");
}

}  // namespace
}  // namespace dm::binlog
