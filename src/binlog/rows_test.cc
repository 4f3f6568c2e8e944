// Unit tests of TABLE_MAP, rows events and row values over built events:
// the layouts real MariaDB files do not show (MySQL v2 rows, YEAR signedness
// of MySQL) and every malformation.
#include <gtest/gtest.h>

#include "binlog/decimal.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::TestFormat;
using testing::ViewOf;

// ---- DECIMAL ----

std::string DecimalText(int precision, int scale, std::vector<uint8_t> bytes) {
  Status s = ValidateDecimal(precision, scale, bytes);
  if (!s.ok()) return s.ToString();
  std::string out;
  AppendDecimalText(precision, scale, bytes, &out);
  return out;
}

TEST(DecimalTest, DecodesMySqlDocumentationExample) {
  // decimal2bin's documented example: 1234567890.1234 as DECIMAL(14,4).
  EXPECT_EQ(DecimalText(14, 4, {0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2}), "1234567890.1234");
  EXPECT_EQ(DecimalText(14, 4, {0x7e, 0xf2, 0x04, 0xc7, 0x2d, 0xfb, 0x2d}), "-1234567890.1234");
}

TEST(DecimalTest, ZeroIntegerPartAndZeroScale) {
  EXPECT_EQ(DecimalBinarySize(9, 9), 4u);
  EXPECT_EQ(DecimalText(9, 9, {0x80, 0x00, 0x00, 0x01}), "0.000000001");
  EXPECT_EQ(DecimalText(5, 0, {0x80, 0x00, 0x00}), "0");
  EXPECT_EQ(DecimalText(5, 0, {0x7f, 0xff, 0xfe}), "-1");
  // All-zero bytes are a negative value whose 8-digit leading group reads
  // 0x7fffffff: out of range.
  EXPECT_NE(DecimalText(65, 30, std::vector<uint8_t>(DecimalBinarySize(65, 30), 0)).find("Corruption"),
            std::string::npos);
}

TEST(DecimalTest, DigitGroupOutOfRangeIsCorruption) {
  // A full 9-digit group holding 1000000000.
  EXPECT_NE(DecimalText(18, 0, {0x80 | 0x3b, 0x9a, 0xca, 0x00, 0, 0, 0, 0}).find("Corruption"), std::string::npos);
  // Wrong size.
  EXPECT_NE(DecimalText(14, 4, {0x81, 0x0d}).find("Corruption"), std::string::npos);
  EXPECT_FALSE(ValidateDecimal(5, 6, std::vector<uint8_t>(4)).ok());
}

// ---- TABLE_MAP ----

// TABLE_MAP of `db`.`t` with the given column types and metadata bytes.
EventBuilder TableMapBody(uint64_t table_id, const std::vector<uint8_t>& types, const std::vector<uint8_t>& meta,
                          size_t columns = SIZE_MAX) {
  EventBuilder b;
  b.U48(table_id).U16(1).U8(2).Bytes("db").U8(0).U8(1).Bytes("t").U8(0);
  b.Packed(columns == SIZE_MAX ? types.size() : columns).Bytes(types).Packed(meta.size()).Bytes(meta);
  b.Bytes(std::vector<uint8_t>((types.size() + 7) / 8, 0xff));  // all nullable
  return b;
}

Result<TableMap> Decode(const std::vector<uint8_t>& bytes, ServerFlavor flavor = ServerFlavor::kMariaDb) {
  return DecodeTableMap(ViewOf(bytes), TestFormat(true, flavor));
}

TEST(TableMapTest, DecodesColumnMetadata) {
  // LONG, VARCHAR(300 bytes), NEWDECIMAL(10,2), DATETIME2(6), BLOB(2), STRING
  // ENUM(1 byte), STRING CHAR(400 bytes), BIT(13).
  auto bytes = TableMapBody(77, {3, 15, 246, 18, 252, 254, 254, 16},
                            {0x2c, 0x01, 10, 2, 6, 2, 0xf7, 1, 0xee, 0x90, 5, 1})
                   .Build(EventType::kTableMap);
  auto m = Decode(bytes);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->table_id, 77u);
  EXPECT_EQ(m->schema, "db");
  EXPECT_EQ(m->table, "t");
  ASSERT_EQ(m->columns.size(), 8u);
  EXPECT_EQ(m->columns[1].meta.max_length, 300u);
  EXPECT_EQ(m->columns[2].meta.precision, 10);
  EXPECT_EQ(m->columns[3].meta.fsp, 6);
  EXPECT_EQ(m->columns[4].meta.pack_length, 2);
  EXPECT_EQ(m->columns[5].meta.real_type, ColumnType::kEnum);
  EXPECT_EQ(m->columns[6].meta.real_type, ColumnType::kString);
  EXPECT_EQ(m->columns[6].meta.max_length, 400u);
  EXPECT_EQ(m->columns[7].meta.bits, 13);
}

