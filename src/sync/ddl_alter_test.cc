// ALTER TABLE specifications: kinds, names, positions and byte ranges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/ddl.h"
#include "sync/ddl_test_util.h"

namespace dm::sync {
namespace {

using ::dm::sync::testing::ParseOk;
using ::testing::ElementsAre;

std::vector<std::string> SpecTexts(const DdlStatement& s) {
  std::vector<std::string> out;
  for (const AlterSpec& spec : s.alter_specs) out.emplace_back(s.Text(spec.begin, spec.end));
  return out;
}

std::vector<std::string> SpecKinds(const DdlStatement& s) {
  std::vector<std::string> out;
  for (const AlterSpec& spec : s.alter_specs) out.emplace_back(AlterSpecKindName(spec.kind));
  return out;
}

TEST(DdlAlterSpecTest, SplitsAtTopLevelCommasOnly) {
  DdlStatement s = ParseOk(
      "ALTER TABLE `t` ADD COLUMN `c` DECIMAL(10,2) DEFAULT '1,2' COMMENT 'a, b' AFTER `b`, "
      "DROP COLUMN `d` , ADD INDEX `i` (`a`, `b`)");
  EXPECT_THAT(SpecTexts(s), ElementsAre("ADD COLUMN `c` DECIMAL(10,2) DEFAULT '1,2' COMMENT 'a, b' AFTER `b`",
                                        "DROP COLUMN `d`", "ADD INDEX `i` (`a`, `b`)"));
  EXPECT_THAT(SpecKinds(s), ElementsAre("add column", "drop column", "add index"));
  EXPECT_EQ(s.alter_specs[0].name, "c");
  EXPECT_EQ(s.alter_specs[0].position, ColumnPosition::kAfter);
  EXPECT_EQ(s.alter_specs[0].after_column, "b");
  EXPECT_EQ(s.alter_specs[1].name, "d");
  EXPECT_EQ(s.alter_specs[2].name, "i");
}

TEST(DdlAlterSpecTest, ColumnPositions) {
  DdlStatement s = ParseOk(
      "ALTER TABLE t ADD c1 INT FIRST, CHANGE COLUMN a `a 2` BIGINT NOT NULL AFTER `x y`, MODIFY b TEXT, "
      "MODIFY COLUMN e ENUM('first','after') FIRST");
  ASSERT_EQ(s.alter_specs.size(), 4u);
  EXPECT_THAT(SpecKinds(s), ElementsAre("add column", "change column", "modify column", "modify column"));
  EXPECT_EQ(s.alter_specs[0].position, ColumnPosition::kFirst);
  EXPECT_EQ(s.alter_specs[1].name, "a");
  EXPECT_EQ(s.alter_specs[1].new_name, "a 2");
  EXPECT_EQ(s.alter_specs[1].position, ColumnPosition::kAfter);
  EXPECT_EQ(s.alter_specs[1].after_column, "x y");
  EXPECT_EQ(s.alter_specs[2].position, ColumnPosition::kDefault);
  EXPECT_EQ(s.alter_specs[3].name, "e");
  EXPECT_EQ(s.alter_specs[3].position, ColumnPosition::kFirst);
}

TEST(DdlAlterSpecTest, AddVariants) {
  DdlStatement s = ParseOk(
      "ALTER TABLE t ADD PRIMARY KEY (id), ADD UNIQUE KEY uk (a), ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES "
      "par (id), ADD CONSTRAINT chk CHECK (a > 0), ADD FULLTEXT INDEX ft (body), ADD KEY (b), "
      "ADD COLUMN (x INT, y INT), ADD COLUMN IF NOT EXISTS z INT, ADD CONSTRAINT UNIQUE (q)");
  EXPECT_THAT(SpecKinds(s), ElementsAre("add primary key", "add unique key", "add foreign key", "add check",
                                        "add index", "add index", "add column", "add column", "add unique key"));
  EXPECT_EQ(s.alter_specs[1].name, "uk");
  EXPECT_EQ(s.alter_specs[2].name, "fk");
  EXPECT_EQ(s.alter_specs[3].name, "chk");
  EXPECT_EQ(s.alter_specs[4].name, "ft");
  EXPECT_EQ(s.alter_specs[5].name, "");
  EXPECT_EQ(s.alter_specs[6].name, "");
  EXPECT_EQ(s.alter_specs[6].begin, s.sql.find("ADD COLUMN (x"));
  EXPECT_EQ(s.alter_specs[7].name, "z");
  EXPECT_TRUE(s.alter_specs[7].if_not_exists);
  EXPECT_EQ(s.alter_specs[8].name, "");
}

TEST(DdlAlterSpecTest, DropVariants) {
  DdlStatement s = ParseOk(
      "ALTER TABLE t DROP PRIMARY KEY, DROP INDEX `i`, DROP KEY k, DROP FOREIGN KEY IF EXISTS fk, DROP CHECK c1, "
      "DROP CONSTRAINT c2, DROP c3, DROP COLUMN IF EXISTS c4");
  EXPECT_THAT(SpecKinds(s), ElementsAre("drop primary key", "drop index", "drop index", "drop foreign key",
                                        "drop constraint", "drop constraint", "drop column", "drop column"));
  EXPECT_EQ(s.alter_specs[1].name, "i");
  EXPECT_EQ(s.alter_specs[3].name, "fk");
  EXPECT_TRUE(s.alter_specs[3].if_exists);
  EXPECT_EQ(s.alter_specs[6].name, "c3");
  EXPECT_EQ(s.alter_specs[7].name, "c4");
  EXPECT_TRUE(s.alter_specs[7].if_exists);
}

TEST(DdlAlterSpecTest, RenameVariants) {
  DdlStatement s = ParseOk("ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j, RENAME KEY k TO l, RENAME TO u");
  EXPECT_THAT(SpecKinds(s), ElementsAre("rename column", "rename index", "rename index", "rename table"));
  EXPECT_EQ(s.alter_specs[0].name, "a");
  EXPECT_EQ(s.alter_specs[0].new_name, "b");
  EXPECT_EQ(s.alter_specs[2].new_name, "l");
  EXPECT_THAT(testing::Names(s), ElementsAre("db.t", "db.u"));
}

TEST(DdlAlterSpecTest, OptionsCharsetAndOtherForms) {
  DdlStatement s = ParseOk(
      "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, ENGINE=InnoDB ROW_FORMAT=DYNAMIC, "
      "DEFAULT CHARSET=latin1, COMMENT='x,y', AUTO_INCREMENT=5, ALGORITHM=INPLACE, LOCK=NONE, FORCE, "
      "ORDER BY a, ENABLE KEYS, ALTER COLUMN a SET DEFAULT 1, ALTER c DROP DEFAULT, ALTER INDEX i INVISIBLE, "
      "ADD SYSTEM VERSIONING");
  EXPECT_THAT(SpecKinds(s),
              ElementsAre("convert charset", "table options", "table options", "table options", "table options",
                          "alter options", "alter options", "force", "order by", "enable keys", "alter column",
                          "alter column", "alter index", "other"));
  EXPECT_EQ(s.alter_specs[10].name, "a");
  EXPECT_EQ(s.alter_specs[11].name, "c");
  EXPECT_EQ(s.alter_specs[12].name, "i");
}

TEST(DdlAlterSpecTest, TablespaceAndPartitionOperations) {
  EXPECT_THAT(SpecKinds(ParseOk("ALTER TABLE t DISCARD TABLESPACE")), ElementsAre("tablespace"));
  EXPECT_THAT(SpecKinds(ParseOk("ALTER TABLE t IMPORT TABLESPACE")), ElementsAre("tablespace"));
  // A partition list keeps its commas inside the one specification.
  DdlStatement s = ParseOk("ALTER TABLE t DROP PARTITION p1, p2");
  EXPECT_THAT(SpecTexts(s), ElementsAre("DROP PARTITION p1, p2"));
  EXPECT_THAT(SpecKinds(s), ElementsAre("partition"));
  s = ParseOk("ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))");
  EXPECT_THAT(SpecKinds(s), ElementsAre("partition"));
  s = ParseOk("ALTER TABLE t TRUNCATE PARTITION p0, p1");
  EXPECT_THAT(SpecKinds(s), ElementsAre("partition"));
  s = ParseOk("ALTER TABLE t REORGANIZE PARTITION p0 INTO (PARTITION a VALUES LESS THAN (5), PARTITION b VALUES "
              "LESS THAN (10))");
  EXPECT_THAT(SpecKinds(s), ElementsAre("partition"));
}

TEST(DdlAlterSpecTest, PartitionByAfterLastSpecWithoutCommaIsItsOwnSpec) {
  DdlStatement s = ParseOk("ALTER TABLE t ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 4");
  EXPECT_THAT(SpecTexts(s), ElementsAre("ENGINE=InnoDB", "PARTITION BY HASH (id) PARTITIONS 4"));
  EXPECT_THAT(SpecKinds(s), ElementsAre("table options", "partition"));
  s = ParseOk("ALTER TABLE t ADD c INT, REMOVE PARTITIONING");
  EXPECT_THAT(SpecKinds(s), ElementsAre("add column", "partition"));
}

TEST(DdlAlterSpecTest, CommentsInsideSpecStayInItsRange) {
  DdlStatement s = ParseOk("ALTER TABLE t /* a */ ADD c INT /* b */ , /* c */ DROP d /* d */");
  EXPECT_THAT(SpecTexts(s), ElementsAre("ADD c INT", "DROP d"));
  s = ParseOk("ALTER TABLE t ADD c INT /*!50100 COMMENT 'v' */");
  EXPECT_THAT(SpecTexts(s), ElementsAre("ADD c INT /*!50100 COMMENT 'v'"));
}

TEST(DdlAlterSpecTest, NoSpecificationIsAllowed) {
  DdlStatement s = ParseOk("ALTER TABLE t");
  EXPECT_TRUE(s.alter_specs.empty());
}

TEST(DdlAlterSpecTest, MySqlBinlogAlterWithAlgorithmAndLock) {
  DdlStatement s = ParseOk("ALTER TABLE `sbtest`.`sbtest1` ADD COLUMN `k2` int NOT NULL DEFAULT '0' AFTER `k`, "
                           "ALGORITHM=INSTANT");
  EXPECT_THAT(testing::Names(s), ElementsAre("sbtest.sbtest1"));
  EXPECT_THAT(SpecKinds(s), ElementsAre("add column", "alter options"));
  EXPECT_EQ(s.alter_specs[0].after_column, "k");
}

}  // namespace
}  // namespace dm::sync
