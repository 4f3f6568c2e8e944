// Classification and name extraction, from statements as MariaDB 10.11 and
// MySQL 8.0 write them to the binlog.
#include "sync/ddl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/ddl_test_util.h"

namespace dm::sync {
namespace {

using ::dm::sync::testing::Names;
using ::dm::sync::testing::NameTexts;
using ::dm::sync::testing::ParseOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DdlParseTest, TransactionControlAndAdministrationAreNotDdl) {
  struct Case {
    std::string sql;
    std::string keywords;
  };
  for (const Case& c : std::vector<Case>{
           {"BEGIN", "BEGIN"},
           {"COMMIT", "COMMIT"},
           {"ROLLBACK", "ROLLBACK"},
           {"XA START X'31',X'',1", "XA"},
           {"XA END X'31',X'',1", "XA"},
           {"XA PREPARE X'31',X'',1", "XA"},
           {"XA COMMIT X'31',X'',1", "XA"},
           {"SAVEPOINT `sp`", "SAVEPOINT"},
           {"SET PASSWORD FOR 'u'@'%'='*AA'", "SET"},
           {"GRANT SELECT ON `db`.* TO 'u'@'%'", "GRANT"},
           {"REVOKE ALL PRIVILEGES ON *.* FROM 'u'@'%'", "REVOKE"},
           {"FLUSH PRIVILEGES", "FLUSH"},
           {"ANALYZE TABLE t", "ANALYZE"},
           {"OPTIMIZE TABLE t", "OPTIMIZE"},
           {"REPAIR TABLE t", "REPAIR"},
           {"CREATE USER 'u'@'%' IDENTIFIED BY PASSWORD '*AA'", "CREATE USER"},
           {"CREATE ROLE r", "CREATE ROLE"},
           {"ALTER USER 'u'@'%' PASSWORD EXPIRE", "ALTER USER"},
           {"DROP USER 'u'@'%'", "DROP USER"},
           {"RENAME USER 'a'@'%' TO 'b'@'%'", "RENAME USER"},
           {"CREATE DEFINER=`root`@`localhost` PROCEDURE `p`() BEGIN SELECT 1; END", "CREATE PROCEDURE"},
           {"CREATE DEFINER=`root`@`localhost` FUNCTION `f`() RETURNS int(11) RETURN 1", "CREATE FUNCTION"},
           {"CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
            "CREATE TRIGGER"},
           {"CREATE DEFINER=`root`@`localhost` EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", "CREATE EVENT"},
           {"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`",
            "CREATE VIEW"},
           {"CREATE OR REPLACE VIEW v AS SELECT * FROM t", "CREATE VIEW"},
           {"CREATE AGGREGATE FUNCTION agg(x INT) RETURNS INT BEGIN RETURN 1; END", "CREATE FUNCTION"},
           {"ALTER DEFINER=`root`@`localhost` VIEW v AS SELECT 2", "ALTER VIEW"},
           {"DROP VIEW IF EXISTS `v`", "DROP VIEW"},
           {"DROP PROCEDURE IF EXISTS `p`", "DROP PROCEDURE"},
           {"DROP TRIGGER IF EXISTS `db`.`trg`", "DROP TRIGGER"},
           {"DROP EVENT e", "DROP EVENT"},
           {"DROP FUNCTION f", "DROP FUNCTION"},
           {"CREATE SPATIAL REFERENCE SYSTEM 4120 NAME 'x' DEFINITION 'y'", "CREATE SPATIAL REFERENCE SYSTEM"},
           {"CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (USER 'r')", "CREATE SERVER"},
       }) {
    DdlStatement statement = ParseOk(c.sql);
    EXPECT_EQ(statement.kind, StatementKind::kNotDdl) << c.sql;
    EXPECT_EQ(statement.keywords, c.keywords) << c.sql;
    EXPECT_TRUE(statement.names.empty()) << c.sql;
    EXPECT_FALSE(statement.IsDdl()) << c.sql;
  }
}

TEST(DdlParseTest, StatementBasedDmlIsDml) {
  for (const char* sql : {"INSERT INTO t VALUES (1)", "update t set a=1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
                          "LOAD DATA INFILE 'x' INTO TABLE t"}) {
    EXPECT_EQ(ParseOk(sql).kind, StatementKind::kDml) << sql;
  }
}

TEST(DdlParseTest, CreateDatabaseVariants) {
  DdlStatement s = ParseOk("CREATE DATABASE `shop`");
  EXPECT_EQ(s.kind, StatementKind::kCreateDatabase);
  EXPECT_THAT(Names(s), ElementsAre("shop"));
  EXPECT_THAT(NameTexts(s), ElementsAre("`shop`"));

  s = ParseOk("CREATE SCHEMA IF NOT EXISTS shop /*!40100 DEFAULT CHARACTER SET utf8mb4 */");
  EXPECT_EQ(s.kind, StatementKind::kCreateDatabase);
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_THAT(Names(s), ElementsAre("shop"));

  s = ParseOk("CREATE OR REPLACE DATABASE d CHARACTER SET = latin1", "");
  EXPECT_TRUE(s.or_replace);
  EXPECT_THAT(Names(s), ElementsAre("d"));
  EXPECT_EQ(s.names[0].role, NameRole::kSubject);
}

TEST(DdlParseTest, DropDatabaseVariants) {
  DdlStatement s = ParseOk("DROP DATABASE IF EXISTS `old db`");
  EXPECT_EQ(s.kind, StatementKind::kDropDatabase);
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("old db"));
  EXPECT_EQ(ParseOk("drop schema x").kind, StatementKind::kDropDatabase);
}

