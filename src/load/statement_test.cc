#include "load/statement.h"

#include <gtest/gtest.h>

namespace dm::load {
namespace {

StatementHead Head(std::string_view stmt) {
  auto r = ParseStatementHead(stmt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : StatementHead{};
}

TEST(StatementTest, ClassifiesDumpStatements) {
  EXPECT_EQ(Head("/*!40101 SET NAMES binary*/").kind, StatementKind::kSet);
  EXPECT_EQ(Head("set time_zone='+00:00'").kind, StatementKind::kSet);
  EXPECT_EQ(Head("-- only\n/* comments */").kind, StatementKind::kEmpty);
  EXPECT_EQ(Head("DROP TABLE IF EXISTS `v`").kind, StatementKind::kDrop);
  EXPECT_EQ(Head("CREATE ALGORITHM=UNDEFINED DEFINER=`dm`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1").kind,
            StatementKind::kCreateView);
  EXPECT_EQ(Head("LOCK TABLES t WRITE").kind, StatementKind::kOther);
  StatementHead seq = Head("CREATE SEQUENCE `s` start with 1 minvalue 1");
  EXPECT_EQ(seq.kind, StatementKind::kCreateSequence);
  EXPECT_EQ(RewriteCreate("CREATE SEQUENCE `s` start with 1", Head("CREATE SEQUENCE `s` start with 1"), "`d`.`s`"),
            "CREATE SEQUENCE `d`.`s` start with 1");
}

TEST(StatementTest, ExtraColumnsGoIntoTheColumnListAndEveryRow) {
  const ExtraColumnsSql extra{",`c_table`,`c_source`", ",'01','a'", ""};
  std::string stmt = "INSERT INTO `t` (`id`,`n`) VALUES\n(1,'x)''\\'(y'),\n(2,CONCAT('(',\")\")),(3,NULL);\n";
  auto r = RewriteInsertWithExtraColumns(stmt, Head(stmt), InsertVerb::kReplace, "`d`.`t`", "", extra, true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r,
            "REPLACE INTO `d`.`t` (`id`,`n`,`c_table`,`c_source`) VALUES\n(1,'x)''\\'(y','01','a'),\n"
            "(2,CONCAT('(',\")\"),'01','a'),(3,NULL,'01','a');\n");
  // No column list: the dump's columns come first.
  stmt = "INSERT INTO t VALUES (1,'a\\\\'),(2,'b')";
  r = RewriteInsertWithExtraColumns(stmt, Head(stmt), InsertVerb::kIgnore, "`d`.`t`", "`id`,`n`", extra, true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "INSERT IGNORE INTO `d`.`t` (`id`,`n`,`c_table`,`c_source`) VALUES (1,'a\\\\','01','a'),(2,'b','01','a')");
  // Without backslash escapes a backslash ends nothing.
  stmt = "INSERT INTO t (`a`) VALUES ('x\\'),(')')";
  r = RewriteInsertWithExtraColumns(stmt, Head(stmt), InsertVerb::kInsert, "`d`.`t`", "", extra, false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "INSERT INTO `d`.`t` (`a`,`c_table`,`c_source`) VALUES ('x\\','01','a'),(')','01','a')");
  stmt = "INSERT INTO t (`a`) VALUES ('x)";
  EXPECT_FALSE(RewriteInsertWithExtraColumns(stmt, Head(stmt), InsertVerb::kInsert, "`d`.`t`", "", extra, true).ok());
  stmt = "INSERT INTO t (`a`) SELECT 1";
  EXPECT_FALSE(RewriteInsertWithExtraColumns(stmt, Head(stmt), InsertVerb::kInsert, "`d`.`t`", "", extra, true).ok());
}

TEST(StatementTest, InsertHeadFindsTheTableName) {
  StatementHead h = Head("INSERT INTO `t``1` VALUES (1)");
  EXPECT_EQ(h.kind, StatementKind::kInsert);
  EXPECT_EQ(h.name, "t`1");
  EXPECT_EQ(h.schema, "");
  h = Head("INSERT IGNORE INTO `db`.`t` (`a`) VALUES (1)");
  EXPECT_TRUE(h.ignore);
  EXPECT_EQ(h.schema, "db");
  EXPECT_EQ(h.name, "t");
  h = Head("replace t VALUES(1)");
  EXPECT_EQ(h.kind, StatementKind::kReplace);
  EXPECT_EQ(h.name, "t");
  EXPECT_FALSE(ParseStatementHead("INSERT INTO ;").ok());
}

TEST(StatementTest, RewriteInsertKeepsTheBodyBytes) {
  constexpr char kInsert[] = "INSERT INTO `t` VALUES\n(1,'\0\xff',\"x\")";
  std::string stmt(kInsert, sizeof kInsert - 1);
  StatementHead h = Head(stmt);
  std::string body = stmt.substr(h.name_end);
  EXPECT_EQ(RewriteInsert(stmt, h, InsertVerb::kReplace, "`d`.`u`"), "REPLACE INTO `d`.`u`" + body);
  EXPECT_EQ(RewriteInsert(stmt, h, InsertVerb::kIgnore, "`d`.`u`"), "INSERT IGNORE INTO `d`.`u`" + body);
  EXPECT_EQ(RewriteInsert(stmt, h, InsertVerb::kInsert, "`d`.`u`"), "INSERT INTO `d`.`u`" + body);
}

TEST(StatementTest, RewriteCreateRoutesTheName) {
  std::string db = "CREATE DATABASE `src` /*!40100 DEFAULT CHARACTER SET latin1 */";
  EXPECT_EQ(RewriteCreate(db, Head(db), "`dst`"),
            "CREATE DATABASE IF NOT EXISTS `dst` /*!40100 DEFAULT CHARACTER SET latin1 */");
  std::string table = "CREATE TABLE IF NOT EXISTS `t` (\n  `id` int\n) ENGINE=InnoDB";
  EXPECT_EQ(RewriteCreate(table, Head(table), "`d`.`u`"), "CREATE TABLE `d`.`u` (\n  `id` int\n) ENGINE=InnoDB");
}

TEST(StatementTest, CreateTableColumnsSkipIndexesAndNestedParens) {
  auto cols = ParseCreateTableColumns(
      "CREATE TABLE `t` (\n"
      "  `id` int(11) NOT NULL,\n"
      "  `e` enum('a,b','c)') DEFAULT 'a,b',\n"
      "  plain decimal(10,2),\n"
      "  `g` int GENERATED ALWAYS AS (`id` + 1) VIRTUAL,\n"
      "  PRIMARY KEY (`id`),\n"
      "  UNIQUE KEY `u` (`e`,`id`),\n"
      "  KEY `k` (`plain`),\n"
      "  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `p` (`id`),\n"
      "  CHECK (`id` > 0)\n"
      ") ENGINE=InnoDB COMMENT='x,(y'");
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(*cols, (std::vector<std::string>{"id", "e", "plain", "g"}));
}

TEST(StatementTest, UnsafeSessionSettingsAreRecognised) {
  EXPECT_TRUE(IsUnsafeSessionSet("/*!40014 SET UNIQUE_CHECKS=0 */"));
  EXPECT_TRUE(IsUnsafeSessionSet("SET @@session.sql_log_bin = 0"));
  EXPECT_FALSE(IsUnsafeSessionSet("/*!40014 SET FOREIGN_KEY_CHECKS=0*/"));
}

}  // namespace
}  // namespace dm::load
