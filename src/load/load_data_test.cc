#include "load/load_data.h"

#include <gtest/gtest.h>

namespace dm::load {
namespace {

LoadDataColumns Columns(std::initializer_list<std::pair<std::string, LoadDataColumn>> columns) {
  LoadDataColumns out;
  for (const auto& [name, cls] : columns) {
    out.names.push_back(name);
    out.classes.push_back(cls);
  }
  return out;
}

StatementHead Head(std::string_view stmt) {
  auto head = ParseStatementHead(stmt);
  EXPECT_TRUE(head.ok()) << head.status().ToString();
  return *head;
}

const LoadDataColumns& Mixed() {
  static const LoadDataColumns columns = Columns({{"id", LoadDataColumn::kInteger},
                                                  {"d", LoadDataColumn::kDecimal},
                                                  {"f", LoadDataColumn::kFloat},
                                                  {"t", LoadDataColumn::kTemporal},
                                                  {"s", LoadDataColumn::kString}});
  return columns;
}

TEST(LoadDataTest, ColumnClassesFollowTheDataType) {
  EXPECT_EQ(LoadDataColumnFor("bigint"), LoadDataColumn::kInteger);
  EXPECT_EQ(LoadDataColumnFor("DECIMAL"), LoadDataColumn::kDecimal);
  EXPECT_EQ(LoadDataColumnFor("double"), LoadDataColumn::kFloat);
  EXPECT_EQ(LoadDataColumnFor("timestamp"), LoadDataColumn::kTemporal);
  EXPECT_EQ(LoadDataColumnFor("longblob"), LoadDataColumn::kString);
  EXPECT_EQ(LoadDataColumnFor("enum"), LoadDataColumn::kString);
  for (std::string_view t : {"year", "bit", "json", "geometry", "point", "inet6", "inet4", "uuid", "vector"}) {
    EXPECT_EQ(LoadDataColumnFor(t), LoadDataColumn::kUnsupported) << t;
  }
}

TEST(LoadDataTest, ConvertsEveryLiteralKindToFields) {
  LoadDataColumns columns = Mixed();
  LoadDataBatch batch(&columns, /*backslash_escapes=*/true);
  std::string stmt =
      "INSERT INTO `t` (`id`,`d`,`f`,`t`,`s`) VALUES\n"
      "(1,-12.50,1.5e-07,'2020-01-02 03:04:05.000006','a\\'b\\\\c'),\n"
      "(-9223372036854775808,NULL,'3',NULL,X'00090A5C41'),\n"
      "(2,0.1,-0,'0000-00-00','tab\\there\\nnl\\0nul\\Z\\%\\_\\q''\"')";
  ASSERT_TRUE(batch.Append(stmt, Head(stmt)));
  EXPECT_EQ(batch.rows(), 3u);
  EXPECT_EQ(batch.data(),
            "1\t-12.50\t1.5e-07\t2020-01-02 03:04:05.000006\ta'b\\\\c\n"
            "-9223372036854775808\t\\N\t3\t\\N\t\\0\\t\\n\\\\A\n"
            "2\t0.1\t-0\t0000-00-00\ttab\\there\\nnl\\0nul\x1a\\\\%\\\\_q'\"\n");
  EXPECT_EQ(batch.Statement(InsertVerb::kReplace, "`d`.`t`"),
            "LOAD DATA LOCAL INFILE 'dm-load-batch' REPLACE INTO TABLE `d`.`t` CHARACTER SET binary FIELDS "
            "TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\' LINES STARTING BY '' TERMINATED BY '\\n' "
            "(`id`,`d`,`f`,`t`,`s`)");
}

TEST(LoadDataTest, RefusesLiteralsWhoseStringFormMeansSomethingElse) {
  LoadDataColumns columns = Mixed();
  const char* kRefused[] = {
      "INSERT INTO `t` (`id`) VALUES (1e3)",         // an integer column reads "1e3" as 1
      "INSERT INTO `t` (`id`) VALUES (1.5)",         // rounding differs from truncation
      "INSERT INTO `t` (`d`) VALUES (1e3)",          // exponents only for FLOAT/DOUBLE
      "INSERT INTO `t` (`id`) VALUES (0x41)",        // hex is a number in numeric context
      "INSERT INTO `t` (`t`) VALUES (20200101)",     // numbers into temporal columns
      "INSERT INTO `t` (`s`) VALUES (5)",            // numbers into string columns (ENUM index)
      "INSERT INTO `t` (`s`) VALUES (b'101')",       // BIT literals
      "INSERT INTO `t` (`s`) VALUES (_utf8mb4'x')",  // introducers
      "INSERT INTO `t` (`s`) VALUES ('a' 'b')",      // concatenated strings
      "INSERT INTO `t` (`s`) VALUES (DEFAULT)",
      "INSERT INTO `t` (`id`) VALUES (1+1)",
      "INSERT INTO `t` (`s`) VALUES (X'123')",  // odd digit count
      "INSERT INTO `t` (`s`) VALUES (X'GG')",
      "INSERT INTO `t` (`s`) VALUES ('open",
      "INSERT INTO `t` (`s`) VALUES ('x'),",
      "INSERT INTO `t` (`s`) VALUES ('x') ON DUPLICATE KEY UPDATE s = 'y'",
      "INSERT INTO `t` (`id`,`s`) VALUES (1)",  // too few values
      "INSERT INTO `t` (`id`) VALUES (1,2)",    // too many values
      "INSERT INTO `t` (`nope`) VALUES (1)",    // unknown column
      "INSERT INTO `t` (`id` VALUES (1)",
      "INSERT INTO `t` (`id`) SELECT 1",
  };
  for (const char* stmt : kRefused) {
    LoadDataBatch batch(&columns, true);
    EXPECT_FALSE(batch.Append(stmt, Head(stmt))) << stmt;
    EXPECT_TRUE(batch.empty()) << stmt;
    EXPECT_EQ(batch.data(), "") << stmt;
  }
}

TEST(LoadDataTest, UnsupportedColumnsKeepTheStatementOnInsert) {
  LoadDataColumns columns = Columns({{"id", LoadDataColumn::kInteger}, {"g", LoadDataColumn::kUnsupported}});
  LoadDataBatch batch(&columns, true);
  std::string stmt = "INSERT INTO `t` (`id`,`g`) VALUES (1,X'00')";
  EXPECT_FALSE(batch.Append(stmt, Head(stmt)));
  std::string only_id = "INSERT INTO `t` (`id`) VALUES (1)";
  EXPECT_TRUE(batch.Append(only_id, Head(only_id)));
}

TEST(LoadDataTest, AFailedStatementLeavesEarlierRowsIntact) {
  LoadDataColumns columns = Mixed();
  LoadDataBatch batch(&columns, true);
  std::string good = "INSERT INTO `t` (`id`,`s`) VALUES (1,'a'),(2,'b');";
  std::string bad = "INSERT INTO `t` (`id`,`s`) VALUES (3,'c'),(4,b'1')";
  ASSERT_TRUE(batch.Append(good, Head(good)));
  EXPECT_FALSE(batch.Append(bad, Head(bad)));
  EXPECT_EQ(batch.rows(), 2u);
  EXPECT_EQ(batch.data(), "1\ta\n2\tb\n");
  // A different column list needs a batch of its own.
  std::string other = "INSERT INTO `t` (`s`,`id`) VALUES ('z',9)";
  EXPECT_FALSE(batch.Append(other, Head(other)));
  batch.Clear();
  ASSERT_TRUE(batch.Append(other, Head(other)));
  EXPECT_EQ(batch.data(), "z\t9\n");
}

TEST(LoadDataTest, StatementsWithoutAColumnListUseAllColumnsInOrder) {
  LoadDataColumns columns = Columns({{"a", LoadDataColumn::kInteger}, {"B c", LoadDataColumn::kString}});
  LoadDataBatch batch(&columns, true);
  std::string stmt = "INSERT INTO `t` VALUES (1,'x'),(2,'')";
  ASSERT_TRUE(batch.Append(stmt, Head(stmt)));
  EXPECT_EQ(batch.data(), "1\tx\n2\t\n");
  EXPECT_EQ(batch.Statement(InsertVerb::kIgnore, "`t`").find("IGNORE INTO TABLE `t`") != std::string::npos, true);
  std::string quoted = "INSERT INTO `t` (a, `B C`) VALUES (3,'y')";
  LoadDataBatch by_name(&columns, true);
  EXPECT_TRUE(by_name.Append(quoted, Head(quoted)));
}

TEST(LoadDataTest, WithoutBackslashEscapesABackslashIsData) {
  LoadDataColumns columns = Mixed();
  LoadDataBatch batch(&columns, /*backslash_escapes=*/false);
  std::string stmt = "INSERT INTO `t` (`s`) VALUES ('a\\n''b')";
  ASSERT_TRUE(batch.Append(stmt, Head(stmt)));
  EXPECT_EQ(batch.data(), "a\\\\n'b\n");
}

TEST(LoadDataTest, HostileInputNeverCrashes) {
  LoadDataColumns columns = Mixed();
  std::string base =
      "INSERT INTO `t` (`id`,`d`,`f`,`t`,`s`) VALUES (1,-1.5,2e5,'2020-01-01','x\\'y'),(2,NULL,NULL,NULL,X'00')";
  for (size_t cut = 0; cut <= base.size(); ++cut) {
    std::string stmt = base.substr(0, cut);
    auto head = ParseStatementHead(stmt);
    if (!head.ok() || head->kind != StatementKind::kInsert) continue;
    LoadDataBatch batch(&columns, true);
    bool ok = batch.Append(stmt, *head);
    // Complete statements: both rows, or the first row alone.
    EXPECT_EQ(ok, cut == base.size() || cut == base.find("),(") + 1) << cut;
    EXPECT_EQ(batch.empty(), !ok) << cut;
  }
}

}  // namespace
}  // namespace dm::load
