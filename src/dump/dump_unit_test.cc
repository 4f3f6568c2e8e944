// Unit tests of the dump's pure parts: file names, metadata, value literals,
// options from the task config.
#include <gtest/gtest.h>

#include "dump/dump.h"
#include "dump/layout.h"
#include "dump/progress.h"
#include "dump/sql_format.h"

namespace dm::dump {
namespace {

TEST(DumpLayoutTest, FileNamesFollowDumpling) {
  EXPECT_EQ(SchemaCreateFileName("shop"), "shop-schema-create.sql");
  EXPECT_EQ(TableSchemaFileName("shop", "orders"), "shop.orders-schema.sql");
  EXPECT_EQ(ViewSchemaFileName("shop", "v"), "shop.v-schema-view.sql");
  EXPECT_EQ(DataFileName("shop", "orders", 0), "shop.orders.000000000.sql");
  EXPECT_EQ(DataFileName("shop", "orders", 1234), "shop.orders.000001234.sql");
}

TEST(DumpLayoutTest, EscapesNamesThatWouldBreakTheLayout) {
  EXPECT_EQ(EscapeFileName("a.b"), "a%2Eb");
  EXPECT_EQ(EscapeFileName("a/b\\c"), "a%2Fb%5Cc");
  EXPECT_EQ(EscapeFileName("x-schema"), "x%2Dschema");
  EXPECT_EQ(EscapeFileName("x-SCHEMA-create"), "x%2DSCHEMA-create");
  EXPECT_EQ(EscapeFileName("x-sch"), "x-sch");
  EXPECT_EQ(EscapeFileName("100%"), "100%25");
  EXPECT_EQ(EscapeFileName("sp ace`tick"), "sp ace`tick");
  EXPECT_EQ(EscapeFileName("日本"), "日本");
  EXPECT_EQ(EscapeFileName(std::string("a\nb", 3)), "a%0Ab");
}

TEST(DumpLayoutTest, MetadataIsDumplingsFormat) {
  std::tm tm{};
  tm.tm_year = 2020 - 1900;
  tm.tm_mon = 4;
  tm.tm_mday = 21;
  tm.tm_hour = 18;
  tm.tm_min = 2;
  tm.tm_sec = 43;
  tm.tm_isdst = -1;
  auto started = std::chrono::system_clock::from_time_t(std::mktime(&tm));
  BinlogPosition snap{"mysql-bin.000003", 1274, "0-1-10"};
  BinlogPosition after{"mysql-bin.000003", 1500, "0-1-11"};
  EXPECT_EQ(FormatMetadata(started, snap, after, started + std::chrono::seconds(1)),
            "Started dump at: 2020-05-21 18:02:43\n"
            "SHOW MASTER STATUS:\n"
            "\tLog: mysql-bin.000003\n"
            "\tPos: 1274\n"
            "\tGTID:0-1-10\n"
            "\n"
            "SHOW MASTER STATUS: /* AFTER CONNECTION POOL ESTABLISHED */\n"
            "\tLog: mysql-bin.000003\n"
            "\tPos: 1500\n"
            "\tGTID:0-1-11\n"
            "\n"
            "Finished dump at: 2020-05-21 18:02:44\n");
}

TEST(DumpLayoutTest, MetadataWithoutBinlogHasEmptyFields) {
  auto now = std::chrono::system_clock::now();
  std::string m = FormatMetadata(now, BinlogPosition{}, BinlogPosition{}, now);
  EXPECT_NE(m.find("\tLog: \n\tPos: \n\tGTID:\n"), std::string::npos);
}

std::string Literal(ValueEncoding e, std::optional<std::string_view> v) {
  std::string out;
  AppendValue(e, v, &out);
  return out;
}

TEST(DumpValueTest, LiteralsAreByteExact) {
  EXPECT_EQ(Literal(ValueEncoding::kString, std::nullopt), "NULL");
  EXPECT_EQ(Literal(ValueEncoding::kString, ""), "''");
  EXPECT_EQ(Literal(ValueEncoding::kNumber, "-12.50"), "-12.50");
  EXPECT_EQ(Literal(ValueEncoding::kString, std::string_view("a\0b'\"\\\n\r\x1a", 9)),
            "'a\\0b\\'\\\"\\\\\\n\\r\\Z'");
  EXPECT_EQ(Literal(ValueEncoding::kString, "😀é"), "'😀é'");
  EXPECT_EQ(Literal(ValueEncoding::kBinary, std::string_view("\x00\xff", 2)), "X'00FF'");
  EXPECT_EQ(Literal(ValueEncoding::kBinary, ""), "X''");
  EXPECT_EQ(Literal(ValueEncoding::kBit, std::string_view("\x05", 1)), "b'101'");
  EXPECT_EQ(Literal(ValueEncoding::kBit, std::string_view("\x01\x00", 2)), "b'100000000'");
  EXPECT_EQ(Literal(ValueEncoding::kBit, std::string_view("\x00", 1)), "b'0'");
  EXPECT_EQ(Literal(ValueEncoding::kTypedText, "::1"), "_utf8mb4'::1'");
}

TEST(DumpValueTest, EncodingsByColumnType) {
  EXPECT_EQ(EncodingFor("bigint", ""), ValueEncoding::kNumber);
  EXPECT_EQ(EncodingFor("DECIMAL", ""), ValueEncoding::kNumber);
  EXPECT_EQ(EncodingFor("double", ""), ValueEncoding::kNumber);
  EXPECT_EQ(EncodingFor("varchar", "utf8mb4"), ValueEncoding::kString);
  EXPECT_EQ(EncodingFor("longtext", "utf8mb4"), ValueEncoding::kString);  // JSON too
  EXPECT_EQ(EncodingFor("char", "binary"), ValueEncoding::kBinary);
  EXPECT_EQ(EncodingFor("blob", ""), ValueEncoding::kBinary);
  EXPECT_EQ(EncodingFor("point", ""), ValueEncoding::kBinary);
  EXPECT_EQ(EncodingFor("bit", ""), ValueEncoding::kBit);
  EXPECT_EQ(EncodingFor("datetime", ""), ValueEncoding::kString);
  EXPECT_EQ(EncodingFor("inet6", ""), ValueEncoding::kTypedText);
  EXPECT_EQ(EncodingFor("uuid", ""), ValueEncoding::kTypedText);
  EXPECT_EQ(SelectExpression("`f`", "float"), "CAST(`f` AS DOUBLE)");
  EXPECT_EQ(SelectExpression("`d`", "int"), "`d`");
}

TEST(DumpOptionsTest, MydumperConfigAndExtraArgs) {
  config::MydumperConfig cfg;
  cfg.threads = 8;
  cfg.rows = 1000;
  cfg.chunk_filesize = "16";
  cfg.statement_size = 4096;
  cfg.extra_args = "--consistency lock --where \"id > 5 AND name <> 'x'\" -F 1MiB";
  DumpOptions o;
  ASSERT_TRUE(ApplyMydumperConfig(cfg, &o).ok());
  EXPECT_EQ(o.threads, 8);
  EXPECT_EQ(o.rows, 1000u);
  EXPECT_EQ(o.chunk_filesize, 1u << 20);  // -F wins over chunk-filesize
  EXPECT_EQ(o.statement_size, 4096u);
  EXPECT_EQ(o.consistency, Consistency::kLock);
  EXPECT_EQ(o.where, "id > 5 AND name <> 'x'");

  cfg.extra_args = "--consistency=none -r 5";
  ASSERT_TRUE(ApplyMydumperConfig(cfg, &o).ok());
  EXPECT_EQ(o.consistency, Consistency::kNone);
  EXPECT_EQ(o.rows, 5u);

  cfg.extra_args = "--consistency snapshot";
  EXPECT_FALSE(ApplyMydumperConfig(cfg, &o).ok());
  cfg.extra_args = "--no-such-flag";
  EXPECT_FALSE(ApplyMydumperConfig(cfg, &o).ok());
  cfg.extra_args = "";
  cfg.chunk_filesize = "lots";
  EXPECT_FALSE(ApplyMydumperConfig(cfg, &o).ok());
}

TEST(DumpProgressTest, CountsAndPercentage) {
  Progress p;
  p.SetTotals(2, 200);
  p.AddRowsAndBytes(50, 1000);
  p.TableCompleted();
  ProgressSnapshot s = p.Snapshot();
  EXPECT_EQ(s.total_tables, 2);
  EXPECT_EQ(s.completed_tables, 1);
  EXPECT_EQ(s.finished_rows, 50);
  EXPECT_EQ(s.finished_bytes, 1000);
  EXPECT_EQ(s.estimate_total_rows, 200);
  EXPECT_EQ(s.progress, "25.00 %");
  p.AddRowsAndBytes(500, 1);  // estimates can be low: never 100 % before the end
  EXPECT_EQ(p.Snapshot().progress, "99.99 %");
  p.MarkFinished();
  EXPECT_EQ(p.Snapshot().progress, "100.00 %");
}

}  // namespace
}  // namespace dm::dump
