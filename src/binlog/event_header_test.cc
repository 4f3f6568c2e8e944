#include "binlog/event_header.h"

#include <gtest/gtest.h>

#include "binlog/format_description.h"
#include "binlog/location.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::ViewOf;

TEST(EventHeaderTest, DecodesAllFields) {
  auto bytes = EventBuilder().U64(7).Build(EventType::kXid, true, 100, 42, kFlagArtificial);
  auto h = DecodeEventHeader(bytes, 100);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->timestamp, 1700000000u);
  EXPECT_EQ(h->type, EventType::kXid);
  EXPECT_EQ(h->server_id, 42u);
  EXPECT_EQ(h->event_size, 31u);
  EXPECT_EQ(h->next_position, 131u);
  EXPECT_EQ(h->flags, kFlagArtificial);
}

TEST(EventHeaderTest, TruncatedHeaderIsCorruption) {
  auto bytes = EventBuilder().Build(EventType::kStop, false);
  bytes.resize(18);
  auto h = DecodeEventHeader(bytes, 4);
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
}

TEST(EventHeaderTest, LengthBelowHeaderSizeIsCorruption) {
  auto bytes = EventBuilder().Build(EventType::kStop, false);
  bytes[9] = 18;  // event_size
  auto h = DecodeEventHeader(bytes, 4);
  EXPECT_EQ(h.status().code(), StatusCode::kCorruption);
  EXPECT_NE(h.status().message().find("position 4"), std::string::npos);
}

TEST(EventHeaderTest, ChecksumOfAnIntactEventVerifies) {
  auto bytes = EventBuilder().U64(99).Build(EventType::kXid);
  EXPECT_TRUE(VerifyEventChecksum(bytes, 4).ok());
}

TEST(EventHeaderTest, BadChecksumIsCorruptionWithPosition) {
  auto bytes = EventBuilder().U64(99).Build(EventType::kXid);
  bytes[20] ^= 0x01;
  Status s = VerifyEventChecksum(bytes, 1234);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.error_code(), ErrorCode::kBinlogChecksumMismatch);
  EXPECT_NE(s.message().find("position 1234"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("XID_EVENT"), std::string::npos);
}

TEST(EventHeaderTest, EventTooShortForAChecksumIsCorruption) {
  std::vector<uint8_t> bytes(20, 0);
  EXPECT_EQ(VerifyEventChecksum(bytes, 4).code(), StatusCode::kCorruption);
}

TEST(EventHeaderTest, FormatDescriptionChecksumIgnoresTheInUseFlag) {
  // Servers write the FORMAT_DESCRIPTION with BINLOG_IN_USE set and clear the
  // flag on close without recomputing the checksum.
  auto closed = EventBuilder().U16(4).Build(EventType::kFormatDescription, true, 0, 1, 0);
  auto open = closed;
  open[17] |= kFlagBinlogInUse;
  EXPECT_TRUE(VerifyEventChecksum(closed, 4).ok());
  EXPECT_TRUE(VerifyEventChecksum(open, 4).ok());
  // Other events get no such allowance.
  auto xid = EventBuilder().U64(1).Build(EventType::kXid);
  xid[17] |= kFlagBinlogInUse;
  EXPECT_FALSE(VerifyEventChecksum(xid, 4).ok());
}

TEST(EventTypeTest, NamesRoundTrip) {
  for (int code = 0; code < 256; ++code) {
    const auto type = static_cast<EventType>(code);
    if (!IsKnownEventType(type)) {
      EXPECT_EQ(EventTypeName(type), "UNKNOWN_EVENT_TYPE");
      continue;
    }
    auto back = EventTypeFromName(EventTypeName(type));
    ASSERT_TRUE(back.has_value()) << code;
    EXPECT_EQ(*back, type);
  }
  EXPECT_EQ(EventTypeName(EventType::kMariaGtidList), "GTID_LIST_EVENT");
  EXPECT_EQ(EventTypeName(EventType::kPreviousGtids), "PREVIOUS_GTIDS_LOG_EVENT");
  EXPECT_FALSE(EventTypeFromName("NO_SUCH_EVENT").has_value());
}

TEST(EventTypeTest, RowsTraitsCoverEveryRowsType) {
  EXPECT_EQ(GetRowsEventTraits(EventType::kUpdateRowsV1)->kind, RowsKind::kUpdate);
  EXPECT_EQ(GetRowsEventTraits(EventType::kDeleteRowsV2)->version, 2);
  EXPECT_TRUE(GetRowsEventTraits(EventType::kMariaWriteRowsCompressedV1)->compressed);
  EXPECT_TRUE(GetRowsEventTraits(EventType::kPartialUpdateRows)->partial);
  EXPECT_FALSE(GetRowsEventTraits(EventType::kQuery).has_value());
  EXPECT_EQ(UncompressedEventType(EventType::kMariaDeleteRowsCompressed), EventType::kDeleteRowsV2);
  EXPECT_EQ(UncompressedEventType(EventType::kXid), EventType::kXid);
}

