#include "load/dump_dir.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "testutil/test_env.h"

namespace dm::load {
namespace {

using testutil::TempDir;

std::vector<std::string> Names(const std::vector<DumpFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.name);
  return out;
}

TEST(DumpDirTest, ClassifiesDumplingLayout) {
  TempDir dir;
  dir.WriteFile("metadata", "SHOW MASTER STATUS:\n\tLog: b.000001\n\tPos: 4\n\tGTID:\n");
  dir.WriteFile("shop-schema-create.sql", "CREATE DATABASE `shop`;\n");
  dir.WriteFile("shop.orders-schema.sql", "CREATE TABLE `orders` (`id` int);\n");
  dir.WriteFile("shop.orders.000000010.sql", "INSERT INTO `orders` VALUES (10);\n");
  dir.WriteFile("shop.orders.000000002.sql", "INSERT INTO `orders` VALUES (2);\n");
  dir.WriteFile("shop.orders.000000000.sql", "INSERT INTO `orders` VALUES (0);\n");
  dir.WriteFile("shop.v-schema.sql", "CREATE TABLE `v` (`id` int);\n");
  dir.WriteFile("shop.v-schema-view.sql", "CREATE VIEW `v` AS SELECT 1;\n");
  dir.WriteFile("shop.orders-schema-triggers.sql", "CREATE TRIGGER x;\n");
  dir.WriteFile("shop.empty-schema.sql", "CREATE TABLE `empty` (`id` int);\n");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_TRUE(d->metadata && d->metadata->master);
  EXPECT_EQ(d->metadata->master->file, "b.000001");
  ASSERT_EQ(d->databases.size(), 1u);
  EXPECT_TRUE(d->databases[0].create_file);
  ASSERT_EQ(d->tables.size(), 2u);
  EXPECT_EQ(d->tables[0].table, "empty");
  EXPECT_TRUE(d->tables[0].data_files.empty());
  EXPECT_EQ(d->tables[1].table, "orders");
  EXPECT_EQ(Names(d->tables[1].data_files),
            (std::vector<std::string>{"shop.orders.000000000.sql", "shop.orders.000000002.sql",
                                      "shop.orders.000000010.sql"}));
  EXPECT_EQ(d->tables[1].data_files[0].size, 33u);
  ASSERT_EQ(d->views.size(), 1u);
  EXPECT_EQ(d->views[0].view, "v");
  EXPECT_EQ(d->skipped, (std::vector<std::string>{"shop.orders-schema-triggers.sql"}));
}

TEST(DumpDirTest, MydumperNamesAndDottedNames) {
  TempDir dir;
  dir.WriteFile("a.b-schema-create.sql", "CREATE DATABASE `a.b`;\n");
  dir.WriteFile("a.b.t.1-schema.sql", "CREATE TABLE `t.1` (`id` int);\n");
  dir.WriteFile("a.b.t.1.sql", "INSERT INTO `t.1` VALUES (1);\n");
  dir.WriteFile("a.b.t.1.00001.sql", "INSERT INTO `t.1` VALUES (2);\n");
  dir.WriteFile("a.b.t.1.00000.sql", "INSERT INTO `t.1` VALUES (3);\n");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->metadata);
  ASSERT_EQ(d->tables.size(), 1u);
  EXPECT_EQ(d->tables[0].schema, "a.b");
  EXPECT_EQ(d->tables[0].table, "t.1");
  EXPECT_EQ(Names(d->tables[0].data_files),
            (std::vector<std::string>{"a.b.t.1.sql", "a.b.t.1.00000.sql", "a.b.t.1.00001.sql"}));
}

TEST(DumpDirTest, PercentEscapedNamesAreDecoded) {
  TempDir dir;
  dir.WriteFile("my%2Edb-schema-create.sql", "CREATE DATABASE `my.db`;\n");
  dir.WriteFile("my%2Edb.a%2Dschema%25-schema.sql", "CREATE TABLE `a-schema%` (`id` int);\n");
  dir.WriteFile("my%2Edb.a%2Dschema%25.000000000.sql", "INSERT INTO `a-schema%` VALUES (1);\n");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->databases.size(), 1u);
  EXPECT_EQ(d->databases[0].schema, "my.db");
  ASSERT_EQ(d->tables.size(), 1u);
  EXPECT_EQ(d->tables[0].schema, "my.db");
  EXPECT_EQ(d->tables[0].table, "a-schema%");
  EXPECT_EQ(d->tables[0].data_files.size(), 1u);
}