TEST(TableMapTest, ColumnCountBeyondTheEventIsCorruptionNotAllocation) {
  auto bytes = TableMapBody(1, {3}, {}, 1u << 30).Build(EventType::kTableMap);
  EXPECT_EQ(Decode(bytes).status().code(), StatusCode::kCorruption);
}

TEST(TableMapTest, MetadataBlockShorterThanTheTypesNeedIsCorruption) {
  auto bytes = TableMapBody(1, {15, 15}, {0x10, 0x00, 0x10}).Build(EventType::kTableMap);
  EXPECT_EQ(Decode(bytes).status().code(), StatusCode::kCorruption);
}

TEST(TableMapTest, LeftoverMetadataBytesAreCorruption) {
  auto bytes = TableMapBody(1, {3}, {0x01}).Build(EventType::kTableMap);
  EXPECT_EQ(Decode(bytes).status().code(), StatusCode::kCorruption);
}

TEST(TableMapTest, UnsupportedColumnTypeIsNamed) {
  auto bytes = TableMapBody(1, {100}, {}).Build(EventType::kTableMap);
  auto m = Decode(bytes);
  EXPECT_EQ(m.status().error_code(), ErrorCode::kBinlogUnsupportedColumnType);
}

TEST(TableMapTest, ImpossibleMetadataIsCorruption) {
  for (const auto& [type, meta] : std::vector<std::pair<uint8_t, std::vector<uint8_t>>>{
           {246, {70, 80}}, {18, {7}}, {16, {9, 0}}, {252, {5}}, {4, {8}}, {254, {0xf7, 3}}}) {
    auto bytes = TableMapBody(1, {type}, meta).Build(EventType::kTableMap);
    EXPECT_EQ(Decode(bytes).status().code(), StatusCode::kCorruption) << int(type);
  }
}

TEST(TableMapTest, OptionalMetadataResolvesColumns) {
  // TINY, YEAR, VARCHAR, VARCHAR, ENUM, SET, GEOMETRY.
  auto b = TableMapBody(5, {1, 13, 15, 15, 254, 254, 255}, {10, 0, 10, 0, 0xf7, 1, 0xf8, 1, 4});
  b.U8(1).Packed(1).U8(0xc0);                          // SIGNEDNESS: TINY and YEAR unsigned
  b.U8(2).Packed(3).Packed(45).Packed(1).Packed(8);    // DEFAULT_CHARSET 45, column 1 latin1
  b.U8(4).Packed(16).PackedString("a").PackedString("y").PackedString("v1").PackedString("v2")
      .PackedString("e").PackedString("s").PackedString("g");
  b.U8(6).Packed(5).Packed(2).PackedString("p").PackedString("q");  // ENUM members
  b.U8(5).Packed(3).Packed(1).PackedString("z");                    // SET members
  b.U8(7).Packed(1).Packed(3);                                      // GEOMETRY: POLYGON
  b.U8(99).Packed(2).U16(0xffff);                                   // unknown: skipped
  b.U8(9).Packed(4).Packed(2).Packed(5).Packed(0).Packed(0);        // PK (2, prefix 5), (0)
  b.U8(10).Packed(1).Packed(33);                                    // ENUM/SET charset
  auto bytes = b.Build(EventType::kTableMap);
  auto m = Decode(bytes);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->columns[0].is_unsigned);
  EXPECT_TRUE(m->columns[1].is_unsigned);  // MariaDB: YEAR is numeric
  EXPECT_EQ(m->columns[2].charset, 45u);
  EXPECT_EQ(m->columns[3].charset, 8u);
  EXPECT_EQ(m->columns[6].charset, 45u);  // GEOMETRY counts as a character column
  EXPECT_EQ(m->columns[4].charset, 33u);
  EXPECT_EQ(m->columns[2].name, "v1");
  EXPECT_EQ(m->columns[4].elements, (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(m->columns[5].elements, std::vector<std::string>{"z"});
  EXPECT_EQ(m->columns[6].geometry_type, 3u);
  EXPECT_EQ(m->primary_key, (std::vector<PrimaryKeyPart>{{2, 5}, {0, 0}}));
  EXPECT_TRUE(m->Has(OptionalMetadataType::kColumnName));
  EXPECT_FALSE(m->Has(OptionalMetadataType::kColumnCharset));
}

TEST(TableMapTest, MySqlSignednessSkipsYear) {
  auto b = TableMapBody(5, {13, 1}, {});
  b.U8(1).Packed(1).U8(0x80);  // the first numeric column, TINY on MySQL
  auto bytes = b.Build(EventType::kTableMap);
  auto m = Decode(bytes, ServerFlavor::kMySql);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->columns[0].is_unsigned);
  EXPECT_TRUE(m->columns[1].is_unsigned);
}

