// The pure decisions of the items (no server): versions, table schema
// errors, shard shape comparison.
#include <gtest/gtest.h>

#include "check/items.h"

namespace dm::check {
namespace {

TEST(ItemsTest, VersionWarningsAsDm) {
  EXPECT_EQ(VersionWarning("10.11.6-MariaDB-0+deb12u1-log"), "Migrating from MariaDB is experimentally supported");
  EXPECT_EQ(VersionWarning("10.0.38-MariaDB"), "version suggested at least 10.1.2 but got 10.0.38");
  EXPECT_EQ(VersionWarning("5.7.44-log"), std::nullopt);
  EXPECT_EQ(VersionWarning("5.5.62"), "version suggested at least 5.6.0 but got 5.5.62");
  EXPECT_EQ(VersionWarning("8.0.36"), "version suggested less than 8.0.0 but got 8.0.36");
}

TableShape Shape(std::vector<std::pair<std::string, std::string>> columns, std::set<std::string> keys) {
  TableShape s;
  s.columns = std::move(columns);
  s.keys = std::move(keys);
  return s;
}

TEST(ItemsTest, TableSchemaWarnsOnNoKeyAndForeignKeyAndFailsOnUnknownCharset) {
  TableShape keyless = Shape({{"a", "int(11)"}}, {});
  keyless.foreign_keys = {"fk_parent"};
  keyless.charsets = {"utf8mb4", "binary", "ucs9"};
  auto errors = TableSchemaErrors({"db", "t"}, keyless, {"utf8mb4", "latin1"});
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].severity, State::kWarn);
  EXPECT_EQ(errors[0].short_error, "table `db`.`t` Foreign Key fk_parent is not enforced while dm migrates");
  EXPECT_EQ(errors[1].severity, State::kWarn);
  EXPECT_EQ(errors[1].short_error, "table `db`.`t` primary/unique key does not exist");
  EXPECT_EQ(errors[2].severity, State::kFail);
  EXPECT_EQ(errors[2].short_error, "table `db`.`t` unsupport charset ucs9");
  EXPECT_TRUE(TableSchemaErrors({"db", "t"}, Shape({{"a", "int(11)"}}, {"PRIMARY(a)"}), {"utf8mb4"}).empty());
}

TEST(ItemsTest, ShardShapesCompareCountNamesTypesAndKeys) {
  TableShape base = Shape({{"id", "int(11)"}, {"v", "varchar(20)"}}, {"PRIMARY(id)"});
  EXPECT_EQ(CompareShardShapes("a", base, "b", base), std::nullopt);
  auto count = CompareShardShapes("a", base, "b", Shape({{"id", "int(11)"}}, {"PRIMARY(id)"}));
  ASSERT_TRUE(count);
  EXPECT_EQ(count->short_error, "column length mismatch (self: 2 vs other: 1)");
  EXPECT_EQ(count->self, "a columns [id v]");
  EXPECT_EQ(count->other, "b columns [id]");
  auto type = CompareShardShapes("a", base, "b", Shape({{"id", "int(11)"}, {"v", "varchar(30)"}}, {"PRIMARY(id)"}));
  ASSERT_TRUE(type);
  EXPECT_EQ(type->short_error, "different column definition");
  EXPECT_EQ(type->other, "b column v varchar(30)");
  auto order = CompareShardShapes("a", base, "b", Shape({{"v", "varchar(20)"}, {"id", "int(11)"}}, {"PRIMARY(id)"}));
  ASSERT_TRUE(order);
  auto keys = CompareShardShapes("a", base, "b",
                                 Shape({{"id", "int(11)"}, {"v", "varchar(20)"}}, {"PRIMARY(id)", "UNIQUE(v)"}));
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->short_error, "different primary/unique keys");
}

}  // namespace
}  // namespace dm::check
