#include "check/grants.h"

#include <gtest/gtest.h>

namespace dm::check {
namespace {

std::vector<GrantEntry> Parse(const std::vector<std::string>& lines) {
  auto grants = ParseGrants(lines);
  EXPECT_TRUE(grants.ok()) << grants.status().message();
  return grants.ok() ? *grants : std::vector<GrantEntry>{};
}

TEST(GrantsTest, AllPrivilegesOnEverythingGrantsAllButGrantOption) {
  auto e = Parse({"GRANT ALL PRIVILEGES ON *.* TO `dm`@`127.0.0.1` IDENTIFIED BY PASSWORD '*AB'"});
  EXPECT_TRUE(Grants(e, "SELECT", {"db", "t"}));
  EXPECT_TRUE(Grants(e, "RELOAD", {}));
  EXPECT_TRUE(Grants(e, "REPLICATION SLAVE", {}));
  EXPECT_FALSE(Grants(e, "GRANT OPTION", {}));
}

TEST(GrantsTest, DatabaseLevelCoversItsTablesOnlyAndNeverGlobalOnlyPrivileges) {
  auto e = Parse({"GRANT USAGE ON *.* TO `u`@`%`", "GRANT SELECT, RELOAD ON `shop`.* TO `u`@`%`"});
  EXPECT_TRUE(Grants(e, "SELECT", {"shop", "orders"}));
  EXPECT_FALSE(Grants(e, "SELECT", {"other", "orders"}));
  EXPECT_FALSE(Grants(e, "RELOAD", {}));
  EXPECT_EQ(MissingPrivileges(e, {"SELECT", "RELOAD"}, {{"shop", "a"}, {"other", "b"}, {"other", "c"}}),
            "lack of SELECT privilege: {`other`.`b`, `other`.`c`}; lack of RELOAD privilege; ");
}

TEST(GrantsTest, DatabaseNameIsALikePattern) {
  auto e = Parse({"GRANT SELECT ON `shop\\_%`.* TO `u`@`%`"});
  EXPECT_TRUE(Grants(e, "SELECT", {"shop_1", "t"}));
  EXPECT_FALSE(Grants(e, "SELECT", {"shopX1", "t"}));  // \_ is a literal underscore
  auto any = Parse({"GRANT SELECT ON `s_op`.* TO `u`@`%`"});
  EXPECT_TRUE(Grants(any, "SELECT", {"shop", "t"}));
}

TEST(GrantsTest, TableLevelAndColumnLevel) {
  auto e = Parse({"GRANT SELECT, INSERT ON `db`.`t1` TO `u`@`%`", "GRANT SELECT (`a`, `b`), UPDATE ON `db`.`t2` TO `u`@`%`"});
  EXPECT_TRUE(Grants(e, "SELECT", {"db", "t1"}));
  EXPECT_FALSE(Grants(e, "SELECT", {"db", "t2"}));  // some columns only
  EXPECT_TRUE(Grants(e, "UPDATE", {"db", "t2"}));
  EXPECT_FALSE(Grants(e, "SELECT", {"db", ""}));
}

TEST(GrantsTest, QuotedNamesWithBackticksAndKeywords) {
  auto e = Parse({"GRANT SELECT ON `we``ird on to`.`t to` TO `u`@`%`"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].db, "we`ird on to");
  EXPECT_EQ(e[0].table, "t to");
}

TEST(GrantsTest, MariaDbSynonymsAndSuper) {
  auto e = Parse({"GRANT BINLOG MONITOR, REPLICATION REPLICA ON *.* TO `u`@`%`"});
  EXPECT_TRUE(Grants(e, "REPLICATION CLIENT", {}));
  EXPECT_TRUE(Grants(e, "REPLICATION SLAVE", {}));
  auto super = Parse({"GRANT SUPER ON *.* TO `u`@`%`"});
  EXPECT_TRUE(Grants(super, "REPLICATION CLIENT", {}));
  EXPECT_FALSE(Grants(super, "REPLICATION SLAVE", {}));
}

TEST(GrantsTest, RoleProxyRoutineAndDefaultRoleLinesGrantNoTableAccess) {
  auto grants = ParseGrants({"GRANT `reader`, `writer` TO `u`@`%`", "GRANT PROXY ON ''@'%' TO 'u'@'%' WITH GRANT OPTION",
                             "GRANT EXECUTE ON PROCEDURE `db`.`p` TO `u`@`%`", "SET DEFAULT ROLE `reader` FOR `u`@`%`"});
  ASSERT_TRUE(grants.ok()) << grants.status().message();
  EXPECT_TRUE(grants->empty());
}

TEST(GrantsTest, SchemaTargetsAreNamedWithoutTable) {
  auto e = Parse({"GRANT SELECT ON `a`.* TO `u`@`%`"});
  EXPECT_EQ(MissingPrivileges(e, {"SELECT", "CREATE"}, {{"a", ""}, {"b", ""}}),
            "lack of SELECT privilege: {`b`}; lack of CREATE privilege: {`a`; `b`}; ");
}

TEST(GrantsTest, MalformedLineIsAnError) {
  EXPECT_FALSE(ParseGrants({"GRANT SELECT ON `db.* TO u"}).ok());
  EXPECT_FALSE(ParseGrants({"GRANT SELECT ON db.*"}).ok());
}

}  // namespace
}  // namespace dm::check
