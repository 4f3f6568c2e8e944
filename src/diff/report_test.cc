#include "diff/report.h"

#include <gtest/gtest.h>

#include "diff/table_meta.h"

namespace dm::diff {
namespace {

ColumnMeta Column(std::string name, std::string type, std::string charset = "") {
  ColumnMeta c;
  c.name = std::move(name);
  c.data_type = std::move(type);
  c.charset = std::move(charset);
  c.collation = c.charset.empty() ? "" : c.charset + "_bin";
  DeriveExpressions(&c);
  return c;
}

TEST(ColumnExpressionTest, ExactReadsPerType) {
  EXPECT_EQ(Column("f", "float").select_expr, "CAST(`f` AS DOUBLE)");
  EXPECT_EQ(Column("b", "bit").select_expr, "CAST(`b` AS UNSIGNED)");
  EXPECT_EQ(Column("i", "int").select_expr, "`i`");
  EXPECT_EQ(Column("i", "int").checksum_expr, "`i`");
  EXPECT_EQ(Column("s", "varchar", "latin1").checksum_expr, "CAST(`s` AS BINARY)");
  EXPECT_EQ(Column("g", "geometry").kind, ValueKind::kBytes);
  EXPECT_EQ(Column("d", "datetime").kind, ValueKind::kText);
}

TEST(KeyLiteralTest, LiteralsCompareUnderTheColumnsRules) {
  EXPECT_EQ(KeyLiteral(Column("i", "bigint"), "-17"), "-17");
  EXPECT_EQ(KeyLiteral(Column("d", "decimal"), "12.50"), "12.50");
  EXPECT_EQ(KeyLiteral(Column("t", "datetime"), "2020-01-01 00:00:00.5"), "'2020-01-01 00:00:00.5'");
  EXPECT_EQ(KeyLiteral(Column("b", "varbinary", "binary"), std::string("\0\xff", 2)), "X'00FF'");
  EXPECT_EQ(KeyLiteral(Column("s", "varchar", "utf8mb4"), "ab"), "_utf8mb4 X'6162' COLLATE utf8mb4_bin");
  EXPECT_EQ(KeyLiteral(Column("i", "int"), "1; DROP"), "'1; DROP'");
}

TEST(FormatValueTest, ShowsNullTextAndBytes) {
  EXPECT_EQ(FormatValue(Column("i", "int"), std::nullopt), "NULL");
  EXPECT_EQ(FormatValue(Column("i", "int"), std::string("5")), "5");
  EXPECT_EQ(FormatValue(Column("s", "varchar", "utf8mb4"), std::string("héllo")), "'héllo'");
  EXPECT_EQ(FormatValue(Column("s", "varchar", "utf8mb4"), std::string("")), "''");
  EXPECT_EQ(FormatValue(Column("s", "varchar", "latin1"), std::string("\xe9")), "X'E9'");
  EXPECT_EQ(FormatValue(Column("b", "varbinary", "binary"), std::string("ab")), "X'6162'");
  EXPECT_EQ(FormatValue(Column("b", "blob", "binary"), std::string(100, 'a'), 2), "X'6161'...(100 bytes)");
}

TEST(FormatKeyTest, NamesEveryKeyColumn) {
  TableMeta m;
  m.columns = {Column("a", "int"), Column("b", "varchar", "utf8mb4")};
  mysql::Row row = {std::string("1"), std::string("x")};
  EXPECT_EQ(FormatKey(m, {0, 1}, row), "(`a`=1, `b`='x')");
}

TEST(FormatTableReportTest, PrintsOkDiffAndError) {
  TableReport r;
  r.target = {"db", "t"};
  r.sources = {"h:1 `db`.`t`"};
  r.key_name = "PRIMARY";
  r.rows_compared = 10;
  r.chunks = 1;
  EXPECT_EQ(FormatTableReport(r), "[OK] `db`.`t`: 10 rows equal (key `PRIMARY`, 1 chunks; sources: h:1 `db`.`t`)\n");
  r.differences.push_back({DiffKind::kMissingRow, "(`id`=3)", "row is in source h:1 `db`.`t`, not in target"});
  EXPECT_EQ(FormatTableReport(r),
            "[DIFF] `db`.`t`: missing-row at (`id`=3): row is in source h:1 `db`.`t`, not in target\n");
  r.differences.clear();
  r.error = Status::Unavailable("gone");
  EXPECT_EQ(FormatTableReport(r), "[ERROR] `db`.`t`: Unavailable: gone\n");
}

}  // namespace
}  // namespace dm::diff
