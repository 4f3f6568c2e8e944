// Unit tests of the TiDB TableInfo converter: the exact CREATE TABLE for a
// table of every type (tidb_table_info_test_data.h cites where the field
// meanings come from), key and column selection, and errors naming the
// field.
#include "sync/tidb_table_info.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sync/tidb_table_info_test_data.h"

namespace dm::sync {
namespace {

// `cols` entry with the fields TiDB always writes.
std::string Col(const std::string& name, int offset, int tp, int flag = 0, int flen = -1, int decimal = -1,
                const std::string& charset = "binary", int state = 5) {
  return R"({"name": {"O": ")" + name + R"(", "L": ")" + name + R"("}, "offset": )" + std::to_string(offset) +
         R"(, "type": {"Tp": )" + std::to_string(tp) + R"(, "Flag": )" + std::to_string(flag) + R"(, "Flen": )" +
         std::to_string(flen) + R"(, "Decimal": )" + std::to_string(decimal) + R"(, "Charset": ")" + charset +
         R"(", "Collate": ")" + (charset == "binary" ? "binary" : charset + "_bin") +
         R"(", "Elems": null}, "state": )" + std::to_string(state) + R"(, "hidden": false})";
}

std::string Table(const std::string& cols, const std::string& rest = R"("pk_is_handle": false)") {
  return R"({"name": {"O": "t", "L": "t"}, "charset": "utf8mb4", "collate": "utf8mb4_bin", "cols": [)" + cols + "], " +
         rest + "}";
}

std::string Convert(const std::string& json) {
  auto r = TiDbTableInfoToCreateTable(json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

std::string ErrorOf(const std::string& json) {
  auto r = TiDbTableInfoToCreateTable(json);
  EXPECT_FALSE(r.ok()) << "converted to: " << (r.ok() ? *r : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().error_code(), ErrorCode::kSchemaTrackerInvalidJSON);
  return std::string(r.status().message());
}

TEST(TiDbTableInfoTest, EveryTypeComesOutAsMySqlSpellsIt) {
  EXPECT_EQ(Convert(testing::kTiDbAllTypes), testing::kTiDbAllTypesCreateTable);
}

TEST(TiDbTableInfoTest, RecognisedByItsColsMember) {
  EXPECT_TRUE(IsTiDbTableInfo(nlohmann::json::parse(testing::kTiDbAllTypes)));
  EXPECT_FALSE(IsTiDbTableInfo(nlohmann::json::parse(R"j({"create_table": "CREATE TABLE t (a INT)"})j")));
  EXPECT_FALSE(IsTiDbTableInfo(nlohmann::json::parse(R"([{"cols": []}])")));
}

TEST(TiDbTableInfoTest, ColumnsComeInOffsetOrderWhateverTheArrayOrder) {
  // A column moved by ALTER ... FIRST keeps its place in the array and gets
  // a new offset.
  EXPECT_EQ(Convert(Table(Col("b", 1, 3) + "," + Col("c", 2, 3) + "," + Col("a", 0, 3))),
            "CREATE TABLE `t` (\n  `a` INT,\n  `b` INT,\n  `c` INT\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST(TiDbTableInfoTest, CommonHandlePrimaryKeyComesFirstFromItsIndex) {
  const std::string cols = Col("a", 0, 3, 3) + "," + Col("b", 1, 15, 3, 20, 0, "utf8mb4") + "," + Col("c", 2, 3);
  const std::string keys = R"("pk_is_handle": false, "is_common_handle": true, "index_info": [
      {"idx_name": {"O": "uk_c", "L": "uk_c"}, "idx_cols": [{"name": {"O": "c", "L": "c"}, "offset": 2, "length": -1}],
       "state": 5, "is_unique": true, "is_primary": false},
      {"idx_name": {"O": "PRIMARY", "L": "primary"}, "idx_cols": [{"name": {"O": "a", "L": "a"}, "offset": 0, "length": -1},
       {"name": {"O": "B", "L": "b"}, "offset": 1, "length": 4}], "state": 5, "is_unique": true, "is_primary": true}])";
  EXPECT_EQ(Convert(Table(cols, keys)),
            "CREATE TABLE `t` (\n  `a` INT NOT NULL,\n"
            "  `b` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\n  `c` INT,\n"
            "  PRIMARY KEY (`a`,`b`(4)),\n  UNIQUE KEY `uk_c` (`c`)\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

TEST(TiDbTableInfoTest, NamesMayBePlainStringsAndTableOptionsMayBeAbsent) {
  // TiDB reads a CIStr from a plain string too (older table infos).
  EXPECT_EQ(Convert(R"({"name": "t2", "cols": [{"name": "x", "offset": 0, "state": 5,
                        "type": {"Tp": 254, "Flag": 0, "Flen": -1, "Decimal": 0, "Charset": "", "Collate": ""}}]})"),
            "CREATE TABLE `t2` (\n  `x` CHAR\n)");
}

