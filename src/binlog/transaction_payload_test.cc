// MySQL's compressed transactions: the payload header, zstd decompression
// with its bounds, and TransactionPayloadSource opening the real MySQL 8.0
// payload of tests/data/binlog/mysql/vitess_transaction_payload.binlog
// (README there) into the events vitess's test asserts.
#include "binlog/transaction_payload.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "binlog/control_events.h"
#include "binlog/event_printer.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/source/file_binlog_source.h"
#include "binlog/source/transaction_payload_source.h"
#include "binlog/table_map.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::TestFormat;
using testing::ViewOf;

const std::string kFixture = std::string(DM_BINLOG_FIXTURE_DIR) + "/mysql/vitess_transaction_payload.binlog";
constexpr uint64_t kPayloadPosition = 123;  // after the 119-byte FORMAT_DESCRIPTION
constexpr uint64_t kFileEnd = 342;

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fixture's payload event body (no header, no checksum).
std::vector<uint8_t> FixtureBody() {
  const std::vector<uint8_t> file = ReadFile(kFixture);
  if (file.size() != kFileEnd) return {};
  return {file.begin() + kPayloadPosition + kEventHeaderSize, file.end() - kChecksumSize};
}

// A payload event with the given header fields and payload bytes.
std::vector<uint8_t> PayloadEvent(uint64_t compression, uint64_t uncompressed_size,
                                  const std::vector<uint8_t>& payload) {
  auto field = [](EventBuilder& b, uint64_t type, uint64_t value) {
    EventBuilder v;
    v.Packed(value);
    b.Packed(type).Packed(v.body().size()).Bytes(v.body());
  };
  EventBuilder b;
  field(b, 2, compression);
  field(b, 3, uncompressed_size);
  field(b, 1, payload.size());
  b.U8(0).Bytes(payload);
  return b.Build(EventType::kTransactionPayload, /*checksum=*/false, kPayloadPosition);
}

// The zstd frame of the fixture, and what it inflates to.
struct FixturePayload {
  std::vector<uint8_t> compressed;
  std::vector<uint8_t> inner;
};

FixturePayload Fixture() {
  const std::vector<uint8_t> body = FixtureBody();
  std::vector<uint8_t> event = body;
  event.insert(event.begin(), kEventHeaderSize, 0);
  RawEvent raw = ViewOf(event, kPayloadPosition);
  raw.header.type = EventType::kTransactionPayload;
  auto p = DecodeTransactionPayload(raw, TestFormat(false, ServerFlavor::kMySql));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  TransactionPayloadDecompressor d(1 << 20);
  auto inner = d.Decompress(*p, kPayloadPosition);
  EXPECT_TRUE(inner.ok()) << inner.status().ToString();
  if (!inner.ok()) return {};
  return {{p->payload.begin(), p->payload.end()}, {inner->begin(), inner->end()}};
}

Status DecompressEvent(const std::vector<uint8_t>& event, uint64_t limit = 1 << 20) {
  auto p = DecodeTransactionPayload(ViewOf(event, kPayloadPosition), TestFormat(false, ServerFlavor::kMySql));
  if (!p.ok()) return p.status();
  TransactionPayloadDecompressor d(limit);
  return d.Decompress(*p, kPayloadPosition).status();
}

// A payload event at 123 (or at `position`, where a test file puts it).
void ExpectErrorAtPayload(const Status& s, StatusCode code, std::string_view text, uint64_t position = 123) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find("TRANSACTION_PAYLOAD_EVENT at " + std::to_string(position)), std::string::npos)
      << s.ToString();
  EXPECT_NE(s.message().find(text), std::string::npos) << s.ToString();
}

