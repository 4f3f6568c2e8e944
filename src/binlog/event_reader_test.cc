#include "binlog/event_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace dm::binlog {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

TEST(EventReaderTest, ReadsLittleEndianIntegersOfEveryWidth) {
  auto data = Bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
  for (size_t n = 1; n <= 8; ++n) {
    EventReader r(data);
    uint64_t expected = 0;
    for (size_t i = n; i > 0; --i) expected = (expected << 8) | data[i - 1];
    EXPECT_EQ(r.ReadUInt(n), expected) << n;
    EXPECT_EQ(r.position(), n);
    EXPECT_TRUE(r.ok());
  }
}

TEST(EventReaderTest, SignedReadsSignExtend) {
  auto data = Bytes({0xff, 0xfe, 0xff, 0x00, 0x00, 0x80});
  EventReader r(data);
  EXPECT_EQ(r.ReadInt(1), -1);
  EXPECT_EQ(r.ReadInt(2), -2);  // 0xfffe
  EXPECT_EQ(r.ReadInt(3), -8388608);  // 0x800000
  EXPECT_TRUE(r.ok());
  auto max = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f});
  EventReader r8(max);
  EXPECT_EQ(r8.ReadInt(8), INT64_MAX);
}

TEST(EventReaderTest, ReadsBigEndian) {
  auto data = Bytes({0x12, 0x34, 0x56});
  EventReader r(data);
  EXPECT_EQ(r.ReadUIntBigEndian(3), 0x123456u);
}

TEST(EventReaderTest, ReadsFloatAndDoubleBits) {
  auto data = Bytes({0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xbf});
  EventReader r(data);
  EXPECT_EQ(r.ReadFloat(), 1.5f);
  EXPECT_EQ(r.ReadDouble(), -1.5);
}

TEST(EventReaderTest, ReadsEveryPackedIntegerForm) {
  auto data = Bytes({0xfa, 0xfc, 0x34, 0x12, 0xfd, 0x56, 0x34, 0x12, 0xfe, 1, 0, 0, 0, 0, 0, 0, 0x80});
  EventReader r(data);
  EXPECT_EQ(r.ReadPackedInt(), 0xfau);
  EXPECT_EQ(r.ReadPackedInt(), 0x1234u);
  EXPECT_EQ(r.ReadPackedInt(), 0x123456u);
  EXPECT_EQ(r.ReadPackedInt(), 0x8000000000000001u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(EventReaderTest, NullAndErrorPackedMarkersAreCorruption) {
  for (int marker : {0xfb, 0xff}) {
    auto data = Bytes({0x00, marker});
    EventReader r(data, 1000);
    r.Skip(1);
    EXPECT_EQ(r.ReadPackedInt("column count"), 0u);
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("offset 1 (position 1001)"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("column count"), std::string::npos);
  }
}

TEST(EventReaderTest, TruncatedReadNamesFieldOffsetAndPosition) {
  auto data = Bytes({1, 2, 3});
  EventReader r(data, 500);
  r.Skip(1);
  EXPECT_EQ(r.ReadU32("thread_id"), 0u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.status().error_code(), ErrorCode::kBinlogEventCorrupt);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("thread_id needs 4 bytes at offset 1 (position 501), 2 left"), std::string::npos) << m;
}

TEST(EventReaderTest, FirstErrorIsStickyAndLaterReadsDoNothing) {
  auto data = Bytes({1, 2, 3, 4});
  EventReader r(data);
  r.ReadU64("first");
  const std::string first = r.status().message();
  EXPECT_EQ(r.ReadU8("second"), 0u);
  EXPECT_TRUE(r.ReadBytes(1).empty());
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.remaining(), 0u);
  r.Fail("third");
  EXPECT_EQ(r.status().message(), first);
}

TEST(EventReaderTest, LimitExcludesTheChecksum) {
  auto data = Bytes({1, 2, 0xaa, 0xbb, 0xcc, 0xdd});
  EventReader r(data);
  r.SetLimit(data.size() - 4);
  EXPECT_EQ(r.ReadRest(), std::string_view("\x01\x02", 2));
  EXPECT_EQ(r.ReadU8("checksum byte"), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(EventReaderTest, LimitOutsideTheRangeFails) {
  auto data = Bytes({1, 2, 3});
  EventReader past(data);
  past.SetLimit(4);
  EXPECT_FALSE(past.ok());
  EventReader behind(data);
  behind.Skip(2);
  behind.SetLimit(1);
  EXPECT_FALSE(behind.ok());
}

TEST(EventReaderTest, PackedStringLongerThanTheRestFailsWithoutReading) {
  auto data = Bytes({0xfc, 0xff, 0xff, 'a'});
  EventReader r(data);
  EXPECT_TRUE(r.ReadPackedString("name").empty());
  EXPECT_FALSE(r.ok());
}

TEST(EventReaderTest, HugeLengthsFailInsteadOfOverflowing) {
  auto data = Bytes({1, 2, 3});
  EventReader r(data);
  r.Skip(1);
  EXPECT_TRUE(r.ReadBytes(SIZE_MAX).empty());
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace dm::binlog
