// DML builder: the SQL literal of every value kind at its edges, statement
// text per row change and safe mode, and causality keys. The literals'
// effect on a real server is checked by dml_integration_test.cc.
#include "sync/dml.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

namespace dm::sync {
namespace {

using binlog::ColumnInfo;
using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;

ColumnInfo Col(ColumnType type, std::string name = "c") {
  ColumnInfo c;
  c.meta.type = type;
  c.meta.real_type = type;
  c.name = std::move(name);
  return c;
}

Value IntV(int64_t v) {
  Value x;
  x.kind = ValueKind::kInt;
  x.int_value = v;
  return x;
}
Value UIntV(uint64_t v, ValueKind kind = ValueKind::kUInt) {
  Value x;
  x.kind = kind;
  x.uint_value = v;
  return x;
}
Value StrV(std::string_view bytes, ValueKind kind = ValueKind::kString) {
  Value x;
  x.kind = kind;
  x.bytes = bytes;
  return x;
}
Value NullV() {
  Value x;
  x.kind = ValueKind::kNull;
  return x;
}
Value FloatV(float f) {
  Value x;
  x.kind = ValueKind::kFloat;
  x.float_value = f;
  return x;
}
Value DoubleV(double d) {
  Value x;
  x.kind = ValueKind::kDouble;
  x.double_value = d;
  return x;
}

std::string Literal(const Value& v, const ColumnInfo& c) {
  std::string out = "<";  // appends, never overwrites
  Status s = AppendSqlLiteral(v, c, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out[0], '<');
  return out.substr(1);
}

TEST(SqlLiteralTest, IntegersAtTheirLimits) {
  const ColumnInfo c = Col(ColumnType::kLongLong);
  EXPECT_EQ(Literal(IntV(std::numeric_limits<int64_t>::min()), c), "-9223372036854775808");
  EXPECT_EQ(Literal(IntV(std::numeric_limits<int64_t>::max()), c), "9223372036854775807");
  EXPECT_EQ(Literal(IntV(0), c), "0");
  EXPECT_EQ(Literal(UIntV(std::numeric_limits<uint64_t>::max()), c), "18446744073709551615");
}

TEST(SqlLiteralTest, NegativeDecimalIsExactText) {
  ColumnInfo c = Col(ColumnType::kNewDecimal);
  c.meta.precision = 10;
  c.meta.scale = 2;
  // DECIMAL(10,2) 12.50: 8 integer digits in 4 bytes, 2 fraction digits in 1,
  // sign bit set for non-negative; a negative value inverts every byte.
  const std::string positive("\x80\x00\x00\x0C\x32", 5);
  std::string negative = positive;
  for (char& ch : negative) ch = static_cast<char>(~ch);
  EXPECT_EQ(Literal(StrV(positive, ValueKind::kDecimal), c), "12.50");
  EXPECT_EQ(Literal(StrV(negative, ValueKind::kDecimal), c), "-12.50");
}

// The server reads an exponent literal as a double (correctly rounded) and
// narrows it to float for a FLOAT column.
float ParsedAsFloatColumn(const std::string& literal) {
  return static_cast<float>(std::strtod(literal.c_str(), nullptr));
}

TEST(SqlLiteralTest, FloatLiteralStoresTheSameBitsAndEqualsTheColumnAsDouble) {
  const ColumnInfo c = Col(ColumnType::kFloat);
  const float values[] = {FLT_MAX, -FLT_MAX, 3.4028235e38f, 0.1f, 1.0f, FLT_MIN,
                          std::numeric_limits<float>::denorm_min(), 16777217.0f, -1.5e-30f, 0.0f, -0.0f};
  for (float f : values) {
    const std::string lit = Literal(FloatV(f), c);
    EXPECT_NE(lit.find('e'), std::string::npos) << lit;  // a double literal, not DECIMAL
    EXPECT_EQ(std::bit_cast<uint32_t>(ParsedAsFloatColumn(lit)), std::bit_cast<uint32_t>(f)) << lit;
    // WHERE float_col = lit compares the widened column with the double.
    EXPECT_EQ(std::strtod(lit.c_str(), nullptr), static_cast<double>(f)) << lit;
  }
  EXPECT_EQ(Literal(FloatV(3.4028235e38f), c), "3.4028234663852886e+38");
  EXPECT_EQ(Literal(FloatV(0.1f), c), "1.0000000149011612e-01");
  EXPECT_EQ(Literal(FloatV(-0.0f), c), "-0e+00");
}

TEST(SqlLiteralTest, DoubleLiteralRoundTripsDenormalsAndExtremes) {
  const ColumnInfo c = Col(ColumnType::kDouble);
  const double values[] = {DBL_MAX, -DBL_MAX, DBL_MIN, std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::denorm_min(), 2.2250738585072009e-308, 0.1, -0.0};
  for (double d : values) {
    const std::string lit = Literal(DoubleV(d), c);
    EXPECT_EQ(std::bit_cast<uint64_t>(std::strtod(lit.c_str(), nullptr)), std::bit_cast<uint64_t>(d)) << lit;
  }
  EXPECT_EQ(Literal(DoubleV(std::numeric_limits<double>::denorm_min()), c), "5e-324");
  EXPECT_EQ(Literal(DoubleV(DBL_MAX), c), "1.7976931348623157e+308");
  EXPECT_EQ(Literal(DoubleV(0.1), c), "1e-01");
}

TEST(SqlLiteralTest, NonFiniteDoubleIsAnError) {
  std::string out;
  EXPECT_EQ(AppendSqlLiteral(DoubleV(std::nan("")), Col(ColumnType::kDouble), &out).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AppendSqlLiteral(FloatV(std::numeric_limits<float>::infinity()), Col(ColumnType::kFloat), &out).code(),
            StatusCode::kInvalidArgument);
}

TEST(SqlLiteralTest, TemporalValuesAreQuotedWithTheColumnsFraction) {
  Value t;
  t.kind = ValueKind::kTime;
  t.fsp = 3;
  t.temporal.negative = true;
  t.temporal.hour = 1;
  t.temporal.minute = 2;
  t.temporal.second = 3;
  t.temporal.micros = 450000;
  EXPECT_EQ(Literal(t, Col(ColumnType::kTime2)), "'-01:02:03.450'");
  t.temporal = {};
  t.temporal.negative = true;
  t.temporal.micros = 1000;
  EXPECT_EQ(Literal(t, Col(ColumnType::kTime2)), "'-00:00:00.001'");
  t.fsp = 6;
  t.temporal = {};
  t.temporal.negative = true;
  t.temporal.hour = 838;
  t.temporal.minute = 59;
  t.temporal.second = 59;
  EXPECT_EQ(Literal(t, Col(ColumnType::kTime2)), "'-838:59:59.000000'");

  Value d;
  d.kind = ValueKind::kDate;
  EXPECT_EQ(Literal(d, Col(ColumnType::kDate)), "'0000-00-00'");
  d.temporal.year = 9999;
  d.temporal.month = 12;
  d.temporal.day = 31;
  EXPECT_EQ(Literal(d, Col(ColumnType::kDate)), "'9999-12-31'");

  Value dt;
  dt.kind = ValueKind::kDateTime;
  dt.fsp = 6;
  EXPECT_EQ(Literal(dt, Col(ColumnType::kDateTime2)), "'0000-00-00 00:00:00.000000'");
  dt.fsp = 0;
  dt.temporal = {1000, 1, 1, 0, 0, 0, 0, false};
  EXPECT_EQ(Literal(dt, Col(ColumnType::kDateTime2)), "'1000-01-01 00:00:00'");

  Value ts;
  ts.kind = ValueKind::kTimestamp;
  EXPECT_EQ(Literal(ts, Col(ColumnType::kTimestamp2)), "'0000-00-00 00:00:00'");
  ts.fsp = 6;
  ts.uint_value = 1;
  ts.temporal.micros = 1;
  EXPECT_EQ(Literal(ts, Col(ColumnType::kTimestamp2)), "'1970-01-01 00:00:01.000001'");
  ts.fsp = 0;
  ts.uint_value = 2147483647;
  ts.temporal.micros = 0;
  EXPECT_EQ(Literal(ts, Col(ColumnType::kTimestamp2)), "'2038-01-19 03:14:07'");
}

TEST(SqlLiteralTest, YearBitEnumAndSetAreNumbers) {
  EXPECT_EQ(Literal(UIntV(0, ValueKind::kYear), Col(ColumnType::kYear)), "0000");
  EXPECT_EQ(Literal(UIntV(1901, ValueKind::kYear), Col(ColumnType::kYear)), "1901");
  ColumnInfo bit = Col(ColumnType::kBit);
  bit.meta.bits = 64;
  EXPECT_EQ(Literal(UIntV(~uint64_t{0}, ValueKind::kBit), bit), "18446744073709551615");
  ColumnInfo e = Col(ColumnType::kEnum);
  e.elements = {"a", "\xC3\xBC"};
  EXPECT_EQ(Literal(UIntV(2, ValueKind::kEnum), e), "2");
  EXPECT_EQ(Literal(UIntV(0, ValueKind::kEnum), e), "0");
  ColumnInfo s = Col(ColumnType::kSet);
  s.elements = {"x", "y", "\xC3\xB6"};
  EXPECT_EQ(Literal(UIntV(5, ValueKind::kSet), s), "5");
}

TEST(SqlLiteralTest, StringsEscapeEverySpecialByte) {
  ColumnInfo c = Col(ColumnType::kVarchar);
  c.charset = 45;
  const std::string bytes("a\0b'c\"d\\e\nf\rg\x1ah\xC3\xBC", 17);
  EXPECT_EQ(Literal(StrV(bytes), c), "'a\\0b\\'c\\\"d\\\\e\\nf\\rg\\Zh\xC3\xBC'");
  EXPECT_EQ(Literal(StrV(""), c), "''");
  // Trailing spaces are data (VARCHAR keeps them).
  EXPECT_EQ(Literal(StrV("x  "), c), "'x  '");
}

TEST(SqlLiteralTest, FixedBinaryGetsItsStrippedZerosBack) {
  ColumnInfo c = Col(ColumnType::kString);
  c.meta.max_length = 4;
  c.charset = 63;
  // BINARY(4) 'a\0\0\0' is logged as "a", '\0a\0\0' as "\0a".
  EXPECT_EQ(Literal(StrV("a"), c), "X'61000000'");
  EXPECT_EQ(Literal(StrV(std::string_view("\0a", 2)), c), "X'00610000'");
  EXPECT_EQ(Literal(StrV(""), c), "X'00000000'");
  EXPECT_EQ(Literal(StrV("\xFF\x01\x02\x03"), c), "X'FF010203'");
  // MariaDB INET6 is BINARY(16) in the binlog: '::1' is fifteen zeros and 1.
  ColumnInfo inet6 = Col(ColumnType::kString);
  inet6.meta.max_length = 16;
  inet6.charset = 63;
  EXPECT_EQ(Literal(StrV(std::string_view("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16)), inet6),
            "X'00000000000000000000000000000001'");
  EXPECT_EQ(Literal(StrV(""), inet6), "X'00000000000000000000000000000000'");
  // CHAR with a text charset keeps quoted text (the server pads with spaces).
  ColumnInfo ch = Col(ColumnType::kString);
  ch.meta.max_length = 40;
  ch.charset = 45;
  EXPECT_EQ(Literal(StrV("ab"), ch), "'ab'");
}

TEST(SqlLiteralTest, GeometryIsHexOfTheInternalForm) {
  // SRID 0 then WKB POINT(0 0).
  const std::string geo("\0\0\0\0\x01\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 25);
  EXPECT_EQ(Literal(StrV(geo, ValueKind::kGeometry), Col(ColumnType::kGeometry)),
            "X'00000000010100000000000000000000000000000000000000'");
}

TEST(SqlLiteralTest, MySqlBinaryJsonIsItsQuotedText) {
  // Binary JSON string scalar "it's\" (type 0x0C, length 5).
  const std::string json("\x0C\x05it's\\", 7);
  EXPECT_EQ(Literal(StrV(json, ValueKind::kJson), Col(ColumnType::kJson)), "'\\\"it\\'s\\\\\\\\\\\"'");
  // MariaDB's JSON is a text column: plain string escaping.
  ColumnInfo text = Col(ColumnType::kBlob);
  text.charset = 45;
  EXPECT_EQ(Literal(StrV("{\"a\": 1}"), text), "'{\\\"a\\\": 1}'");
  std::string out;
  EXPECT_EQ(AppendSqlLiteral(StrV("\x0C\x09x", ValueKind::kJson), Col(ColumnType::kJson), &out).code(),
            StatusCode::kCorruption);
}

TEST(SqlLiteralTest, NullAbsentAndJsonDiff) {
  EXPECT_EQ(Literal(NullV(), Col(ColumnType::kLong)), "NULL");
  std::string out;
  Value absent;
  EXPECT_EQ(AppendSqlLiteral(absent, Col(ColumnType::kLong, "x"), &out).code(), StatusCode::kInvalidArgument);
  Status s = AppendSqlLiteral(StrV("", ValueKind::kJsonDiff), Col(ColumnType::kJson, "doc"), &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("doc"), std::string::npos) << s.ToString();
}

// ---- TableDml ----

TrackedColumn TCol(std::string name, bool nullable = true, bool generated = false) {
  TrackedColumn c;
  c.name = std::move(name);
  c.nullable = nullable;
  c.generated = generated;
  return c;
}

// t(id INT PK, name VARCHAR utf8mb4_general_ci, g INT AS (id+1), u INT UNIQUE NULL)
struct Fixture {
  TrackedTable table;
  binlog::TableMap map;
  Fixture(bool with_pk = true, bool with_uk = true) {
    table.name = {"up", "t"};
    table.columns = {TCol("id", false), TCol("name"), TCol("g", true, true), TCol("u")};
    if (with_pk) table.keys.push_back({"PRIMARY", true, true, {0}, true});
    if (with_uk) table.keys.push_back({"u", false, true, {3}, false});
    table.keys.push_back({"name_idx", false, false, {1}, false});
    ColumnInfo name = Col(ColumnType::kVarchar, "");
    name.charset = 45;
    map.columns = {Col(ColumnType::kLong, ""), name, Col(ColumnType::kLong, ""), Col(ColumnType::kLong, "")};
  }
  TableDml Make() const {
    auto d = TableDml::Make(table, map, "`down`.`t`");
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return std::move(*d);
  }
};

TEST(TableDmlTest, InsertListsNonGeneratedColumnsAndSafeModeReplaces) {
  const TableDml d = Fixture().Make();
  const std::vector<Value> row = {IntV(1), StrV("a'b"), IntV(2), NullV()};
  std::vector<std::string> out;
  ASSERT_TRUE(d.Insert(row, false, &out).ok());
  ASSERT_TRUE(d.Insert(row, true, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "INSERT INTO `down`.`t` (`id`,`name`,`u`) VALUES (1,'a\\'b',NULL)");
  EXPECT_EQ(out[1], "REPLACE INTO `down`.`t` (`id`,`name`,`u`) VALUES (1,'a\\'b',NULL)");
  EXPECT_EQ(d.target(), "`down`.`t`");
}

TEST(TableDmlTest, MultipleRowsJoinTuplesAfterThePrefix) {
  const TableDml d = Fixture().Make();
  std::string sql = d.InsertPrefix(false);
  ASSERT_TRUE(d.InsertTuple(std::vector<Value>{IntV(1), StrV("x"), IntV(0), IntV(7)}, &sql).ok());
  sql.push_back(',');
  ASSERT_TRUE(d.InsertTuple(std::vector<Value>{IntV(2), NullV(), IntV(0), NullV()}, &sql).ok());
  EXPECT_EQ(sql, "INSERT INTO `down`.`t` (`id`,`name`,`u`) VALUES (1,'x',7),(2,NULL,NULL)");
  EXPECT_EQ(d.InsertPrefix(true), "REPLACE INTO `down`.`t` (`id`,`name`,`u`) VALUES ");
}

TEST(TableDmlTest, UpdateSetsEveryWrittenColumnWhereTheOldPrimaryKey) {
  const TableDml d = Fixture().Make();
  const std::vector<Value> before = {IntV(1), StrV("a"), IntV(2), IntV(5)};
  const std::vector<Value> after = {IntV(9), StrV("b"), IntV(10), NullV()};
  std::vector<std::string> out;
  ASSERT_TRUE(d.Update(before, after, false, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "UPDATE `down`.`t` SET `id`=9,`name`='b',`u`=NULL WHERE `id`=1 LIMIT 1");
  out.clear();
  ASSERT_TRUE(d.Update(before, after, true, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "DELETE FROM `down`.`t` WHERE `id`=1 LIMIT 1");
  EXPECT_EQ(out[1], "REPLACE INTO `down`.`t` (`id`,`name`,`u`) VALUES (9,'b',NULL)");
}

TEST(TableDmlTest, WithoutHandleKeyWhereUsesEveryWrittenColumnAndIsNull) {
  // Only a nullable UNIQUE: not a handle key.
  const TableDml d = Fixture(/*with_pk=*/false).Make();
  const std::vector<Value> before = {IntV(1), NullV(), IntV(2), IntV(5)};
  std::vector<std::string> out;
  ASSERT_TRUE(d.Delete(before, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "DELETE FROM `down`.`t` WHERE `id`=1 AND `name` IS NULL AND `u`=5 LIMIT 1");
}

TEST(TableDmlTest, NotNullUniqueKeyIsTheHandleKey) {
  Fixture f(/*with_pk=*/false, /*with_uk=*/false);
  f.table.columns[3].nullable = false;
  f.table.keys.push_back({"u", false, true, {3, 1}, true});
  const TableDml d = f.Make();
  std::vector<std::string> out;
  ASSERT_TRUE(d.Delete(std::vector<Value>{IntV(1), StrV("n"), IntV(2), IntV(5)}, &out).ok());
  EXPECT_EQ(out[0], "DELETE FROM `down`.`t` WHERE `u`=5 AND `name`='n' LIMIT 1");
}

TEST(TableDmlTest, MergeFormOfATableWhoseOnlyUniqueKeyIsAnIntegerPrimaryKey) {
  const TableDml d = Fixture(/*with_pk=*/true, /*with_uk=*/false).Make();
  const MergeForm& f = *d.merge_form();
  EXPECT_TRUE(f.keyed);
  EXPECT_TRUE(f.one_column_key);
  EXPECT_TRUE(f.canonical_key);
  EXPECT_EQ(f.target, "`down`.`t`");
  EXPECT_EQ(f.insert_prefix, "INSERT INTO `down`.`t` (`id`,`name`,`u`) VALUES ");
  EXPECT_EQ(f.upsert_suffix, " ON DUPLICATE KEY UPDATE `name`=VALUES(`name`),`u`=VALUES(`u`)");
  EXPECT_EQ(f.delete_prefix, "DELETE FROM `down`.`t` WHERE `id` IN (");
  std::string key = "<";
  ASSERT_TRUE(d.MergeKey(std::vector<Value>{IntV(-7), StrV("a"), IntV(2), NullV()}, &key).ok());
  EXPECT_EQ(key, "<-7");
  EXPECT_FALSE(d.MergeKey(std::vector<Value>{NullV(), StrV("a"), IntV(2), NullV()}, &key).ok());
}

TEST(TableDmlTest, AnotherUniqueKeyOrAStringKeyLimitsMerging) {
  // A second unique key (even a nullable one): rows could collide on it, so
  // updates and deletes are not merged.
  EXPECT_FALSE(Fixture(/*with_pk=*/true, /*with_uk=*/true).Make().merge_form()->keyed);
  EXPECT_FALSE(Fixture(/*with_pk=*/false, /*with_uk=*/false).Make().merge_form()->keyed);
  // A two-column NOT NULL unique key with a string: merged (conditions joined
  // with OR), never folded by text (collations make different text equal).
  Fixture f(/*with_pk=*/false, /*with_uk=*/false);
  f.table.columns[3].nullable = false;
  f.table.keys.push_back({"u", false, true, {3, 1}, true});
  const TableDml d = f.Make();
  const MergeForm& form = *d.merge_form();
  EXPECT_TRUE(form.keyed);
  EXPECT_FALSE(form.one_column_key);
  EXPECT_FALSE(form.canonical_key);
  EXPECT_EQ(form.delete_prefix, "DELETE FROM `down`.`t` WHERE (");
  EXPECT_EQ(form.upsert_suffix, " ON DUPLICATE KEY UPDATE `id`=VALUES(`id`)");
  std::string key;
  ASSERT_TRUE(d.MergeKey(std::vector<Value>{IntV(1), StrV("n"), IntV(2), IntV(5)}, &key).ok());
  EXPECT_EQ(key, "`u`=5 AND `name`='n'");
}

TEST(TableDmlTest, AbsentValueFailsAndAppendsNothing) {
  const TableDml d = Fixture().Make();
  std::vector<Value> row = {IntV(1), StrV("a"), IntV(2), Value{}};
  std::vector<std::string> out;
  Status s = d.Insert(row, false, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("column u:"), std::string::npos) << s.ToString();
  // The generated column is never written, so its absence is fine.
  row[3] = IntV(4);
  row[2] = Value{};
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(d.Insert(row, false, &out).ok());
  // A missing key value in the before image.
  std::vector<Value> before = {Value{}, StrV("a"), IntV(2), IntV(4)};
  out.clear();
  EXPECT_FALSE(d.Delete(before, &out).ok());
  EXPECT_FALSE(d.Update(before, row, true, &out).ok());
  EXPECT_TRUE(out.empty());
  // Wrong value count.
  EXPECT_EQ(d.Delete(std::vector<Value>{IntV(1)}, &out).code(), StatusCode::kInvalidArgument);
}

TEST(TableDmlTest, MakeRejectsAColumnCountMismatchNamingTheTable) {
  Fixture f;
  f.map.columns.pop_back();
  auto d = TableDml::Make(f.table, f.map, "`down`.`t`");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(d.status().error_code(), ErrorCode::kBinlogSchemaMismatch);
  EXPECT_NE(d.status().message().find("`up`.`t`"), std::string::npos) << d.status().ToString();
}

std::vector<uint64_t> Keys(const TableDml& d, const std::vector<Value>& row) {
  std::vector<uint64_t> out;
  d.CausalityKeys(row, &out);
  return out;
}

TEST(TableDmlTest, CausalityKeysShareAHashExactlyWhenAKeyValueIsShared) {
  const TableDml d = Fixture().Make();
  // PK and non-NULL UK: two keys.
  const auto a = Keys(d, {IntV(1), StrV("a"), IntV(0), IntV(5)});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_NE(a[0], a[1]);
  // Same PK, other columns differ: first hash equal, UK hash differs.
  const auto b = Keys(d, {IntV(1), StrV("zz"), IntV(9), IntV(6)});
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_NE(a[1], b[1]);
  // A NULL in the UK: only the PK.
  const auto c = Keys(d, {IntV(2), StrV("a"), IntV(0), NullV()});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c[0], a[0]);
  // Same UK value as `a`, other PK.
  const auto e = Keys(d, {IntV(3), StrV("a"), IntV(0), IntV(5)});
  EXPECT_EQ(e[1], a[1]);
  EXPECT_NE(e[0], a[0]);
  // Same key value in another target table: another hash.
  Fixture f;
  auto other = TableDml::Make(f.table, f.map, "`down`.`t2`");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(Keys(*other, {IntV(1), StrV("a"), IntV(0), IntV(5)})[0], a[0]);
  // The PK value 1 and the UK value 1 are different keys.
  const auto g = Keys(d, {IntV(1), StrV("a"), IntV(0), IntV(1)});
  EXPECT_NE(g[0], g[1]);
}

TEST(TableDmlTest, TablesWithSeveralUniqueKeysRouteByTable) {
  const TableDml both = Fixture().Make();  // primary key and a unique key
  EXPECT_TRUE(both.routes_by_table());
  const TableDml uk_only = Fixture(/*with_pk=*/false).Make();
  EXPECT_FALSE(uk_only.routes_by_table());
  Fixture f;
  auto other = TableDml::Make(f.table, f.map, "`down`.`t2`");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->table_key(), both.table_key());
  EXPECT_EQ(Fixture().Make().table_key(), both.table_key());
}

TEST(TableDmlTest, CausalityWithoutUsableUniqueKeyHashesAllColumns) {
  const TableDml d = Fixture(/*with_pk=*/false).Make();
  // UK NULL: one hash of every written column; identical rows share it.
  const auto a = Keys(d, {IntV(1), StrV("a"), IntV(0), NullV()});
  const auto b = Keys(d, {IntV(1), StrV("a"), IntV(77), NullV()});  // generated column ignored
  const auto c = Keys(d, {IntV(1), StrV("b"), IntV(0), NullV()});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(TableDmlTest, CausalityFoldsWhatKeysTreatAsEqual) {
  Fixture f;
  f.table.keys = {{"name", false, true, {1}, false}};
  const TableDml d = f.Make();
  // utf8mb4_general_ci with PAD SPACE: 'Ab ' = 'aB'.
  EXPECT_EQ(Keys(d, {IntV(1), StrV("Ab "), IntV(0), NullV()}), Keys(d, {IntV(2), StrV("aB"), IntV(0), NullV()}));
  EXPECT_NE(Keys(d, {IntV(1), StrV("ab"), IntV(0), NullV()}), Keys(d, {IntV(2), StrV("ac"), IntV(0), NullV()}));
  // Binary strings are compared byte by byte.
  f.map.columns[1].charset = 63;
  const TableDml bin = f.Make();
  EXPECT_NE(Keys(bin, {IntV(1), StrV("Ab"), IntV(0), NullV()}), Keys(bin, {IntV(2), StrV("ab"), IntV(0), NullV()}));
  // -0.0 = 0.0.
  Fixture g;
  g.map.columns[0] = Col(ColumnType::kDouble, "");
  const TableDml dbl = g.Make();
  EXPECT_EQ(Keys(dbl, {DoubleV(-0.0), StrV(""), IntV(0), NullV()})[0],
            Keys(dbl, {DoubleV(0.0), StrV(""), IntV(0), NullV()})[0]);
  EXPECT_NE(Keys(dbl, {DoubleV(1.0), StrV(""), IntV(0), NullV()})[0],
            Keys(dbl, {DoubleV(0.0), StrV(""), IntV(0), NullV()})[0]);
}

}  // namespace
}  // namespace dm::sync