TEST(TransactionPayloadTest, HeaderFieldsOfMysql80Payload) {
  const std::vector<uint8_t> file = ReadFile(kFixture);
  ASSERT_EQ(file.size(), kFileEnd);
  const std::vector<uint8_t> event(file.begin() + kPayloadPosition, file.end());
  auto p = DecodeTransactionPayload(ViewOf(event, kPayloadPosition), TestFormat(true, ServerFlavor::kMySql));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->compression_type, kPayloadCompressionZstd);
  EXPECT_EQ(PayloadCompressionName(p->compression_type), "zstd");
  EXPECT_EQ(p->payload_size, 184u);
  EXPECT_EQ(p->uncompressed_size, 254u);
  ASSERT_EQ(p->payload.size(), 184u);
  EXPECT_EQ(p->payload[0], 0x28);  // zstd frame magic 28 b5 2f fd
  EXPECT_EQ(p->payload[3], 0xfd);
}

// The events vitess's TestMysql56DecodeTransactionPayload asserts, read the
// way the syncer and dm-binlog read them.
TEST(TransactionPayloadTest, InnerEventsOfVitessPayloadDecodeLikeUncompressedOnes) {
  auto file = FileBinlogSource::Open(kFixture);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  TransactionPayloadSource source(**file);
  std::vector<RawEvent> events;
  std::vector<uint64_t> positions_after;
  FormatDescription format;
  TableMap map;
  std::vector<std::vector<std::string>> rows;
  std::string query;
  uint64_t xid = 0;
  std::string scratch;
  RawEvent event;
  for (int guard = 0; guard < 20; ++guard) {
    auto more = source.Next(&event);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_TRUE(VerifyChecksum(event, format).ok()) << EventTypeName(event.header.type);
    events.push_back(event);
    positions_after.push_back(source.position());
    switch (event.header.type) {
      case EventType::kFormatDescription: {
        auto f = DecodeFormatDescription(event);
        ASSERT_TRUE(f.ok());
        format = *f;
        break;
      }
      case EventType::kQuery: {
        auto q = DecodeQuery(event, format, &scratch);
        ASSERT_TRUE(q.ok()) << q.status().ToString();
        query = std::string(q->query);
        EXPECT_EQ(q->schema, "vt_commerce");
        break;
      }
      case EventType::kTableMap: {
        auto m = DecodeTableMap(event, format);
        ASSERT_TRUE(m.ok()) << m.status().ToString();
        map = std::move(*m);
        break;
      }
      case EventType::kWriteRowsV2: {
        auto r = DecodeRowsEvent(event, format, &scratch);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        RowsReader reader(*r, map);
        std::vector<Value> after(map.columns.size());
        while (reader.HasNext()) {
          ASSERT_TRUE(reader.Next({}, after).ok());
          std::vector<std::string> texts;
          for (size_t i = 0; i < after.size(); ++i) {
            // email is VARBINARY: its bytes, not the printer's hex.
            std::string text(after[i].bytes);
            if (after[i].kind != ValueKind::kString) {
              ASSERT_TRUE(AppendPrintedValue(after[i], map, i, &text).ok());
            }
            texts.push_back(text);
          }
          rows.push_back(texts);
        }
        ASSERT_TRUE(reader.status().ok()) << reader.status().ToString();
        break;
      }
      case EventType::kXid: {
        auto x = DecodeXid(event, format);
        ASSERT_TRUE(x.ok()) << x.status().ToString();
        xid = x->xid;
        break;
      }
      default: break;
    }
  }
  ASSERT_EQ(events.size(), 6u);
  const EventType types[] = {EventType::kFormatDescription, EventType::kTransactionPayload, EventType::kQuery,
                             EventType::kTableMap,          EventType::kWriteRowsV2,        EventType::kXid};
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].header.type, types[i]) << i;
    // Inner events report the payload event's position (as mysqlbinlog).
    EXPECT_EQ(events[i].position, i == 0 ? 4u : kPayloadPosition) << i;
    EXPECT_EQ(events[i].in_transaction_payload, i >= 2) << i;
  }
  // Sizes inside the 254 uncompressed bytes: 73 + 63 + 91 + 27.
  EXPECT_EQ(events[2].bytes.size() + events[3].bytes.size() + events[4].bytes.size() + events[5].bytes.size(), 254u);
  // The position stays at the payload until its last inner event is out.
  EXPECT_EQ(positions_after[1], kPayloadPosition);
  EXPECT_EQ(positions_after[4], kPayloadPosition);
  EXPECT_EQ(positions_after[5], kFileEnd);
  EXPECT_EQ(query, "BEGIN");
  EXPECT_EQ(map.schema, "vt_commerce");
  EXPECT_EQ(map.table, "customer");
  ASSERT_EQ(map.columns.size(), 2u);
  EXPECT_EQ(rows,
            (std::vector<std::vector<std::string>>{{"1", "mlord@planetscale.com"}, {"2", "sup@planetscale.com"}}));
  EXPECT_EQ(xid, 556u);
}