TEST(DdlParseTest, AlterDatabaseWithAndWithoutName) {
  DdlStatement s = ParseOk("ALTER DATABASE `d1` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  EXPECT_EQ(s.kind, StatementKind::kAlterDatabase);
  EXPECT_THAT(Names(s), ElementsAre("d1"));

  s = ParseOk("ALTER DATABASE DEFAULT CHARACTER SET latin1", "cur");
  EXPECT_THAT(Names(s), ElementsAre("cur"));
  EXPECT_EQ(s.names[0].begin, s.names[0].end);
  EXPECT_EQ(s.names[0].begin, std::string_view("ALTER DATABASE").size());
  EXPECT_FALSE(s.names[0].schema_written);
}

TEST(DdlParseTest, CreateTableAsMariaDbLogsIt) {
  DdlStatement s = ParseOk(
      "CREATE TABLE `t1` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(20) DEFAULT 'a,b)',\n"
      "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
      "test");
  EXPECT_EQ(s.kind, StatementKind::kCreateTable);
  EXPECT_EQ(s.keywords, "CREATE TABLE");
  EXPECT_THAT(Names(s), ElementsAre("test.t1"));
  EXPECT_THAT(NameTexts(s), ElementsAre("`t1`"));
  EXPECT_FALSE(s.names[0].schema_written);
  EXPECT_FALSE(s.create_select);
  EXPECT_FALSE(s.temporary);
}

TEST(DdlParseTest, CreateTableQualifiedIfNotExists) {
  DdlStatement s = ParseOk("create table if not exists `a`.`b` (x int) engine=InnoDB");
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_THAT(Names(s), ElementsAre("a.b"));
  EXPECT_THAT(NameTexts(s), ElementsAre("`a`.`b`"));
  EXPECT_TRUE(s.names[0].schema_written);
}

TEST(DdlParseTest, CreateTemporaryTableIsFlagged) {
  DdlStatement s = ParseOk("CREATE TEMPORARY TABLE tmp (a INT)");
  EXPECT_EQ(s.kind, StatementKind::kCreateTable);
  EXPECT_TRUE(s.temporary);
  EXPECT_THAT(Names(s), ElementsAre("db.tmp"));
}

TEST(DdlParseTest, CreateOrReplaceTable) {
  DdlStatement s = ParseOk("CREATE OR REPLACE TABLE t (a INT)");
  EXPECT_TRUE(s.or_replace);
  EXPECT_THAT(Names(s), ElementsAre("db.t"));
}

TEST(DdlParseTest, CreateTableLikeBothForms) {
  DdlStatement s = ParseOk("CREATE TABLE `t2` LIKE `other`.`t1`");
  EXPECT_TRUE(s.create_like);
  EXPECT_THAT(Names(s), ElementsAre("db.t2", "other.t1"));
  EXPECT_EQ(s.names[1].role, NameRole::kLikeSource);

  s = ParseOk("CREATE TABLE t2 (LIKE t1)");
  EXPECT_TRUE(s.create_like);
  EXPECT_THAT(Names(s), ElementsAre("db.t2", "db.t1"));
}

TEST(DdlParseTest, CreateTableSelectIsFlagged) {
  for (const char* sql : {"CREATE TABLE t2 SELECT * FROM t1", "CREATE TABLE t2 AS SELECT a FROM t1",
                          "CREATE TABLE t2 (a INT) ENGINE=InnoDB IGNORE SELECT a FROM t1",
                          "CREATE TABLE t2 (SELECT * FROM t1)", "CREATE TABLE t2 AS WITH c AS (SELECT 1) SELECT * FROM c",
                          "CREATE TABLE t2 AS TABLE t1"}) {
    DdlStatement s = ParseOk(sql);
    EXPECT_TRUE(s.create_select) << sql;
    EXPECT_THAT(Names(s), ElementsAre("db.t2")) << sql;
  }
}

TEST(DdlParseTest, MySqlAtomicCreateSelectIsNotASelect) {
  // MySQL 8.0.21+ logs CREATE TABLE ... SELECT under ROW format as the table
  // definition followed by START TRANSACTION, then row events.
  DdlStatement s = ParseOk("CREATE TABLE `t2` (\n  `a` int DEFAULT NULL\n) START TRANSACTION");
  EXPECT_FALSE(s.create_select);
  EXPECT_THAT(Names(s), ElementsAre("db.t2"));
}

TEST(DdlParseTest, CreateTableForeignKeyParentsAreNames) {
  DdlStatement s = ParseOk(
      "CREATE TABLE child (id INT, pid INT REFERENCES parent0(id), "
      "CONSTRAINT fk FOREIGN KEY (pid) REFERENCES `p`.`parent` (`id`) ON DELETE CASCADE)");
  EXPECT_THAT(Names(s), ElementsAre("db.child", "db.parent0", "p.parent"));
  EXPECT_EQ(s.names[1].role, NameRole::kReferenced);
  EXPECT_EQ(s.names[2].role, NameRole::kReferenced);
}

TEST(DdlParseTest, CreateMergeTableUnionMembersAreNames) {
  DdlStatement s = ParseOk("CREATE TABLE m (a INT) ENGINE=MERGE UNION=(t1, o.t2) INSERT_METHOD=LAST");
  EXPECT_THAT(Names(s), ElementsAre("db.m", "db.t1", "o.t2"));
}

TEST(DdlParseTest, CreateTableWithPartitionsAndGeneratedColumns) {
  DdlStatement s = ParseOk(
      "CREATE TABLE p (a INT, b INT AS (a + 1) VIRTUAL, c JSON CHECK (json_valid(c))) "
      "PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)");
  EXPECT_FALSE(s.create_select);
  EXPECT_THAT(Names(s), ElementsAre("db.p"));
}

TEST(DdlParseTest, QuotedNamesWithSpacesBackticksAndUnicode) {
  DdlStatement s = ParseOk("CREATE TABLE `my db`.`we``ird t` (a INT)");
  EXPECT_THAT(Names(s), ElementsAre("my db.we`ird t"));
  EXPECT_THAT(NameTexts(s), ElementsAre("`my db`.`we``ird t`"));

  s = ParseOk("DROP TABLE `données`.`日本語`, tábla");
  EXPECT_THAT(Names(s), ElementsAre("données.日本語", "db.tábla"));
}

TEST(DdlParseTest, AnsiQuotedNames) {
  SqlDialect dialect;
  dialect.ansi_quotes = true;
  DdlStatement s = ParseOk(R"(CREATE TABLE "s"."t ""x""" (a INT DEFAULT 'q'))", "db", dialect);
  EXPECT_THAT(Names(s), ElementsAre(R"(s.t "x")"));
}

TEST(DdlParseTest, SpacesAndCommentsAroundTheDot) {
  DdlStatement s = ParseOk("TRUNCATE TABLE a /* x */ . b");
  EXPECT_THAT(Names(s), ElementsAre("a.b"));
  EXPECT_THAT(NameTexts(s), ElementsAre("a /* x */ . b"));
}

TEST(DdlParseTest, DropTableAsMariaDbLogsIt) {
  DdlStatement s = ParseOk("DROP TABLE IF EXISTS `t` /* generated by server */", "test");
  EXPECT_EQ(s.kind, StatementKind::kDropTable);
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("test.t"));

  s = ParseOk("DROP TABLE `t1`,`t2` /* generated by server */", "test");
  EXPECT_THAT(Names(s), ElementsAre("test.t1", "test.t2"));
}

TEST(DdlParseTest, DropTemporaryTableInVersionedCommentAsMySqlLogsIt) {
  // MySQL writes this when a session holding temporary tables ends.
  DdlStatement s = ParseOk("DROP /*!40005 TEMPORARY */ TABLE IF EXISTS `tmp1`,`tmp2`");
  EXPECT_TRUE(s.temporary);
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("db.tmp1", "db.tmp2"));
}

TEST(DdlParseTest, DropTableTrailingOptions) {
  EXPECT_THAT(Names(ParseOk("DROP TABLES a, b.c RESTRICT")), ElementsAre("db.a", "b.c"));
  EXPECT_THAT(Names(ParseOk("DROP TABLE a WAIT 5 CASCADE")), ElementsAre("db.a"));
  EXPECT_THAT(Names(ParseOk("DROP TABLE a NOWAIT;")), ElementsAre("db.a"));
}

TEST(DdlParseTest, RenameTableMultiplePairs) {
  DdlStatement s = ParseOk("RENAME TABLE a.b TO c.d, e TO f", "cur");
  EXPECT_EQ(s.kind, StatementKind::kRenameTable);
  EXPECT_THAT(Names(s), ElementsAre("a.b", "c.d", "cur.e", "cur.f"));
  EXPECT_EQ(s.names[0].role, NameRole::kSubject);
  EXPECT_EQ(s.names[1].role, NameRole::kNewName);
  EXPECT_EQ(s.names[2].role, NameRole::kSubject);
  EXPECT_EQ(s.names[3].role, NameRole::kNewName);

  s = ParseOk("RENAME TABLE IF EXISTS `x` WAIT 1 TO `y`");
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("db.x", "db.y"));
}

TEST(DdlParseTest, TruncateWithAndWithoutTableKeyword) {
  EXPECT_THAT(Names(ParseOk("TRUNCATE TABLE `t`")), ElementsAre("db.t"));
  DdlStatement s = ParseOk("truncate o.t");
  EXPECT_EQ(s.kind, StatementKind::kTruncateTable);
  EXPECT_THAT(Names(s), ElementsAre("o.t"));
}

TEST(DdlParseTest, CreateIndexVariants) {
  DdlStatement s = ParseOk("CREATE UNIQUE INDEX `uk` ON `t` (`a`, `b`(10)) USING BTREE");
  EXPECT_EQ(s.kind, StatementKind::kCreateIndex);
  EXPECT_THAT(Names(s), ElementsAre("db.t"));
  EXPECT_THAT(Names(ParseOk("CREATE FULLTEXT INDEX ft ON o.docs (body)")), ElementsAre("o.docs"));
  EXPECT_THAT(Names(ParseOk("CREATE SPATIAL INDEX sp ON g (pt)")), ElementsAre("db.g"));
  EXPECT_THAT(Names(ParseOk("CREATE INDEX i USING HASH ON t (a)")), ElementsAre("db.t"));
  s = ParseOk("CREATE OR REPLACE INDEX IF NOT EXISTS i ON t (a) ALGORITHM=INPLACE");
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_TRUE(s.or_replace);
}

TEST(DdlParseTest, DropIndexVariants) {
  DdlStatement s = ParseOk("DROP INDEX `PRIMARY` ON `t`");
  EXPECT_EQ(s.kind, StatementKind::kDropIndex);
  EXPECT_THAT(Names(s), ElementsAre("db.t"));
  s = ParseOk("DROP INDEX IF EXISTS i ON o.t ALGORITHM=INPLACE LOCK=NONE");
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("o.t"));
}

TEST(DdlParseTest, AlterTableVariantsNameTheTable) {
  DdlStatement s = ParseOk("ALTER TABLE `t` ADD COLUMN `c` INT");
  EXPECT_EQ(s.kind, StatementKind::kAlterTable);
  EXPECT_THAT(Names(s), ElementsAre("db.t"));
  EXPECT_THAT(Names(ParseOk("ALTER ONLINE TABLE t ADD c INT")), ElementsAre("db.t"));
  EXPECT_THAT(Names(ParseOk("ALTER IGNORE TABLE t ADD UNIQUE (c)")), ElementsAre("db.t"));
  s = ParseOk("ALTER TABLE IF EXISTS o.t ADD COLUMN IF NOT EXISTS c INT");
  EXPECT_TRUE(s.if_exists);
  EXPECT_THAT(Names(s), ElementsAre("o.t"));
  EXPECT_THAT(Names(ParseOk("ALTER TABLE t WAIT 3 DROP COLUMN c")), ElementsAre("db.t"));
}

TEST(DdlParseTest, AlterTableRenameIsANewName) {
  for (const char* sql : {"ALTER TABLE a RENAME TO o.b", "ALTER TABLE a RENAME AS o.b", "ALTER TABLE a RENAME o.b"}) {
    DdlStatement s = ParseOk(sql);
    EXPECT_THAT(Names(s), ElementsAre("db.a", "o.b")) << sql;
    EXPECT_EQ(s.names[1].role, NameRole::kNewName) << sql;
  }
}

TEST(DdlParseTest, AlterTableReferencedTables) {
  DdlStatement s = ParseOk("ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id), "
                           "EXCHANGE PARTITION p0 WITH TABLE o.x");
  EXPECT_THAT(Names(s), ElementsAre("db.c", "db.p", "o.x"));
  EXPECT_THAT(Names(ParseOk("ALTER TABLE m UNION=(a, b)")), ElementsAre("db.m", "db.a", "db.b"));
  EXPECT_THAT(Names(ParseOk("ALTER TABLE t CONVERT PARTITION p1 TO TABLE t_old")), ElementsAre("db.t", "db.t_old"));
  EXPECT_THAT(Names(ParseOk("ALTER TABLE t CONVERT TABLE t_new TO PARTITION p2 VALUES LESS THAN (10)")),
              ElementsAre("db.t", "db.t_new"));
}

TEST(DdlParseTest, VersionedCommentWrapsWholeDdl) {
  DdlStatement s = ParseOk("/*!40000 ALTER TABLE `t` DISABLE KEYS */", "test");
  EXPECT_EQ(s.kind, StatementKind::kAlterTable);
  EXPECT_THAT(Names(s), ElementsAre("test.t"));
  ASSERT_EQ(s.alter_specs.size(), 1u);
  EXPECT_EQ(s.alter_specs[0].kind, AlterSpecKind::kDisableKeys);
}

TEST(DdlParseTest, MariaDbSetStatementForRunsTheInnerStatement) {
  DdlStatement s = ParseOk("SET STATEMENT max_statement_time=60, lock_wait_timeout='for' FOR ALTER TABLE t ADD c INT");
  EXPECT_EQ(s.kind, StatementKind::kAlterTable);
  EXPECT_THAT(Names(s), ElementsAre("db.t"));
  ASSERT_EQ(s.alter_specs.size(), 1u);
  EXPECT_EQ(s.Text(s.alter_specs[0].begin, s.alter_specs[0].end), "ADD c INT");
  EXPECT_EQ(ParseOk("SET STATEMENT sql_mode='' FOR DROP TABLE a, b").kind, StatementKind::kDropTable);
  EXPECT_EQ(ParseOk("SET STATEMENT x=1 FOR GRANT SELECT ON *.* TO u").kind, StatementKind::kNotDdl);
  EXPECT_EQ(ParseOk("SET @a = 1").kind, StatementKind::kNotDdl);
  EXPECT_FALSE(ParseStatement("SET STATEMENT x=1", "db").ok());
  EXPECT_FALSE(ParseStatement("SET STATEMENT x=1 FOR", "db").ok());
  EXPECT_FALSE(ParseStatement("SET STATEMENT x=1 FOR FROB", "db").ok());
}

TEST(DdlParseTest, LeadingCommentsAreSkipped) {
  DdlStatement s = ParseOk("/* ApplicationName=DBeaver */ -- x\n# y\n  CREATE TABLE t (a INT)");
  EXPECT_EQ(s.kind, StatementKind::kCreateTable);
  EXPECT_THAT(NameTexts(s), ElementsAre("t"));
}

TEST(DdlParseTest, UnqualifiedNameWithoutDefaultSchemaIsAnError) {
  Result<DdlStatement> s = ParseStatement("DROP TABLE a.b, c", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().error_code(), ErrorCode::kSyncerUnitNoDefaultSchema);
  EXPECT_THAT(s.status().message(), HasSubstr("\"DROP TABLE a.b, c\""));
  EXPECT_THAT(s.status().message(), HasSubstr("'c' at byte 16"));

  EXPECT_FALSE(ParseStatement("ALTER DATABASE CHARACTER SET utf8", "").ok());
  EXPECT_TRUE(ParseStatement("DROP TABLE a.b", "").ok());
  EXPECT_TRUE(ParseStatement("CREATE DATABASE x", "").ok());
}

TEST(DdlParseTest, MalformedDdlNamesStatementAndOffset) {
  struct Case {
    std::string sql;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"DROP TABLE", "expected a table name at byte 10 near the end of the statement"},
           {"DROP TABLE t1,", "expected a table name at byte 14"},
           {"DROP TABLE t1 t2", "expected the end of the statement at byte 14 near 't2'"},
           {"RENAME TABLE a b", "expected TO at byte 15 near 'b'"},
           {"CREATE TABLE t (a INT", "expected ')' at byte 21"},
           {"CREATE TABLE t (a INT))", "expected an opening '(' for this ')' at byte 22"},
           {"CREATE SEQUENCE s", "at byte 7 near 'SEQUENCE s'"},
           {"FROBNICATE t", "expected a statement keyword at byte 0"},
           {"", "expected a statement at byte 0"},
           {"(", "expected a statement keyword at byte 0"},
           {"ALTER TABLE t ADD c INT,", "expected an alter specification at byte 24"},
           {"ALTER TABLE t ,", "expected an alter specification at byte 14"},
           {"CREATE TABLE t (a VARCHAR(2) DEFAULT 'x)", "unterminated string starting at byte 37"},
           {"DROP TABLE ``", "expected a non-empty name at byte 11"},
           {"DROP TABLE ``.t", "expected a non-empty name at byte 11 near '``.t'"},
           {"DROP DATABASE ``", "expected a non-empty name at byte 14"},
       }) {
    Result<DdlStatement> s = ParseStatement(c.sql, "db");
    ASSERT_FALSE(s.ok()) << c.sql;
    EXPECT_EQ(s.status().error_code(), ErrorCode::kSyncerUnitParseStmt) << c.sql;
    EXPECT_THAT(s.status().message(), HasSubstr(c.expected)) << c.sql;
    EXPECT_THAT(s.status().message(), HasSubstr("cannot parse statement \"" + c.sql + "\"")) << c.sql;
  }
}

TEST(DdlParseTest, LongStatementIsQuotedByItsHead) {
  std::string sql = "CREATE TABLE t (" + std::string(5000, ' ') + "a INT";
  Result<DdlStatement> s = ParseStatement(sql, "db");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("...\" (5021 bytes)"));
  EXPECT_LT(s.status().message().size(), 1300u);
}

TEST(DdlParseTest, KindNamesMatchEventFilterNames) {
  for (StatementKind kind : {StatementKind::kCreateDatabase, StatementKind::kDropDatabase,
                             StatementKind::kAlterDatabase, StatementKind::kCreateTable, StatementKind::kAlterTable,
                             StatementKind::kDropTable, StatementKind::kRenameTable, StatementKind::kTruncateTable,
                             StatementKind::kCreateIndex, StatementKind::kDropIndex}) {
    Result<filter::EventType> parsed = filter::ParseEventType(StatementKindName(kind));
    ASSERT_TRUE(parsed.ok()) << StatementKindName(kind);
    EXPECT_EQ(*parsed, FilterEventType(kind));
  }
  EXPECT_EQ(FilterEventType(StatementKind::kNotDdl), filter::EventType::kNull);
  EXPECT_EQ(FilterEventType(StatementKind::kDml), filter::EventType::kNull);
}

}  // namespace
}  // namespace dm::sync
