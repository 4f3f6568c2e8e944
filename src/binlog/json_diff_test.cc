// MySQL partial JSON updates: the diff list reader, mysqlbinlog's rendering,
// and PARTIAL_UPDATE_ROWS after images with the partial-JSON bitmap. Real
// MySQL output is checked in mysql_fixture_test.cc; these cases cover the
// shapes that fixture lacks, built byte by byte from the documented layout.
#include "binlog/json_diff.h"

#include <gtest/gtest.h>

#include "binlog/rows_event.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::TestFormat;
using testing::ViewOf;

// Binary JSON values.
const std::vector<uint8_t> kJsonString = {0x0c, 0x03, 'a', '\'', 'b'};  // "a'b"
const std::vector<uint8_t> kJsonInt = {0x05, 0x05, 0x00};               // 5
const std::vector<uint8_t> kJsonTrue = {0x04, 0x01};                    // true
// {"a": 1}: small object, 1 member, 12 bytes; key at 11 (length 1); int16 1 inline.
const std::vector<uint8_t> kJsonObject = {0x00, 0x01, 0x00, 0x0c, 0x00, 0x0b, 0x00,
                                          0x01, 0x00, 0x05, 0x01, 0x00, 'a'};

EventBuilder& Diff(EventBuilder& b, JsonDiffOperation op, std::string_view path,
                   const std::vector<uint8_t>& value = {}) {
  b.U8(static_cast<uint8_t>(op)).PackedString(path);
  if (op != JsonDiffOperation::kRemove) b.Packed(value.size()).Bytes(value);
  return b;
}

std::vector<uint8_t> Bytes(const EventBuilder& b) { return b.body(); }

Result<std::string> Text(const std::vector<uint8_t>& diffs, std::string_view column = "`doc`") {
  std::string out;
  DM_RETURN_IF_ERROR(AppendJsonDiffText(diffs, column, &out));
  return out;
}

TEST(JsonDiffTest, ReaderYieldsEachDiff) {
  EventBuilder b;
  Diff(b, JsonDiffOperation::kReplace, "$.a", kJsonInt);
  Diff(b, JsonDiffOperation::kRemove, "$.b");
  Diff(b, JsonDiffOperation::kInsert, "$.c[1]", kJsonTrue);
  const std::vector<uint8_t> diffs = Bytes(b);
  JsonDiffReader reader(diffs);
  JsonDiff d;
  ASSERT_TRUE(reader.Next(&d));
  EXPECT_EQ(d.operation, JsonDiffOperation::kReplace);
  EXPECT_EQ(d.path, "$.a");
  EXPECT_EQ(std::vector<uint8_t>(d.value.begin(), d.value.end()), kJsonInt);
  ASSERT_TRUE(reader.Next(&d));
  EXPECT_EQ(d.operation, JsonDiffOperation::kRemove);
  EXPECT_EQ(d.path, "$.b");
  EXPECT_TRUE(d.value.empty());
  ASSERT_TRUE(reader.Next(&d));
  EXPECT_EQ(d.operation, JsonDiffOperation::kInsert);
  EXPECT_EQ(JsonDiffFunctionName(d.operation, d.path), "JSON_ARRAY_INSERT");
  EXPECT_FALSE(reader.Next(&d));
  EXPECT_TRUE(reader.status().ok());
}

TEST(JsonDiffTest, MalformedDiffsAreCorruption) {
  EventBuilder bad_op;
  bad_op.U8(3).PackedString("$.a");
  const std::vector<uint8_t> bad_op_bytes = Bytes(bad_op);
  JsonDiffReader op_reader(bad_op_bytes);
  JsonDiff d;
  EXPECT_FALSE(op_reader.Next(&d));
  EXPECT_EQ(op_reader.status().code(), StatusCode::kCorruption);
  EXPECT_NE(op_reader.status().message().find("operation 3"), std::string::npos);

  EventBuilder long_path;
  long_path.U8(0).U8(50).Bytes("$.a");  // claims 50 path bytes, has 3
  const std::vector<uint8_t> truncated = Bytes(long_path);
  JsonDiffReader path_reader(truncated);
  EXPECT_FALSE(path_reader.Next(&d));
  EXPECT_EQ(path_reader.status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(Text(truncated).ok());

  EventBuilder short_value;
  short_value.U8(0).PackedString("$.a").U8(9).U8(0x05);  // value of 9 bytes, 1 present
  const std::vector<uint8_t> short_value_bytes = Bytes(short_value);
  JsonDiffReader value_reader(short_value_bytes);
  EXPECT_FALSE(value_reader.Next(&d));
  EXPECT_EQ(value_reader.status().code(), StatusCode::kCorruption);
}

TEST(JsonDiffTest, ConsecutiveDiffsOfOneFunctionShareOneCall) {
  EventBuilder b;
  Diff(b, JsonDiffOperation::kReplace, "$.a", kJsonInt);
  Diff(b, JsonDiffOperation::kReplace, "$.b", kJsonTrue);
  Diff(b, JsonDiffOperation::kRemove, "$.c");
  Diff(b, JsonDiffOperation::kReplace, "$.d", kJsonString);
  auto text = Text(Bytes(b));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, R"(JSON_REPLACE(JSON_REMOVE(JSON_REPLACE(`doc`, '$.a', 5, '$.b', true), '$.c'), '$.d', 'a\'b'))");
}