TEST(TransactionPayloadTest, UncompressedPayloadIsFramedInPlace) {
  const FixturePayload f = Fixture();
  ASSERT_EQ(f.inner.size(), 254u);
  const std::vector<uint8_t> event = PayloadEvent(kPayloadCompressionNone, f.inner.size(), f.inner);
  auto p = DecodeTransactionPayload(ViewOf(event, kPayloadPosition), TestFormat(false, ServerFlavor::kMySql));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  TransactionPayloadDecompressor d(1 << 20);
  auto inner = d.Decompress(*p, kPayloadPosition);
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  EXPECT_EQ(inner->data(), p->payload.data());
  EXPECT_EQ(std::vector<uint8_t>(inner->begin(), inner->end()), f.inner);
}

TEST(TransactionPayloadTest, UncompressedSizeAboveTheLimitIsRefusedBeforeAllocating) {
  const FixturePayload f = Fixture();
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(kPayloadCompressionZstd, 254, f.compressed), /*limit=*/253),
                       StatusCode::kCorruption, "exceeds the limit of 253");
  // 184 zstd bytes cannot make 1 GiB.
  ExpectErrorAtPayload(
      DecompressEvent(PayloadEvent(kPayloadCompressionZstd, uint64_t{1} << 30, f.compressed), uint64_t{1} << 31),
      StatusCode::kCorruption, "impossible for 184 zstd bytes");
}

TEST(TransactionPayloadTest, AnnouncedSizeDifferentFromZstdOutputIsCorruption) {
  const FixturePayload f = Fixture();
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(kPayloadCompressionZstd, 255, f.compressed)),
                       StatusCode::kCorruption, "zstd produced 254 bytes, the header announces 255");
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(kPayloadCompressionZstd, 253, f.compressed)),
                       StatusCode::kCorruption, "zstd:");
}

TEST(TransactionPayloadTest, DamagedZstdFrameIsCorruption) {
  FixturePayload f = Fixture();
  ASSERT_FALSE(f.compressed.empty());
  f.compressed[1] ^= 0xff;  // the frame magic
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(kPayloadCompressionZstd, 254, f.compressed)),
                       StatusCode::kCorruption, "zstd:");
  FixturePayload cut = Fixture();
  cut.compressed.resize(100);
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(kPayloadCompressionZstd, 254, cut.compressed)),
                       StatusCode::kCorruption, "zstd:");
}

TEST(TransactionPayloadTest, UnknownCompressionTypeIsNamed) {
  const FixturePayload f = Fixture();
  ExpectErrorAtPayload(DecompressEvent(PayloadEvent(7, 254, f.compressed)), StatusCode::kFailedPrecondition,
                       "unknown compression type 7");
}

TEST(TransactionPayloadTest, TruncatedOrMalformedHeaderIsCorruption) {
  const std::vector<uint8_t> body = FixtureBody();
  ASSERT_EQ(body.size(), 196u);
  // Payload cut short: the size field says 184 bytes follow.
  EventBuilder cut;
  cut.Bytes(std::vector<uint8_t>(body.begin(), body.end() - 10));
  ExpectErrorAtPayload(DecompressEvent(cut.Build(EventType::kTransactionPayload, false, kPayloadPosition)),
                       StatusCode::kCorruption, "payload size 184 but 174 bytes follow");
  // Cut inside the header fields.
  EventBuilder header_only;
  header_only.Bytes(std::vector<uint8_t>(body.begin(), body.begin() + 5));
  ExpectErrorAtPayload(DecompressEvent(header_only.Build(EventType::kTransactionPayload, false, kPayloadPosition)),
                       StatusCode::kCorruption, "payload header field value needs 3 bytes");
  // No payload size field at all.
  EventBuilder no_size;
  no_size.U8(2).U8(1).U8(0).U8(0);
  ExpectErrorAtPayload(DecompressEvent(no_size.Build(EventType::kTransactionPayload, false, kPayloadPosition)),
                       StatusCode::kCorruption, "no payload size");
}

