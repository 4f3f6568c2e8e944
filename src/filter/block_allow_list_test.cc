#include "filter/block_allow_list.h"

#include <gtest/gtest.h>

namespace dm::filter {
namespace {

BlockAllowList Build(const config::BlockAllowList& rules, bool case_sensitive = false) {
  auto list = BlockAllowList::Create(rules, case_sensitive);
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  return list.ok() ? std::move(list).value() : BlockAllowList();
}

// DM's documented example ("Block and allow table lists", the bw-rule over
// logs/forum/forum_backup_*).
TEST(BlockAllowListTest, DmDocumentedExample) {
  config::BlockAllowList rules;
  rules.do_dbs = {"forum_backup_2018", "forum"};
  rules.ignore_dbs = {"~^forum_backup_"};
  rules.do_tables = {{"logs", "~_2018$"}, {"~^forum.*", "messages"}};
  rules.ignore_tables = {{"~.*", "~^messages.*"}};
  BlockAllowList list = Build(rules);

  EXPECT_FALSE(list.Match("logs", "messages_2016"));  // logs is not in do-dbs
  EXPECT_FALSE(list.Match("logs", "messages_2017"));
  EXPECT_FALSE(list.Match("logs", "messages_2018"));
  EXPECT_FALSE(list.Match("forum_backup_2016", "messages"));
  EXPECT_FALSE(list.Match("forum_backup_2017", "messages"));
  EXPECT_FALSE(list.Match("forum", "users"));             // no do-tables match
  EXPECT_TRUE(list.Match("forum", "messages"));            // do-tables wins over ignore-tables
  EXPECT_TRUE(list.Match("forum_backup_2018", "messages"));  // do-dbs wins over ignore-dbs
}

TEST(BlockAllowListTest, IgnoreDbsOnlyApplyWithoutDoDbs) {
  config::BlockAllowList rules;
  rules.ignore_dbs = {"mysql", "account"};
  BlockAllowList list = Build(rules);
  EXPECT_FALSE(list.Match("account", "t"));
  EXPECT_FALSE(list.Match("account", ""));
  EXPECT_TRUE(list.Match("shop", "t"));
}

TEST(BlockAllowListTest, IgnoreTablesDropOnlyMatchingTables) {
  config::BlockAllowList rules;
  rules.do_dbs = {"~^shop_[0-9]+$"};
  rules.ignore_tables = {{"~^shop_.*", "tmp_log"}};
  BlockAllowList list = Build(rules);
  EXPECT_TRUE(list.Match("shop_01", "orders"));
  EXPECT_FALSE(list.Match("shop_01", "tmp_log"));
  EXPECT_FALSE(list.Match("shop_x", "orders"));
  EXPECT_TRUE(list.Match("shop_01", ""));  // schema-level statements pass the table level
}

TEST(BlockAllowListTest, DoTablesKeepOnlyMatches) {
  config::BlockAllowList rules;
  rules.do_tables = {{"user", "information"}, {"~^test.*", "~^t.*"}};
  BlockAllowList list = Build(rules);
  EXPECT_TRUE(list.Match("user", "information"));
  EXPECT_FALSE(list.Match("user", "log"));
  EXPECT_TRUE(list.Match("test_1", "t_2"));
  EXPECT_FALSE(list.Match("test_1", "x"));
  EXPECT_TRUE(list.Match("anything", ""));  // schemas are not restricted by do-tables
}

TEST(BlockAllowListTest, WildcardsInLiteralNames) {
  config::BlockAllowList rules;
  rules.do_dbs = {"shop_*", "db?"};
  BlockAllowList list = Build(rules);
  EXPECT_TRUE(list.Match("shop_1", "t"));
  EXPECT_TRUE(list.Match("db1", "t"));
  EXPECT_FALSE(list.Match("db12", "t"));
}

TEST(BlockAllowListTest, CaseInsensitiveByDefault) {
  config::BlockAllowList rules;
  rules.do_dbs = {"Shop", "~^abc"};
  rules.do_tables = {{"Shop", "Orders"}, {"~^abc", "~^T_"}};
  BlockAllowList insensitive = Build(rules, false);
  EXPECT_TRUE(insensitive.Match("SHOP", "orders"));
  EXPECT_TRUE(insensitive.Match("ABCdef", "t_1"));
  BlockAllowList sensitive = Build(rules, true);
  EXPECT_FALSE(sensitive.Match("SHOP", "orders"));
  EXPECT_TRUE(sensitive.Match("Shop", "Orders"));
  EXPECT_TRUE(sensitive.Match("abcdef", "T_1"));
  EXPECT_FALSE(sensitive.Match("ABCdef", "T_1"));
  EXPECT_FALSE(sensitive.Match("abcdef", "t_1"));
}

TEST(BlockAllowListTest, EmptyListMigratesEverything) {
  BlockAllowList list = Build(config::BlockAllowList{});
  EXPECT_TRUE(list.Match("a", "b"));
  EXPECT_TRUE(BlockAllowList().Match("a", ""));
}

TEST(BlockAllowListTest, InvalidRulesAreRejected) {
  config::BlockAllowList bad_regex;
  bad_regex.do_dbs = {"~("};
  auto r = BlockAllowList::Create(bad_regex, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error_code(), ErrorCode::kBlockAllowListInvalid);
  EXPECT_NE(r.status().message().find("do-dbs"), std::string::npos);

  config::BlockAllowList empty_name;
  empty_name.do_tables = {{"db", ""}};
  EXPECT_FALSE(BlockAllowList::Create(empty_name, false).ok());

  config::BlockAllowList star_inside;
  star_inside.ignore_dbs = {"a*b"};
  EXPECT_FALSE(BlockAllowList::Create(star_inside, false).ok());
}

TEST(BlockAllowListTest, SystemSchemas) {
  EXPECT_TRUE(BlockAllowList::IsSystemSchema("mysql"));
  EXPECT_TRUE(BlockAllowList::IsSystemSchema("INFORMATION_SCHEMA"));
  EXPECT_TRUE(BlockAllowList::IsSystemSchema("performance_schema"));
  EXPECT_TRUE(BlockAllowList::IsSystemSchema("sys"));
  EXPECT_FALSE(BlockAllowList::IsSystemSchema("mysql2"));
}

}  // namespace
}  // namespace dm::filter