TEST(JsonDiffTest, ValuesPrintAsMysqlbinlogPrintsThem) {
  EventBuilder b;
  Diff(b, JsonDiffOperation::kInsert, "$.o", kJsonObject);
  Diff(b, JsonDiffOperation::kInsert, "$[0]", kJsonString);
  auto text = Text(Bytes(b), "@2");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, R"(JSON_ARRAY_INSERT(JSON_INSERT(@2, '$.o', CAST('{"a": 1}' AS JSON)), '$[0]', 'a\'b'))");
}

TEST(JsonDiffTest, EmptyDiffListIsTheColumnItself) {
  auto text = Text({});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "`doc`");
}

TEST(JsonDiffTest, MalformedValueIsCorruptionNamingThePath) {
  EventBuilder b;
  Diff(b, JsonDiffOperation::kReplace, "$.x", {0x0c, 0x09, 'a'});  // string of 9 bytes, 1 present
  auto text = Text(Bytes(b));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kCorruption);
  EXPECT_NE(text.status().message().find("$.x"), std::string::npos) << text.status().ToString();
}

// A table (id INT, a JSON, b JSON) updated with PARTIAL_JSON, column `a` not
// in the after image: the partial bitmap still has a bit for `a`, so `b`'s
// bit is the second.
class PartialRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EventBuilder m;
    m.U48(7).U16(1).U8(1).Bytes("d").U8(0).U8(1).Bytes("t").U8(0);
    m.Packed(3).U8(3).U8(245).U8(245);
    m.Packed(2).U8(4).U8(4);
    m.U8(0x06);
    map_event_ = m.Build(EventType::kTableMap, false);
    auto map = DecodeTableMap(ViewOf(map_event_), format_);
    ASSERT_TRUE(map.ok()) << map.status().ToString();
    map_ = std::move(*map);
  }

  // The PARTIAL_UPDATE_ROWS event: before image (id, a, b) all present, after
  // image (id, b); `after_tail` follows the after image's column bitmap.
  std::vector<uint8_t> Event(const std::vector<uint8_t>& after_tail) {
    EventBuilder e;
    e.U48(7).U16(1).U16(2).Packed(3).U8(0x07).U8(0x05);
    e.U8(0x00).U32(1).U32(kJsonInt.size()).Bytes(kJsonInt).U32(kJsonTrue.size()).Bytes(kJsonTrue);
    e.Bytes(after_tail);
    return e.Build(EventType::kPartialUpdateRows, false);
  }

  FormatDescription format_ = TestFormat(false, ServerFlavor::kMySql);
  std::vector<uint8_t> map_event_;
  TableMap map_;
};

TEST_F(PartialRowsTest, BitOfEveryJsonColumnCountsAbsentOnesToo) {
  EventBuilder diffs;
  Diff(diffs, JsonDiffOperation::kReplace, "$", kJsonInt);
  const std::vector<uint8_t> d = Bytes(diffs);
  EventBuilder tail;
  // value_options PARTIAL_JSON, bitmap: `a` 0, `b` 1; null bitmap; id; b as diffs.
  tail.U8(1).U8(0x02).U8(0x00).U32(1).U32(d.size()).Bytes(d);
  const std::vector<uint8_t> event = Event(Bytes(tail));
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(event), format_, &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  RowsReader reader(*rows, map_);
  std::vector<Value> before(3), after(3);
  ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
  EXPECT_EQ(before[1].kind, ValueKind::kJson);
  EXPECT_EQ(before[2].kind, ValueKind::kJson);
  EXPECT_EQ(after[1].kind, ValueKind::kAbsent);
  ASSERT_EQ(after[2].kind, ValueKind::kJsonDiff);
  std::string text;
  ASSERT_TRUE(AppendJsonDiffText(std::span(reinterpret_cast<const uint8_t*>(after[2].bytes.data()),
                                           after[2].bytes.size()),
                                 JsonDiffColumnReference(map_, 2), &text)
                  .ok());
  EXPECT_EQ(text, "JSON_REPLACE(@3, '$', 5)");
  EXPECT_FALSE(reader.HasNext());
}

TEST_F(PartialRowsTest, WithoutPartialOptionTheAfterImageIsWhole) {
  EventBuilder tail;
  tail.U8(0).U8(0x00).U32(2).U32(kJsonTrue.size()).Bytes(kJsonTrue);  // value_options 0: no bitmap
  const std::vector<uint8_t> event = Event(Bytes(tail));
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(event), format_, &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  RowsReader reader(*rows, map_);
  std::vector<Value> before(3), after(3);
  ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
  EXPECT_EQ(after[0].int_value, 2);
  EXPECT_EQ(after[2].kind, ValueKind::kJson);
}

TEST_F(PartialRowsTest, MalformedDiffFailsTheRowWithItsPosition) {
  EventBuilder tail;
  tail.U8(1).U8(0x02).U8(0x00).U32(1).U32(2).U8(7).U8(0);  // operation 7
  const std::vector<uint8_t> event = Event(Bytes(tail));
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(event), format_, &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  RowsReader reader(*rows, map_);
  std::vector<Value> before(3), after(3);
  Status s = reader.Next(before, after);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("operation 7"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("`d`.`t`"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace dm::binlog
