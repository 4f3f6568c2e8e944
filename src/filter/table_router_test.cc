#include "filter/table_router.h"

#include <gtest/gtest.h>

namespace dm::filter {
namespace {

config::RouteRule Rule(std::string schema_pattern, std::string table_pattern, std::string target_schema,
                       std::string target_table) {
  config::RouteRule r;
  r.schema_pattern = std::move(schema_pattern);
  r.table_pattern = std::move(table_pattern);
  r.target_schema = std::move(target_schema);
  r.target_table = std::move(target_table);
  return r;
}

TableRouter Build(const std::vector<config::RouteRule>& rules, bool case_sensitive = false) {
  auto router = TableRouter::Create(rules, case_sensitive);
  EXPECT_TRUE(router.ok()) << router.status().ToString();
  return router.ok() ? std::move(router).value() : TableRouter();
}

TableName Route(const TableRouter& r, std::string_view schema, std::string_view table) {
  auto out = r.Route(schema, table);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : TableName{};
}

// DM's documented shard-merge example: test_*.t_* -> test.t, plus a schema
// rule test_* -> test for the other tables.
TEST(TableRouterTest, DmDocumentedShardMerge) {
  TableRouter r = Build({Rule("test_*", "t_*", "test", "t"), Rule("test_*", "", "test", "")});
  EXPECT_EQ(Route(r, "test_1", "t_1"), (TableName{"test", "t"}));
  EXPECT_EQ(Route(r, "test_2", "t_9"), (TableName{"test", "t"}));
  // The table rule does not match: the schema rule routes, the name stays.
  EXPECT_EQ(Route(r, "test_1", "orders"), (TableName{"test", "orders"}));
  // Schema-level question: only schema rules decide.
  EXPECT_EQ(Route(r, "test_1", ""), (TableName{"test", ""}));
  // No rule matches: unchanged.
  EXPECT_EQ(Route(r, "prod", "t_1"), (TableName{"prod", "t_1"}));
}

TEST(TableRouterTest, WildcardRulesMergeManyTablesIntoOne) {
  TableRouter r = Build({Rule("test_*", "t_*", "test", "t"), Rule("test_*", "", "test", ""),
                         Rule("one", "only", "other", "renamed")});
  EXPECT_TRUE(*r.MergesMany("test_1", "t_2"));     // table-level wildcard
  EXPECT_TRUE(*r.MergesMany("test_1", "orders"));  // schema-level wildcard: same names meet
  EXPECT_FALSE(*r.MergesMany("one", "only"));      // a plain rename
  EXPECT_FALSE(*r.MergesMany("plain", "x"));       // no rule: identity
}

TEST(TableRouterTest, TableRuleWithoutSchemaRuleKeepsOtherTables) {
  TableRouter r = Build({Rule("shop_?", "orders_*", "shop", "orders")});
  EXPECT_EQ(Route(r, "shop_1", "orders_2024"), (TableName{"shop", "orders"}));
  EXPECT_EQ(Route(r, "shop_1", "items"), (TableName{"shop_1", "items"}));
  EXPECT_EQ(Route(r, "shop_1", ""), (TableName{"shop_1", ""}));
}

TEST(TableRouterTest, RegexPatternsWork) {
  TableRouter r = Build({Rule("~^shop_[0-9]+$", "~^orders_", "shop", "orders")});
  EXPECT_EQ(Route(r, "shop_12", "orders_x"), (TableName{"shop", "orders"}));
  EXPECT_EQ(Route(r, "shop_x", "orders_x"), (TableName{"shop_x", "orders_x"}));
}

TEST(TableRouterTest, CaseInsensitiveMatchingKeepsNamesCase) {
  TableRouter r = Build({Rule("Test_*", "", "Target", "")});
  EXPECT_EQ(Route(r, "TEST_1", "MyTable"), (TableName{"Target", "MyTable"}));
  TableRouter sensitive = Build({Rule("Test_*", "", "Target", "")}, true);
  EXPECT_EQ(Route(sensitive, "TEST_1", "MyTable"), (TableName{"TEST_1", "MyTable"}));
  EXPECT_EQ(Route(sensitive, "Test_1", "MyTable"), (TableName{"Target", "MyTable"}));
}

TEST(TableRouterTest, TwoMatchingRulesOfOneLevelAreAnError) {
  TableRouter r = Build({Rule("test_*", "t_*", "a", "t"), Rule("test_1", "t_?", "b", "t")});
  auto out = r.Route("test_1", "t_1");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().error_code(), ErrorCode::kRouteTableDupMatch);
  // Only one of them matches t_12.
  EXPECT_EQ(Route(r, "test_1", "t_12"), (TableName{"a", "t"}));

  TableRouter schemas = Build({Rule("test_*", "", "a", ""), Rule("test_1*", "", "b", "")});
  EXPECT_FALSE(schemas.Route("test_1", "x").ok());
}

TEST(TableRouterTest, InvalidRulesAreRejected) {
  EXPECT_FALSE(TableRouter::Create({Rule("", "t", "a", "")}, false).ok());
  EXPECT_FALSE(TableRouter::Create({Rule("db", "t", "", "")}, false).ok());
  EXPECT_FALSE(TableRouter::Create({Rule("d*b", "", "a", "")}, false).ok());
  config::RouteRule bad = Rule("db", "t", "a", "");
  bad.extract_table = config::RouteExtractTable{"(", "c"};
  auto r = TableRouter::Create({bad}, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error_code(), ErrorCode::kRouteRuleInvalid);
}

// DM's documented extract example (routes with extract-table/schema/source).
TEST(TableRouterTest, ExtractColumnsFromDmDocs) {
  config::RouteRule rule = Rule("test_*", "t_*", "test", "t");
  rule.extract_table = config::RouteExtractTable{"t_(.*)", "c_table"};
  rule.extract_schema = config::RouteExtractSchema{"test_(.*)", "c_schema"};
  rule.extract_source = config::RouteExtractSource{"(.*)", "c_source"};
  TableRouter r = Build({rule, Rule("test_*", "", "test", "")});
  EXPECT_EQ(r.ExtraColumns("test_01", "t_01", "mysql-replica-01"),
            (std::vector<ExtraColumn>{{"c_table", "01"}, {"c_schema", "01"}, {"c_source", "mysql-replica-01"}}));
  // The schema rule decides other tables; it extracts nothing.
  EXPECT_TRUE(r.ExtraColumns("test_01", "other", "s").empty());
  EXPECT_TRUE(r.ExtraColumns("prod", "t_1", "s").empty());
}

TEST(TableRouterTest, ExtractConcatenatesGroupsAndIsEmptyWithoutMatch) {
  config::RouteRule rule = Rule("shop_*", "", "shop", "");
  rule.extract_schema = config::RouteExtractSchema{"shop_([a-z]+)_([0-9]+)", "c_shard"};
  TableRouter r = Build({rule});
  EXPECT_EQ(r.ExtraColumns("shop_eu_07", "t", "s"), (std::vector<ExtraColumn>{{"c_shard", "eu07"}}));
  EXPECT_EQ(r.ExtraColumns("shop_x", "t", "s"), (std::vector<ExtraColumn>{{"c_shard", ""}}));
}

TEST(TableRouterTest, EmptyRouterIsIdentity) {
  TableRouter r;
  EXPECT_EQ(Route(r, "a", "b"), (TableName{"a", "b"}));
  EXPECT_TRUE(r.ExtraColumns("a", "b", "s").empty());
}

}  // namespace
}  // namespace dm::filter