TEST(TiDbTableInfoTest, MySql80UcaCollationsGiveWayToTheCharsetsDefault) {
  // A table DM tracked from MySQL 8.0: utf8mb4_0900_ai_ci is its default.
  EXPECT_EQ(Convert(R"({"name": "t", "charset": "utf8mb4", "collate": "utf8mb4_0900_ai_ci", "cols": [
                        {"name": "a", "offset": 0, "state": 5, "type": {"Tp": 15, "Flag": 0, "Flen": 20,
                         "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_0900_as_cs"}},
                        {"name": "b", "offset": 1, "state": 5, "type": {"Tp": 15, "Flag": 0, "Flen": 20,
                         "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_unicode_ci"}}]})"),
            "CREATE TABLE `t` (\n  `a` VARCHAR(20) CHARACTER SET utf8mb4,\n"
            "  `b` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci\n) DEFAULT CHARSET=utf8mb4");
}

TEST(TiDbTableInfoTest, IdentifiersAreQuoted) {
  EXPECT_EQ(Convert(R"({"name": {"O": "a`b"}, "cols": [{"name": {"O": "c d`"}, "offset": 0, "state": 5,
                        "type": {"Tp": 3, "Flag": 0, "Flen": 11, "Decimal": 0}}]})"),
            "CREATE TABLE `a``b` (\n  `c d``` INT(11)\n)");
}

TEST(TiDbTableInfoTest, BadInputIsAnErrorNamingTheField) {
  EXPECT_NE(ErrorOf("{not json").find("table_info: not JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("[1, 2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"name": {"O": "t"}})").find("cols: missing"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"cols": []})").find("name: missing"), std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"name": "t", "pk_is_handle": 1, "cols": []})").find("TiDB TableInfo: pk_is_handle: not a boolean"),
      std::string::npos);
  EXPECT_NE(ErrorOf(Table("")).find("cols: no public column"), std::string::npos);
  EXPECT_NE(
      ErrorOf(Table(Col("a", 0, 3) + "," + Col("v", 1, 225))).find("cols[1].type.Tp: unknown MySQL type code 225"),
      std::string::npos);
  // 17 (TIMESTAMP2) only exists in binlog TABLE_MAPs.
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 17))).find("cols[0].type.Tp: unknown MySQL type code 17"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 300))).find("cols[0].type.Tp: missing or not a type code"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 15, 0, -1, 0, "utf8mb4"))).find("cols[0].type.Flen: VARCHAR without a length"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 12, 0, 29, 9))).find("cols[0].type.Decimal"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 247))).find("cols[0].type.Elems: ENUM without members"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 3) + "," + Col("b", 2, 3))).find("cols[1].offset: 2"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 254, 0, 1, 0, "utf8mb4; DROP"))).find("cols[0].type.Charset: not a charset"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 3), R"("pk_is_handle": true)")).find("pk_is_handle"), std::string::npos);
  EXPECT_NE(ErrorOf(Table(Col("a", 0, 3), R"("index_info": [{"idx_name": {"O": "k"}, "state": 5,
                                              "idx_cols": [{"name": {"O": "zz"}, "length": -1}]}])"))
                .find("index_info[0].idx_cols[0].name: no column `zz`"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Table(R"({"name": {"O": "a"}, "offset": "0", "state": 5, "type": {"Tp": 3}})"))
                .find("cols[0].offset: not an integer"),
            std::string::npos);
}

}  // namespace
}  // namespace dm::sync