TEST(DumpDirTest, GzipFilesReportUncompressedSize) {
  TempDir dir;
  dir.WriteFile("d.t-schema.sql", "CREATE TABLE `t` (`id` int);\n");
  std::string data = "INSERT INTO `t` VALUES (1),(2),(3);\n";
  std::string path = dir.path() + "/d.t.000000000.sql.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->tables.size(), 1u);
  ASSERT_EQ(d->tables[0].data_files.size(), 1u);
  EXPECT_EQ(d->tables[0].data_files[0].size, data.size());
}

TEST(DumpDirTest, DataFileWithoutSchemaNamesTheFile) {
  TempDir dir;
  dir.WriteFile("d.t.000000000.sql", "INSERT INTO `t` VALUES (1);\n");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().error_code(), ErrorCode::kLoadUnitNoTableFile);
  EXPECT_NE(d.status().message().find("d.t.000000000.sql"), std::string::npos);
}

TEST(DumpDirTest, DuplicateChunkIsAnError) {
  TempDir dir;
  dir.WriteFile("d.t-schema.sql", "CREATE TABLE `t` (`id` int);\n");
  dir.WriteFile("d.t.0001.sql", "INSERT INTO `t` VALUES (1);\n");
  dir.WriteFile("d.t.0001.sql.gz", "");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().error_code(), ErrorCode::kLoadUnitDuplicateTableFile);
}

TEST(DumpDirTest, MissingDirectoryIsNotFound) {
  auto d = ClassifyDumpDir("/nonexistent/dump/dir");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(d.status().error_code(), ErrorCode::kLoadUnitDumpDirNotFound);
}

TEST(DumpDirTest, MalformedMetadataFailsClassification) {
  TempDir dir;
  dir.WriteFile("metadata", "SHOW MASTER STATUS:\n\tPos: abc\n");
  auto d = ClassifyDumpDir(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("metadata:2:"), std::string::npos) << d.status().message();
}

TEST(DumpDirTest, ReadSchemaFileKeepsSetsAndTheOneCreate) {
  TempDir dir;
  dir.WriteFile("d.t-schema.sql",
                "/*!40101 SET NAMES utf8mb4*/;\n-- a comment\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n"
                "SET sql_log_bin = 0;\nCREATE TABLE `t` (`v` VARCHAR(5) DEFAULT 'a;b');\n");
  auto file = ReadSchemaFile(dir.path() + "/d.t-schema.sql", StatementKind::kCreateTable);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  // The unsafe SET is left out; the CREATE keeps its quoted `;`.
  ASSERT_EQ(file->statements.size(), 3u);
  EXPECT_EQ(file->create_index, 2u);
  EXPECT_EQ(file->create().text, "CREATE TABLE `t` (`v` VARCHAR(5) DEFAULT 'a;b')");
  EXPECT_EQ(file->create().head.kind, StatementKind::kCreateTable);
  EXPECT_EQ(file->statements[0].offset, 0u);
}

TEST(DumpDirTest, ReadSchemaFileRefusesAnythingButOneCreateNamingTheFile) {
  TempDir dir;
  dir.WriteFile("two.sql", "CREATE TABLE a (x INT);\nCREATE TABLE b (x INT);\n");
  dir.WriteFile("none.sql", "SET NAMES utf8mb4;\n");
  dir.WriteFile("db.sql", "CREATE TABLE a (x INT);\n");
  auto two = ReadSchemaFile(dir.path() + "/two.sql", StatementKind::kCreateTable);
  EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(two.status().message().find("two.sql: statement at byte offset 24"), std::string::npos)
      << two.status().message();
  auto none = ReadSchemaFile(dir.path() + "/none.sql", StatementKind::kCreateTable);
  EXPECT_NE(none.status().message().find("none.sql: no CREATE statement found"), std::string::npos)
      << none.status().message();
  EXPECT_FALSE(ReadSchemaFile(dir.path() + "/db.sql", StatementKind::kCreateDatabase).ok());
  EXPECT_EQ(ReadSchemaFile(dir.path() + "/missing.sql", StatementKind::kCreateTable).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace dm::load
