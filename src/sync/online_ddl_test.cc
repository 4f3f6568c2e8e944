#include "sync/online_ddl.h"

#include <gtest/gtest.h>

namespace dm::sync {
namespace {

TEST(OnlineDdlTest, DmsDefaultRulesTellShadowTrashAndRealTables) {
  auto online = OnlineDdl::Create({"^_(.+)_(?:new|gho)$"}, {"^_(.+)_(?:ghc|del|old)$"}, "dm_meta", "task", "src");
  ASSERT_TRUE(online.ok()) << online.status().ToString();
  EXPECT_EQ(online->RoleOf("_orders_gho"), OnlineDdl::Role::kShadow);
  EXPECT_EQ(online->RoleOf("_orders_new"), OnlineDdl::Role::kShadow);
  EXPECT_EQ(online->RoleOf("_orders_ghc"), OnlineDdl::Role::kTrash);
  EXPECT_EQ(online->RoleOf("_orders_del"), OnlineDdl::Role::kTrash);
  EXPECT_EQ(online->RoleOf("_orders_old"), OnlineDdl::Role::kTrash);
  EXPECT_EQ(online->RoleOf("orders"), OnlineDdl::Role::kReal);
  EXPECT_EQ(online->RoleOf("orders_new"), OnlineDdl::Role::kReal);
  EXPECT_EQ(online->RoleOf("__new"), OnlineDdl::Role::kReal);
  EXPECT_EQ(online->table(), "`dm_meta`.`task_onlineddl`");
}

TEST(OnlineDdlTest, CustomRulesAndBadRules) {
  auto online = OnlineDdl::Create({"^(.+)_shadow$"}, {"^(.+)_trash$"}, "m", "t", "s");
  ASSERT_TRUE(online.ok()) << online.status().ToString();
  EXPECT_EQ(online->RoleOf("orders_shadow"), OnlineDdl::Role::kShadow);
  EXPECT_EQ(online->RoleOf("orders_trash"), OnlineDdl::Role::kTrash);
  EXPECT_EQ(online->RoleOf("_orders_gho"), OnlineDdl::Role::kReal);

  auto bad = OnlineDdl::Create({"^(.+"}, {}, "m", "t", "s");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("shadow-table-rules"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace dm::sync
