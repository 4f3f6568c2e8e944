#include "binlog/gtid_state.h"

#include <gtest/gtest.h>

namespace dm::binlog {
namespace {

TEST(MariaDbGtidStateTest, ParsesAndPrintsDomainsInOrder) {
  auto state = MariaDbGtidState::Parse(" 1-2-7 , 0-1-100");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->ToString(), "0-1-100,1-2-7");
  EXPECT_EQ(state->Find(1)->seq_no, 7u);
  EXPECT_FALSE(state->Find(5).has_value());
}

TEST(MariaDbGtidStateTest, EmptyTextIsTheEmptyState) {
  auto state = MariaDbGtidState::Parse("");
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->empty());
  EXPECT_EQ(state->ToString(), "");
}

TEST(MariaDbGtidStateTest, RejectsMalformedItemsAndRepeatedDomains) {
  for (const char* bad : {"0-1", "0-1-x", "a-1-2", "0-1-2,", "4294967296-1-1", "0-1-2-3", "0--1"}) {
    auto state = MariaDbGtidState::Parse(bad);
    EXPECT_FALSE(state.ok()) << bad;
    EXPECT_EQ(state.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto twice = MariaDbGtidState::Parse("0-1-2,0-1-3");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("domain 0 twice"), std::string::npos) << twice.status().ToString();
}

TEST(MariaDbGtidStateTest, UpdateReplacesTheDomainsGtid) {
  MariaDbGtidState state;
  state.Update({0, 1, 5});
  state.Update({0, 2, 6});
  state.Update({3, 1, 1});
  EXPECT_EQ(state.ToString(), "0-2-6,3-1-1");
}

TEST(MariaDbGtidStateTest, GtidListKeepsTheHighestSequencePerDomain) {
  MariaDbGtidListEvent list;
  list.gtids = {{0, 1, 10}, {0, 2, 12}, {0, 3, 11}, {1, 1, 4}};
  MariaDbGtidState state;
  state.UpdateFromList(list);
  EXPECT_EQ(state.ToString(), "0-2-12,1-1-4");
}

}  // namespace
}  // namespace dm::binlog