TEST(TableMapTest, OptionalFieldLongerThanTheEventIsCorruption) {
  auto b = TableMapBody(5, {3}, {});
  b.U8(4).Packed(200).PackedString("x");
  EXPECT_EQ(Decode(b.Build(EventType::kTableMap)).status().code(), StatusCode::kCorruption);
}

TEST(TableMapTest, CharsetIndexOutOfRangeIsCorruption) {
  auto b = TableMapBody(5, {15}, {10, 0});
  b.U8(2).Packed(3).Packed(45).Packed(7).Packed(8);
  EXPECT_EQ(Decode(b.Build(EventType::kTableMap)).status().code(), StatusCode::kCorruption);
}

TEST(TableMapTest, ApplySchemaFillsOnlyWhatMetadataLacks) {
  auto b = TableMapBody(5, {1, 1}, {});
  b.U8(1).Packed(1).U8(0x40);  // SIGNEDNESS: second unsigned
  auto m = Decode(b.Build(EventType::kTableMap));
  ASSERT_TRUE(m.ok());
  TableSchema schema{{{"a", true, 0, {}}, {"b", false, 0, {}}}};
  ASSERT_TRUE(ApplySchema(schema, &*m).ok());
  EXPECT_FALSE(m->columns[0].is_unsigned);  // metadata wins
  EXPECT_TRUE(m->columns[1].is_unsigned);
  EXPECT_EQ(m->columns[0].name, "a");       // no COLUMN_NAME: from the schema
  TableSchema short_schema{{{"a", true, 0, {}}}};
  Status s = ApplySchema(short_schema, &*m);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.error_code(), ErrorCode::kBinlogSchemaMismatch);
}

TEST(TableMapCacheTest, RepeatedTableMapIsDecodedOnce) {
  TableMapCache cache;
  auto first = TableMapBody(5, {3}, {}).Build(EventType::kTableMap, true, 100);
  auto again = TableMapBody(5, {3}, {}).Build(EventType::kTableMap, true, 900);  // other header, same body
  auto altered = TableMapBody(5, {3, 3}, {}).Build(EventType::kTableMap, true, 1700);
  bool fresh = false;
  auto a = cache.Update(ViewOf(first), TestFormat(), &fresh);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(fresh);
  (*a)->columns[0].name = "from the schema";
  auto b = cache.Update(ViewOf(again), TestFormat(), &fresh);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(fresh);
  EXPECT_EQ(*b, *a);
  EXPECT_EQ((*b)->columns[0].name, "from the schema");
  auto c = cache.Update(ViewOf(altered), TestFormat(), &fresh);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(fresh);
  EXPECT_EQ(cache.Find(5)->columns.size(), 2u);
  EXPECT_EQ(cache.Find(6), nullptr);
  auto broken = altered;
  broken.resize(30);
  broken[9] = 30;
  EXPECT_FALSE(cache.Update(ViewOf(broken), TestFormat(false), &fresh).ok());
}

// ---- Rows events ----