std::vector<uint8_t> FormatDescriptionEvent(std::string_view version, bool with_alg, uint8_t alg, uint16_t binlog_version = 4) {
  EventBuilder b;
  b.U16(binlog_version);
  std::string v(version);
  v.resize(50, '\0');
  b.Bytes(v).U32(1700000000).U8(19);
  for (int i = 1; i <= 40; ++i) b.U8(i == 2 ? 13 : i == 19 ? 8 : 0);
  if (with_alg) b.U8(alg);
  return b.Build(EventType::kFormatDescription, with_alg, 0);
}

TEST(FormatDescriptionTest, DecodesMySqlWithChecksum) {
  auto bytes = FormatDescriptionEvent("8.0.36", true, 1);
  auto f = DecodeFormatDescription(ViewOf(bytes));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->flavor, ServerFlavor::kMySql);
  EXPECT_EQ(f->checksum, ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(f->post_header_lengths.size(), 40u);
  EXPECT_EQ(f->PostHeaderLength(EventType::kQuery, 0), 13);
  EXPECT_EQ(f->PostHeaderLength(EventType::kMariaGtid, 77), 77);  // beyond the table
  EXPECT_TRUE(VerifyEventChecksum(bytes, 4).ok());
}

TEST(FormatDescriptionTest, PreChecksumServerHasNoAlgorithmByte) {
  auto bytes = FormatDescriptionEvent("5.5.62-log", false, 0);
  auto f = DecodeFormatDescription(ViewOf(bytes));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->checksum, ChecksumAlgorithm::kOff);
  EXPECT_EQ(f->post_header_lengths.size(), 40u);
}

TEST(FormatDescriptionTest, UnknownChecksumAlgorithmIsCorruption) {
  auto bytes = FormatDescriptionEvent("10.11.6-MariaDB", true, 7);
  EXPECT_EQ(DecodeFormatDescription(ViewOf(bytes)).status().code(), StatusCode::kCorruption);
}

TEST(FormatDescriptionTest, BinlogVersion3IsNotSupported) {
  auto bytes = FormatDescriptionEvent("4.0.30", false, 0, 3);
  EXPECT_EQ(DecodeFormatDescription(ViewOf(bytes)).status().code(), StatusCode::kFailedPrecondition);
}

TEST(FormatDescriptionTest, TruncatedFormatDescriptionIsCorruption) {
  auto bytes = FormatDescriptionEvent("10.11.6-MariaDB", true, 1);
  bytes.resize(19 + 40);
  bytes[9] = static_cast<uint8_t>(bytes.size());
  EXPECT_EQ(DecodeFormatDescription(ViewOf(bytes)).status().code(), StatusCode::kCorruption);
}

TEST(FormatDescriptionTest, ParsesServerVersions) {
  EXPECT_EQ(ParseServerVersion("10.11.19-MariaDB-0+deb12u1-log"), (std::array<int, 3>{10, 11, 19}));
  EXPECT_EQ(ParseServerVersion("8.0.36"), (std::array<int, 3>{8, 0, 36}));
  EXPECT_EQ(ParseServerVersion("garbage"), (std::array<int, 3>{0, 0, 0}));
}

TEST(LocationTest, ParsesAndFormatsBinlogFileNames) {
  auto name = ParseBinlogFileName("mysql-bin.000012");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->base, "mysql-bin");
  EXPECT_EQ(name->index, 12u);
  EXPECT_EQ(name->ToString(), "mysql-bin.000012");
  EXPECT_FALSE(ParseBinlogFileName("mysql-bin").ok());
  EXPECT_FALSE(ParseBinlogFileName("mysql-bin.00a1").ok());
}

TEST(LocationTest, PositionsOrderByFileIndexThenOffset) {
  Position a{"mysql-bin.000009", 5000000000};  // beyond 4 GiB: 64-bit offsets
  Position b{"mysql-bin.000010", 4};
  EXPECT_TRUE(ComparePositions(a, b) < 0);
  EXPECT_TRUE(ComparePositions(b, a) > 0);
  EXPECT_TRUE(ComparePositions(a, Position{"mysql-bin.000009", 5000000001}) < 0);
  EXPECT_TRUE(ComparePositions(b, b) == 0);
  EXPECT_EQ(a.ToString(), "(mysql-bin.000009, 5000000000)");
  EXPECT_EQ((Location{b, "0-1-5"}).ToString(), "position: (mysql-bin.000010, 4), gtid-set: 0-1-5");
}

}  // namespace
}  // namespace dm::binlog