// A file holding `events` after the magic bytes.
std::string WriteBinlog(const std::string& name, const std::vector<std::vector<uint8_t>>& events) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(kBinlogMagic.data()), kBinlogMagic.size());
  for (const auto& e : events)
    out.write(reinterpret_cast<const char*>(e.data()), static_cast<std::streamsize>(e.size()));
  return path;
}

// Reads every event of `path` through TransactionPayloadSource; the error.
Status ReadAll(const std::string& path, size_t* events_read) {
  auto file = FileBinlogSource::Open(path);
  if (!file.ok()) return file.status();
  TransactionPayloadSource source(**file);
  RawEvent event;
  *events_read = 0;
  for (int guard = 0; guard < 100; ++guard) {
    auto more = source.Next(&event);
    if (!more.ok()) return more.status();
    if (!*more) return Status::OK();
    ++*events_read;
  }
  return Status(StatusCode::kInternal, "no end");
}

TEST(TransactionPayloadSourceTest, InnerEventRunningPastThePayloadIsCorruptionAtThePayload) {
  const FixturePayload f = Fixture();
  // Drop the XID's last byte: the XID's size now runs past the payload.
  std::vector<uint8_t> inner(f.inner.begin(), f.inner.end() - 1);
  const std::string path =
      WriteBinlog("payload_inner_cut", {PayloadEvent(kPayloadCompressionNone, inner.size(), inner)});
  size_t n = 0;
  Status s = ReadAll(path, &n);
  ExpectErrorAtPayload(s, StatusCode::kCorruption, "inner event at offset 227", 4);
  EXPECT_NE(s.message().find("runs past"), std::string::npos) << s.ToString();
  EXPECT_EQ(n, 4u);  // the payload event, QUERY, TABLE_MAP, WRITE_ROWS
}

TEST(TransactionPayloadSourceTest, NestedPayloadIsCorruption) {
  const FixturePayload f = Fixture();
  const std::vector<uint8_t> nested = PayloadEvent(kPayloadCompressionNone, f.inner.size(), f.inner);
  const std::string path =
      WriteBinlog("payload_nested", {PayloadEvent(kPayloadCompressionNone, nested.size(), nested)});
  size_t n = 0;
  ExpectErrorAtPayload(ReadAll(path, &n), StatusCode::kCorruption, "cannot nest", 4);
}

TEST(TransactionPayloadSourceTest, ErrorIsStickyAndOrdinaryEventsPassThrough) {
  const FixturePayload f = Fixture();
  EventBuilder rotate;
  rotate.U64(4).Bytes("next.000002");
  const std::string path =
      WriteBinlog("payload_sticky", {rotate.Build(EventType::kRotate, false), PayloadEvent(7, 254, f.compressed)});
  auto file = FileBinlogSource::Open(path);
  ASSERT_TRUE(file.ok());
  TransactionPayloadSource source(**file);
  RawEvent event;
  auto first = source.Next(&event);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(event.header.type, EventType::kRotate);
  EXPECT_FALSE(event.in_transaction_payload);
  auto payload = source.Next(&event);
  ASSERT_TRUE(payload.ok() && *payload);
  EXPECT_EQ(event.header.type, EventType::kTransactionPayload);
  for (int i = 0; i < 2; ++i) {
    auto next = source.Next(&event);
    ASSERT_FALSE(next.ok());
    EXPECT_NE(next.status().message().find("unknown compression type 7"), std::string::npos);
  }
}

}  // namespace
}  // namespace dm::binlog
