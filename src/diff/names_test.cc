#include "diff/names.h"

#include <gtest/gtest.h>

#include "filter/table_router.h"

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

filter::TableRouter Router(const std::vector<std::string>& specs) {
  std::vector<config::RouteRule> rules;
  for (const auto& spec : specs) {
    auto rule = ParseRouteFlag(spec);
    EXPECT_TRUE(rule.ok()) << spec << ": " << rule.status().ToString();
    if (rule.ok()) rules.push_back(*rule);
  }
  auto router = filter::TableRouter::Create(rules, /*case_sensitive=*/true);
  EXPECT_TRUE(router.ok()) << router.status().ToString();
  return router.ok() ? *router : filter::TableRouter();
}

filter::TableName Routed(const filter::TableRouter& router, const std::string& schema, const std::string& table) {
  auto to = router.Route(schema, table);
  EXPECT_TRUE(to.ok()) << to.status().ToString();
  return to.ok() ? *to : filter::TableName{};
}

TEST(RouteFlagTest, TranslatesToDmRouteRules) {
  auto merge = ParseRouteFlag("shard_*.t_*=merged.t");
  ASSERT_TRUE(merge.ok());
  EXPECT_EQ(merge->schema_pattern, "shard_*");
  EXPECT_EQ(merge->table_pattern, "t_*");
  EXPECT_EQ(merge->target_schema, "merged");
  EXPECT_EQ(merge->target_table, "t");
  auto keep = ParseRouteFlag("db_*.*=all.*");  // schema-level, table keeps its name
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->table_pattern, "");
  EXPECT_EQ(keep->target_schema, "all");
  EXPECT_EQ(keep->target_table, "");
  auto same_schema = ParseRouteFlag("app.t_*=*.t");  // a literal schema may be kept
  ASSERT_TRUE(same_schema.ok());
  EXPECT_EQ(same_schema->target_schema, "app");
}

TEST(RouteFlagTest, MapsMatchingTablesAndKeepsOthers) {
  filter::TableRouter router = Router({"shard_*.t_*=merged.t", "db_*.*=all.*"});
  EXPECT_EQ(Routed(router, "shard_1", "t_7"), (filter::TableName{"merged", "t"}));
  EXPECT_EQ(Routed(router, "db_2", "orders"), (filter::TableName{"all", "orders"}));
  EXPECT_EQ(Routed(router, "other", "x"), (filter::TableName{"other", "x"}));
  EXPECT_EQ(Routed(router, "Shard_1", "t_7"), (filter::TableName{"Shard_1", "t_7"}));  // case-sensitive
}

TEST(RouteFlagTest, ATableRouteWinsOverASchemaRouteInAnyOrder) {
  // As DM, not "first match wins": the more specific (table-level) rule decides.
  for (const auto& router : {Router({"s.a=x.first", "s.*=x.second"}), Router({"s.*=x.second", "s.a=x.first"})}) {
    EXPECT_EQ(Routed(router, "s", "a").table, "first");
    EXPECT_EQ(Routed(router, "s", "b").table, "second");
  }
  // Two table-level rules matching one table are DM's RouteTableDupMatch.
  EXPECT_FALSE(Router({"s.a*=x.one", "s.ab=x.two"}).Route("s", "ab").ok());
}

TEST(RouteFlagTest, RejectsMalformedRoutes) {
  EXPECT_FALSE(ParseRouteFlag("a.b").ok());
  EXPECT_FALSE(ParseRouteFlag("a.b=c").ok());
  EXPECT_FALSE(ParseRouteFlag("a.b=c.d=e.f").ok());
  EXPECT_FALSE(ParseRouteFlag("a.b=c_*.d").ok());  // target parts are names or '*'
  EXPECT_FALSE(ParseRouteFlag("a_*.b=*.d").ok());  // DM needs a named target schema
  // DM wildcards allow '*' only last: the router refuses the rule.
  auto mid_star = ParseRouteFlag("a*b.t=c.d");
  ASSERT_TRUE(mid_star.ok());
  EXPECT_FALSE(filter::TableRouter::Create({*mid_star}, true).ok());
}

TEST(TableNameTest, QuotedUsesBackticks) { EXPECT_EQ((TableName{"d b", "t`"}).Quoted(), "`d b`.`t```"); }

}  // namespace
}  // namespace dm::diff
