// Unit tests of MySQL binary JSON to text: documents built by the layout of
// docs/formats/binlog_events.md#mysql-binary-json, each printing rule of
// MySQL, and every malformation (fixtures from real MySQL output are in
// mysql_fixture_test.cc).
#include "binlog/mysql_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <utility>
#include <vector>

namespace dm::binlog {
namespace {

using Bytes = std::vector<uint8_t>;

// A value: its type byte and its data (what follows the type byte).
struct J {
  uint8_t type;
  Bytes data;
};

void Put(Bytes* out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutAt(Bytes* out, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) (*out)[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutVarLength(Bytes* out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out->push_back(b);
  } while (v != 0);
}

J Lit(uint8_t v) { return {0x04, {v}}; }
J Int(uint8_t type, uint64_t v, size_t bytes) {
  J j{type, {}};
  Put(&j.data, v, bytes);
  return j;
}
J Double(double d) { return Int(0x0b, std::bit_cast<uint64_t>(d), 8); }
J Str(std::string_view s) {
  J j{0x0c, {}};
  PutVarLength(&j.data, s.size());
  j.data.insert(j.data.end(), s.begin(), s.end());
  return j;
}
J Opaque(uint8_t field_type, const Bytes& data) {
  J j{0x0f, {field_type}};
  PutVarLength(&j.data, data.size());
  j.data.insert(j.data.end(), data.begin(), data.end());
  return j;
}

bool Inlined(uint8_t type, bool large) {
  return type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08));
}

// An array (keys empty) or object in the small or large format.
J Container(const std::vector<std::pair<std::string, J>>& members, bool object, bool large) {
  const size_t w = large ? 4 : 2;
  const size_t n = members.size();
  Bytes d;
  Put(&d, n, w);
  Put(&d, 0, w);  // size, patched below
  const size_t keys_at = d.size();
  if (object) d.resize(d.size() + n * (w + 2));
  const size_t values_at = d.size();
  d.resize(d.size() + n * (1 + w));
  if (object) {
    for (size_t i = 0; i < n; ++i) {
      PutAt(&d, keys_at + i * (w + 2), d.size(), w);
      PutAt(&d, keys_at + i * (w + 2) + w, members[i].first.size(), 2);
      d.insert(d.end(), members[i].first.begin(), members[i].first.end());
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const J& v = members[i].second;
    const size_t e = values_at + i * (1 + w);
    d[e] = v.type;
    if (Inlined(v.type, large)) {
      for (size_t k = 0; k < v.data.size(); ++k) d[e + 1 + k] = v.data[k];
    } else {
      PutAt(&d, e + 1, d.size(), w);
      d.insert(d.end(), v.data.begin(), v.data.end());
    }
  }
  PutAt(&d, w, d.size(), w);
  return {static_cast<uint8_t>((object ? 0x00 : 0x02) + (large ? 1 : 0)), d};
}
J Arr(const std::vector<J>& elements, bool large = false) {
  std::vector<std::pair<std::string, J>> m;
  for (const J& e : elements) m.emplace_back("", e);
  return Container(m, false, large);
}
J Obj(const std::vector<std::pair<std::string, J>>& members, bool large = false) {
  return Container(members, true, large);
}

Bytes Doc(const J& j) {
  Bytes b{j.type};
  b.insert(b.end(), j.data.begin(), j.data.end());
  return b;
}

std::string Text(const Bytes& doc) {
  auto r = MySqlJsonToText(doc);
  return r.ok() ? *r : r.status().ToString();
}
std::string Text(const J& j) { return Text(Doc(j)); }

TEST(MySqlJsonTest, ScalarsAtTheTop) {
  EXPECT_EQ(Text(Lit(0)), "null");
  EXPECT_EQ(Text(Lit(1)), "true");
  EXPECT_EQ(Text(Lit(2)), "false");
  EXPECT_EQ(Text(Int(0x05, 0xffff, 2)), "-1");
  EXPECT_EQ(Text(Int(0x06, 0xffff, 2)), "65535");
  EXPECT_EQ(Text(Int(0x07, 0x80000000, 4)), "-2147483648");
  EXPECT_EQ(Text(Int(0x08, 0xffffffff, 4)), "4294967295");
  EXPECT_EQ(Text(Int(0x09, 0x8000000000000000, 8)), "-9223372036854775808");
  EXPECT_EQ(Text(Int(0x0a, UINT64_MAX, 8)), "18446744073709551615");
  EXPECT_EQ(Text(Str("")), "\"\"");
}

TEST(MySqlJsonTest, EmptyDocumentIsNull) { EXPECT_EQ(Text(Bytes{}), "null"); }

TEST(MySqlJsonTest, DoublesPrintLikeMySql) {
  EXPECT_EQ(Text(Double(1.0)), "1.0");
  EXPECT_EQ(Text(Double(0.0)), "0.0");
  EXPECT_EQ(Text(Double(-0.0)), "-0.0");
  EXPECT_EQ(Text(Double(0.1)), "0.1");
  EXPECT_EQ(Text(Double(-123.456)), "-123.456");
  EXPECT_EQ(Text(Double(1e14)), "100000000000000.0");
  EXPECT_EQ(Text(Double(1e15)), "1e15");
  EXPECT_EQ(Text(Double(1234567890123456.7)), "1234567890123456.8");
  EXPECT_EQ(Text(Double(1e-15)), "0.000000000000001");
  EXPECT_EQ(Text(Double(1e-16)), "1e-16");
  EXPECT_EQ(Text(Double(-2.5e-20)), "-2.5e-20");
  EXPECT_EQ(Text(Double(1.7976931348623157e308)), "1.7976931348623157e308");
  EXPECT_EQ(Text(Double(5e-324)), "5e-324");
}

TEST(MySqlJsonTest, StringsEscapeLikeMySql) {
  EXPECT_EQ(Text(Str("a\"b\\c/\b\f\n\r\t\x01\x1f\xc3\xa9 \xf0\x9f\x98\x80")),
            "\"a\\\"b\\\\c/\\b\\f\\n\\r\\t\\u0001\\u001f\xc3\xa9 \xf0\x9f\x98\x80\"");
  // A length of two variable-length bytes.
  const std::string long_text(200, 'x');
  EXPECT_EQ(Text(Str(long_text)), "\"" + long_text + "\"");
}

TEST(MySqlJsonTest, SmallObjectsAndArrays) {
  const J doc = Obj({{"a", Int(0x05, 1, 2)},
                     {"b", Arr({Lit(1), Lit(0), Str("x"), Int(0x07, 70000, 4), Double(2.5)})},
                     {"c", Obj({})},
                     {"d", Arr({})}});
  EXPECT_EQ(Text(doc), "{\"a\": 1, \"b\": [true, null, \"x\", 70000, 2.5], \"c\": {}, \"d\": []}");
  EXPECT_EQ(Text(Obj({{"k\"ey", Str("v")}})), "{\"k\\\"ey\": \"v\"}");
}

TEST(MySqlJsonTest, LargeObjectsAndArraysInlineInt32) {
  const J doc = Obj({{"n", Int(0x07, 0xfffffffe, 4)}, {"u", Int(0x08, 4000000000, 4)}, {"s", Str("big")},
                     {"a", Arr({Int(0x06, 7, 2), Lit(2)}, true)}},
                    true);
  EXPECT_EQ(Text(doc), "{\"n\": -2, \"u\": 4000000000, \"s\": \"big\", \"a\": [7, false]}");
}

TEST(MySqlJsonTest, OpaqueDecimalAndTemporalValues) {
  // DECIMAL(3,2) 3.14 and DECIMAL(5,2) -12.50 (binary DECIMAL after
  // precision and scale).
  EXPECT_EQ(Text(Opaque(246, {3, 2, 0x83, 0x0e})), "3.14");
  EXPECT_EQ(Text(Opaque(246, {5, 2, 0x7f, 0xf3, 0xcd})), "-12.50");
  // Packed temporal: ((year*13+month) << 5 | day) << 17 | hour << 12 |
  // minute << 6 | second, shifted left by 24, plus microseconds.
  auto datetime = [](uint64_t y, uint64_t mo, uint64_t d, uint64_t h, uint64_t mi, uint64_t s, uint64_t us) {
    const uint64_t ymdhms = (((y * 13 + mo) << 5 | d) << 17) | (h << 12) | (mi << 6) | s;
    Bytes b;
    Put(&b, (ymdhms << 24) + us, 8);
    return b;
  };
  EXPECT_EQ(Text(Opaque(10, datetime(2015, 1, 15, 0, 0, 0, 0))), "\"2015-01-15\"");
  EXPECT_EQ(Text(Opaque(12, datetime(2015, 1, 15, 23, 24, 25, 0))), "\"2015-01-15 23:24:25.000000\"");
  EXPECT_EQ(Text(Opaque(7, datetime(2038, 1, 19, 3, 14, 7, 123456))), "\"2038-01-19 03:14:07.123456\"");
  auto time = [](bool neg, uint64_t h, uint64_t mi, uint64_t s, uint64_t us) {
    const int64_t magnitude = static_cast<int64_t>((((h << 12) | (mi << 6) | s) << 24) + us);
    Bytes b;
    Put(&b, static_cast<uint64_t>(neg ? -magnitude : magnitude), 8);
    return b;
  };
  EXPECT_EQ(Text(Opaque(11, time(false, 23, 24, 25, 0))), "\"23:24:25.000000\"");
  EXPECT_EQ(Text(Opaque(11, time(true, 838, 59, 59, 500000))), "\"-838:59:59.500000\"");
}

TEST(MySqlJsonTest, OtherOpaqueValuesPrintAsBase64) {
  EXPECT_EQ(Text(Opaque(16, {0x01})), "\"base64:type16:AQ==\"");
  EXPECT_EQ(Text(Opaque(252, {'a', 'b', 'c', 'd'})), "\"base64:type252:YWJjZA==\"");
  // 60 bytes encode to 80 characters: a newline after the first 76.
  const std::string t = Text(Opaque(15, Bytes(60, 0)));
  EXPECT_EQ(t, "\"base64:type15:" + std::string(76, 'A') + "\\nAAAA\"");
  // A string kept as an opaque VAR_STRING prints as a string.
  EXPECT_EQ(Text(Opaque(253, {'h', 'i'})), "\"hi\"");
}

TEST(MySqlJsonTest, NestingUpToTheDepthLimit) {
  J doc = Lit(0);
  for (int i = 0; i < kMySqlJsonMaxDepth; ++i) doc = Arr({doc}, true);
  EXPECT_EQ(Text(doc), std::string(100, '[') + "null" + std::string(100, ']'));
  doc = Arr({doc}, true);
  EXPECT_NE(Text(doc).find("nesting deeper than 100"), std::string::npos) << Text(doc);
}

TEST(MySqlJsonTest, TruncatedDocumentsAreCorruption) {
  const Bytes whole = Doc(Obj({{"a", Str("hello")}, {"b", Arr({Double(1.5)})}}));
  for (size_t n = 1; n < whole.size(); ++n) {
    auto r = MySqlJsonToText(std::span(whole.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("at offset"), std::string::npos) << r.status().ToString();
  }
  EXPECT_TRUE(MySqlJsonToText(whole).ok());
}

TEST(MySqlJsonTest, BadOffsetsTypesAndLengthsAreCorruption) {
  // Unknown type byte.
  EXPECT_NE(Text(Bytes{0x0d, 0}).find("unknown value type 0x0d"), std::string::npos);
  // Unknown literal.
  EXPECT_NE(Text(Bytes{0x04, 0x07}).find("unknown literal"), std::string::npos);
  // Array whose size exceeds the document.
  EXPECT_NE(Text(Bytes{0x02, 0x01, 0x00, 0xff, 0x00}).find("exceeds"), std::string::npos);
  // Element count that cannot fit the size.
  EXPECT_NE(Text(Bytes{0x02, 0xff, 0xff, 0x04, 0x00}).find("does not fit"), std::string::npos);
  // Value offset pointing into the header.
  EXPECT_NE(Text(Bytes{0x02, 0x01, 0x00, 0x07, 0x00, 0x0c, 0x01, 0x00}).find("value offset 1"), std::string::npos);
  // Key outside its object.
  Bytes obj = Doc(Obj({{"a", Lit(1)}}));
  obj[5] = 0xff;  // key offset
  EXPECT_NE(Text(obj).find("key at"), std::string::npos) << Text(obj);
  // Variable length of 6 bytes, and one past 32 bits.
  EXPECT_NE(Text(Bytes{0x0c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).find("longer than 5 bytes"), std::string::npos);
  EXPECT_NE(Text(Bytes{0x0c, 0xff, 0xff, 0xff, 0xff, 0x7f}).find("exceeds 32 bits"), std::string::npos);
  // A string longer than the document: an error, not an allocation.
  EXPECT_NE(Text(Bytes{0x0c, 0xff, 0xff, 0xff, 0xff, 0x0f}).find("exceeds the"), std::string::npos);
  // Opaque DECIMAL with impossible precision, temporal with a wrong size,
  // fraction past 999999, non-finite double.
  EXPECT_NE(Text(Opaque(246, {90, 2, 0})).find("impossible"), std::string::npos);
  EXPECT_NE(Text(Opaque(12, {1, 2, 3})).find("not 8"), std::string::npos);
  EXPECT_NE(Text(Opaque(11, {0xff, 0xff, 0xff, 0, 0, 0, 0, 0})).find("fraction"), std::string::npos);
  EXPECT_NE(Text(Double(std::numeric_limits<double>::infinity())).find("not finite"), std::string::npos);
}

TEST(MySqlJsonTest, FailureLeavesTheOutputUnchanged) {
  std::string out = "prefix";
  EXPECT_FALSE(AppendMySqlJsonText(Bytes{0x02, 0x02, 0x00, 0x0a, 0x00, 0x04, 0x01, 0x00, 0x0d, 0x00}, &out).ok());
  EXPECT_EQ(out, "prefix");
}

TEST(MySqlJsonTest, SharedValuesCannotBlowUpTheOutput) {
  // Each level is a large array of 2 entries pointing at the same child: a
  // DAG that would print 2^60 elements. The output limit stops it.
  Bytes doc = {0x04, 0x00};  // null, as the innermost data below is built bottom-up
  Bytes child = {};          // data of the current child (type in child_type)
  uint8_t child_type = 0x04;
  child = {0x00};
  for (int level = 0; level < 60; ++level) {
    Bytes d;
    Put(&d, 2, 4);
    Put(&d, 0, 4);
    const size_t value_at = 8 + 2 * 5;
    for (int i = 0; i < 2; ++i) {
      d.push_back(child_type);
      if (child_type == 0x04) {
        Put(&d, child[0], 4);
      } else {
        Put(&d, value_at, 4);
      }
    }
    if (child_type != 0x04) d.insert(d.end(), child.begin(), child.end());
    PutAt(&d, 4, d.size(), 4);
    child = d;
    child_type = 0x03;
  }
  doc = {child_type};
  doc.insert(doc.end(), child.begin(), child.end());
  auto r = MySqlJsonToText(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("shared or overlapping"), std::string::npos) << r.status().ToString();
}

TEST(MySqlJsonTest, RowValuesOfJsonColumnsPrintAsText) {
  const Bytes doc = Doc(Arr({Int(0x05, 1, 2)}));
  Value v;
  v.kind = ValueKind::kJson;
  v.bytes = std::string_view(reinterpret_cast<const char*>(doc.data()), doc.size());
  ColumnInfo column;
  column.meta.type = column.meta.real_type = ColumnType::kJson;
  std::string out;
  ASSERT_TRUE(AppendValueTextWithJson(v, column, &out).ok());
  EXPECT_EQ(out, "[1]");
  Value i;
  i.kind = ValueKind::kInt;
  i.int_value = -5;
  out.clear();
  ASSERT_TRUE(AppendValueTextWithJson(i, column, &out).ok());
  EXPECT_EQ(out, "-5");
}

}  // namespace
}  // namespace dm::binlog
