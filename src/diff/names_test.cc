#include "diff/names.h"

#include <gtest/gtest.h>

namespace dm::diff {
namespace {

TEST(WildcardTest, MatchesStarAndQuestionMark) {
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything"));
  EXPECT_TRUE(WildcardMatch("shard_*", "shard_01"));
  EXPECT_TRUE(WildcardMatch("t_?", "t_1"));
  EXPECT_FALSE(WildcardMatch("t_?", "t_12"));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXXbYY"));
  EXPECT_TRUE(WildcardMatch("exact", "exact"));
  EXPECT_FALSE(WildcardMatch("exact", "Exact"));  // case-sensitive, like the server on Linux
  EXPECT_TRUE(WildcardMatch("**x", "x"));
}

TEST(TablePatternTest, ParsesPlainAndBacktickedParts) {
  auto p = ParseTablePattern("db.tbl");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->schema, "db");
  EXPECT_EQ(p->table, "tbl");
  auto q = ParseTablePattern("`my.db`.`a``b`");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->schema, "my.db");
  EXPECT_EQ(q->table, "a`b");
  EXPECT_TRUE(q->Matches({"my.db", "a`b"}));
  EXPECT_FALSE(ParseTablePattern("nodot").ok());
  EXPECT_FALSE(ParseTablePattern("db.").ok());
  EXPECT_FALSE(ParseTablePattern(".t").ok());
  EXPECT_FALSE(ParseTablePattern("`open.t").ok());
}

TEST(RouteTest, MapsMatchingTablesAndKeepsOthers) {
  auto merge = ParseRoute("shard_*.t_*=merged.t");
  auto keep = ParseRoute("db_*.*=all.*");
  ASSERT_TRUE(merge.ok());
  ASSERT_TRUE(keep.ok());
  std::vector<Route> routes = {*merge, *keep};
  EXPECT_EQ(ApplyRoutes(routes, {"shard_1", "t_7"}), (TableName{"merged", "t"}));
  EXPECT_EQ(ApplyRoutes(routes, {"db_2", "orders"}), (TableName{"all", "orders"}));
  EXPECT_EQ(ApplyRoutes(routes, {"other", "x"}), (TableName{"other", "x"}));
}

TEST(RouteTest, FirstMatchWins) {
  std::vector<Route> routes = {*ParseRoute("s.a=x.first"), *ParseRoute("s.*=x.second")};
  EXPECT_EQ(ApplyRoutes(routes, {"s", "a"}).table, "first");
  EXPECT_EQ(ApplyRoutes(routes, {"s", "b"}).table, "second");
}

TEST(RouteTest, RejectsMalformedRoutes) {
  EXPECT_FALSE(ParseRoute("a.b").ok());
  EXPECT_FALSE(ParseRoute("a.b=c").ok());
  EXPECT_FALSE(ParseRoute("a.b=c.d=e.f").ok());
  EXPECT_FALSE(ParseRoute("a.b=c_*.d").ok());  // target parts are names or '*'
}

TEST(TableNameTest, QuotedUsesBackticks) { EXPECT_EQ((TableName{"d b", "t`"}).Quoted(), "`d b`.`t```"); }

}  // namespace
}  // namespace dm::diff