// A table of `n` nullable INT columns mapped as table id 9.
TableMap IntTable(size_t n) {
  auto bytes = TableMapBody(9, std::vector<uint8_t>(n, 3), {}).Build(EventType::kTableMap);
  auto m = Decode(bytes);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

std::vector<uint8_t> AllBits(size_t n) {
  std::vector<uint8_t> b((n + 7) / 8, 0);
  for (size_t i = 0; i < n; ++i) b[i / 8] |= static_cast<uint8_t>(1 << (i % 8));
  return b;
}

TEST(RowsEventTest, WideTableWithNullsAndPartialImage) {
  constexpr size_t kColumns = 70;
  TableMap map = IntTable(kColumns);
  EventBuilder b;
  b.U48(9).U16(kRowsFlagStmtEnd).Packed(kColumns);
  std::vector<uint8_t> before = AllBits(kColumns);
  std::vector<uint8_t> after((kColumns + 7) / 8, 0);
  after[8] = 0x20;  // only column 69
  b.Bytes(before).Bytes(after);
  // Before image: columns 0..69, NULL where i % 3 == 2.
  std::vector<uint8_t> nulls((kColumns + 7) / 8, 0);
  for (size_t i = 0; i < kColumns; ++i) {
    if (i % 3 == 2) nulls[i / 8] |= static_cast<uint8_t>(1 << (i % 8));
  }
  b.Bytes(nulls);
  for (size_t i = 0; i < kColumns; ++i) {
    if (i % 3 != 2) b.U32(static_cast<uint32_t>(-static_cast<int32_t>(i)));
  }
  b.U8(0).U32(123456);  // after image: one present column, not NULL
  auto bytes = b.Build(EventType::kUpdateRowsV1);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->statement_end());
  RowsReader reader(*rows, map);
  std::vector<Value> old_row(kColumns), new_row(kColumns);
  ASSERT_TRUE(reader.HasNext());
  Status s = reader.Next(old_row, new_row);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(reader.HasNext());
  EXPECT_EQ(old_row[67].int_value, -67);
  EXPECT_TRUE(old_row[68].is_null());
  EXPECT_TRUE(old_row[2].is_null());
  EXPECT_EQ(old_row[69].int_value, -69);
  EXPECT_TRUE(new_row[0].is_absent());
  EXPECT_EQ(new_row[69].int_value, 123456);
}

TEST(RowsEventTest, V2ExtraDataWithPartitionInfo) {
  TableMap map = IntTable(1);
  auto bytes = EventBuilder()
                   .U48(9).U16(0).U16(2 + 3).U8(1).U16(4)  // extra data: partition 4
                   .Packed(1).Bytes(AllBits(1)).U8(0).U32(5)
                   .Build(EventType::kWriteRowsV2);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(true, ServerFlavor::kMySql), &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->partition_id, 4);
  RowsReader reader(*rows, map);
  std::vector<Value> row(1);
  ASSERT_TRUE(reader.Next({}, row).ok());
  EXPECT_EQ(row[0].int_value, 5);
}

TEST(RowsEventTest, ImageOfNoColumnsIsCorruptionNotAHang) {
  TableMap map = IntTable(3);
  auto bytes = EventBuilder().U48(9).U16(0).Packed(3).U8(0).U8(0).U8(0).U8(0).Build(EventType::kDeleteRowsV1);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(rows.ok());
  RowsReader reader(*rows, map);
  std::vector<Value> row(3);
  size_t calls = 0;
  while (reader.HasNext() && calls < 10) {
    ++calls;
    if (!reader.Next(row, {}).ok()) break;
  }
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(reader.status().code(), StatusCode::kCorruption);
}

TEST(RowsEventTest, TruncatedRowNamesTheTable) {
  TableMap map = IntTable(2);
  auto bytes = EventBuilder().U48(9).U16(0).Packed(2).Bytes(AllBits(2)).U8(0).U32(1).U16(7).Build(EventType::kWriteRowsV1);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes, 500), TestFormat(), &scratch);
  ASSERT_TRUE(rows.ok());
  RowsReader reader(*rows, map);
  std::vector<Value> row(2);
  Status s = reader.Next({}, row);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("`db`.`t`"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("position"), std::string::npos);
}

TEST(RowsEventTest, TableIdMismatchIsReported) {
  TableMap map = IntTable(1);
  auto bytes = EventBuilder().U48(10).U16(0).Packed(1).Bytes(AllBits(1)).U8(0).U32(1).Build(EventType::kWriteRowsV1);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(rows.ok());
  RowsReader reader(*rows, map);
  std::vector<Value> row(1);
  EXPECT_EQ(reader.Next({}, row).error_code(), ErrorCode::kBinlogTableMapMissing);
}

TEST(RowsEventTest, ValueArraysOfTheWrongSizeAreAnInternalError) {
  TableMap map = IntTable(2);
  auto bytes = EventBuilder().U48(9).U16(0).Packed(2).Bytes(AllBits(2)).U8(0).U32(1).U32(2).Build(EventType::kWriteRowsV1);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(rows.ok());
  RowsReader reader(*rows, map);
  std::vector<Value> row(1);
  EXPECT_EQ(reader.Next({}, row).code(), StatusCode::kInternal);
}

TEST(RowsEventTest, PartialUpdateOfTableWithoutJsonColumnsHasEmptyPartialBitmap) {
  // value_options PARTIAL_JSON with no JSON column: the bitmap has 0 bytes
  // and the after image follows at once (json_diff_test.cc covers JSON).
  TableMap map = IntTable(1);
  auto bytes = EventBuilder()
                   .U48(9).U16(0).U16(2).Packed(1).Bytes(AllBits(1)).Bytes(AllBits(1))
                   .U8(0).U32(1).Packed(1).U8(0).U32(2)
                   .Build(EventType::kPartialUpdateRows);
  std::string scratch;
  auto rows = DecodeRowsEvent(ViewOf(bytes), TestFormat(true, ServerFlavor::kMySql), &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  RowsReader reader(*rows, map);
  std::vector<Value> before(1), after(1);
  ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
  EXPECT_EQ(before[0].int_value, 1);
  EXPECT_EQ(after[0].int_value, 2);
  EXPECT_FALSE(reader.HasNext());
}

// ---- Row values ----

// Decodes one value of a single column described by (type, meta bytes).
Value DecodeOne(uint8_t type, std::vector<uint8_t> meta, const std::vector<uint8_t>& value, bool is_unsigned,
                Status* status) {
  EventReader mr(meta);
  ColumnInfo column;
  column.meta = ReadColumnMeta(static_cast<ColumnType>(type), mr);
  column.is_unsigned = is_unsigned;
  EXPECT_TRUE(mr.ok()) << mr.status().ToString();
  EventReader r(value);
  Value v;
  DecodeValue(column, r, &v);
  *status = r.status();
  return v;
}

std::string ValueText(uint8_t type, std::vector<uint8_t> meta, const std::vector<uint8_t>& value, bool is_unsigned = false) {
  Status s;
  EventReader mr(meta);
  ColumnInfo column;
  column.meta = ReadColumnMeta(static_cast<ColumnType>(type), mr);
  Value v = DecodeOne(type, meta, value, is_unsigned, &s);
  if (!s.ok()) return s.ToString();
  std::string out;
  AppendValueText(v, column, &out);
  return out;
}

TEST(RowValueTest, TemporalTypes) {
  // DATETIME2(1) 2024-02-29 13:14:15.5: (2024*13+2)<<22 | 29<<17 | 13<<12 | 14<<6 | 15, + 2^39.
  const uint64_t dt = ((uint64_t{2024 * 13 + 2} << 22) | (uint64_t{29} << 17) | (13 << 12) | (14 << 6) | 15) + (uint64_t{1} << 39);
  EventBuilder d;
  d.BigEndian(dt, 5).U8(50);
  EXPECT_EQ(ValueText(18, {1}, d.body()), "2024-02-29 13:14:15.5");
  // TIME2(0) -01:00:00: 0x800000 - (1 << 12).
  EventBuilder t;
  t.BigEndian(0x800000 - (1 << 12), 3);
  EXPECT_EQ(ValueText(19, {0}, t.body()), "-01:00:00");
  // TIMESTAMP2(3) 1 second + 0.5 s; TIMESTAMP 0 is the zero timestamp.
  EventBuilder ts;
  ts.BigEndian(86400 + 1, 4).BigEndian(5000, 2);
  EXPECT_EQ(ValueText(17, {3}, ts.body()), "1970-01-02 00:00:01.500");
  EXPECT_EQ(ValueText(7, {}, {0, 0, 0, 0}), "0000-00-00 00:00:00");
  // Pre-5.6 DATETIME and TIME, DATE, YEAR.
  EventBuilder old;
  old.U64(20240229131415);
  EXPECT_EQ(ValueText(12, {}, old.body()), "2024-02-29 13:14:15");
  EventBuilder old_time;
  old_time.UInt(static_cast<uint32_t>(-8385959) & 0xffffff, 3);
  EXPECT_EQ(ValueText(11, {}, old_time.body()), "-838:59:59");
  EventBuilder date;
  date.U24((2024 << 9) | (2 << 5) | 29);
  EXPECT_EQ(ValueText(10, {}, date.body()), "2024-02-29");
  EXPECT_EQ(ValueText(13, {}, {124}), "2024");
}

TEST(RowValueTest, FractionsKeepLeadingZeros) {
  const uint64_t dt = ((uint64_t{2024 * 13 + 2} << 22) | (uint64_t{29} << 17) | (13 << 12) | (14 << 6) | 15) + (uint64_t{1} << 39);
  EventBuilder six;
  six.BigEndian(dt, 5).BigEndian(5, 3);
  EXPECT_EQ(ValueText(18, {6}, six.body()), "2024-02-29 13:14:15.000005");
  EventBuilder four;
  four.BigEndian(dt, 5).BigEndian(1, 2);  // units of 100 microseconds
  EXPECT_EQ(ValueText(18, {4}, four.body()), "2024-02-29 13:14:15.0001");
  EXPECT_EQ(ValueText(13, {}, {0}), "0000");  // YEAR 0
  EXPECT_EQ(ValueText(10, {}, {0, 0, 0}), "0000-00-00");
}

TEST(RowValueTest, ImpossibleTemporalFieldsAreCorruption) {
  EventBuilder t;
  t.BigEndian(0x800000 + 60, 3);  // second 60
  EXPECT_NE(ValueText(19, {0}, t.body()).find("Corruption"), std::string::npos);
  EventBuilder ts;
  ts.BigEndian(1, 4).BigEndian(0xffffff, 3);  // fraction above 999999
  EXPECT_NE(ValueText(17, {6}, ts.body()).find("Corruption"), std::string::npos);
}

TEST(RowValueTest, IntegersBitsAndFloats) {
  EXPECT_EQ(ValueText(9, {}, {0xff, 0xff, 0xff}), "-1");
  EXPECT_EQ(ValueText(9, {}, {0xff, 0xff, 0xff}, true), "16777215");
  EXPECT_EQ(ValueText(16, {5, 1}, {0x1f, 0xff}), "8191");  // BIT(13), big-endian
  EXPECT_EQ(ValueText(4, {4}, {0x00, 0x00, 0xc0, 0x3f}), "1.5");
}

TEST(RowValueTest, StringLengthPrefixes) {
  EXPECT_EQ(ValueText(15, {0x10, 0x00}, {2, 'h', 'i'}), "hi");               // VARCHAR(16): 1 byte
  EXPECT_EQ(ValueText(15, {0x2c, 0x01}, {2, 0, 'h', 'i'}), "hi");            // VARCHAR(300): 2 bytes
  EXPECT_EQ(ValueText(252, {3}, {1, 0, 0, 'x'}), "x");                       // MEDIUMBLOB
  EXPECT_EQ(ValueText(254, {0xee, 0x90}, {1, 0, 'y'}), "y");                 // CHAR of 400 bytes
  EXPECT_NE(ValueText(252, {4}, {0xff, 0xff, 0xff, 0x7f, 'x'}).find("Corruption"), std::string::npos);
}

TEST(RowValueTest, BinaryValuesAreRepaddedWithZeros) {
  const std::vector<uint8_t> meta = {0xfe, 4};
  EventReader mr(meta);
  ColumnInfo column;
  column.meta = ReadColumnMeta(ColumnType::kString, mr);
  column.charset = 63;
  Value v;
  v.kind = ValueKind::kString;
  v.bytes = "\x01";
  EXPECT_EQ(BinaryZeroPadding(v, column), 3u);
  std::string out;
  AppendValueText(v, column, &out);
  EXPECT_EQ(out, std::string("\x01\0\0\0", 4));
  column.charset = 45;  // CHAR: trailing spaces are not restored, as SELECT shows it
  EXPECT_EQ(BinaryZeroPadding(v, column), 0u);
}

}  // namespace
}  // namespace dm::binlog
