// Unit tests of the control, QUERY and GTID decoders over built events,
// including the malformed cases real files cannot show.
#include <gtest/gtest.h>
#include <zlib.h>

#include "binlog/control_events.h"
#include "binlog/gtid_events.h"
#include "binlog/query_event.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::TestFormat;
using testing::ViewOf;

TEST(ControlEventsTest, RotateGivesNextFileAndPosition) {
  auto bytes = EventBuilder().U64(4).Bytes("mysql-bin.000002").Build(EventType::kRotate);
  auto r = DecodeRotate(ViewOf(bytes), TestFormat());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->position, 4u);
  EXPECT_EQ(r->next_file, "mysql-bin.000002");
}

TEST(ControlEventsTest, RotateWithoutFileNameIsCorruption) {
  auto bytes = EventBuilder().U64(4).Build(EventType::kRotate);
  EXPECT_EQ(DecodeRotate(ViewOf(bytes), TestFormat()).status().code(), StatusCode::kCorruption);
}

TEST(ControlEventsTest, ChecksumIsNotPartOfTheBody) {
  // Read without the checksum, the file name would end in 4 CRC bytes.
  auto bytes = EventBuilder().U64(4).Bytes("f.000001").Build(EventType::kRotate, true);
  EXPECT_EQ(DecodeRotate(ViewOf(bytes), TestFormat(true))->next_file, "f.000001");
  auto plain = EventBuilder().U64(4).Bytes("f.000001").Build(EventType::kRotate, false);
  EXPECT_EQ(DecodeRotate(ViewOf(plain), TestFormat(false))->next_file, "f.000001");
}

TEST(ControlEventsTest, TruncatedXidIsCorruption) {
  auto bytes = EventBuilder().U32(1).Build(EventType::kXid);
  auto x = DecodeXid(ViewOf(bytes, 777), TestFormat());
  EXPECT_EQ(x.status().code(), StatusCode::kCorruption);
  EXPECT_NE(x.status().message().find("xid"), std::string::npos);
}

TEST(ControlEventsTest, HeartbeatTakesPositionFromTheHeader) {
  auto bytes = EventBuilder().Bytes("mysql-bin.000007").Build(EventType::kHeartbeat, true, 1000);
  auto h = DecodeHeartbeat(ViewOf(bytes), TestFormat());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->log_file, "mysql-bin.000007");
  EXPECT_EQ(h->position, 1000u + bytes.size());
}

TEST(ControlEventsTest, IntvarAndRand) {
  auto intvar = EventBuilder().U8(2).U64(77).Build(EventType::kIntvar);
  auto i = DecodeIntvar(ViewOf(intvar), TestFormat());
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->type, IntvarType::kInsertId);
  EXPECT_EQ(i->value, 77u);
  auto bad = EventBuilder().U8(9).U64(77).Build(EventType::kIntvar);
  EXPECT_EQ(DecodeIntvar(ViewOf(bad), TestFormat()).status().code(), StatusCode::kCorruption);
  auto rand = EventBuilder().U64(1).U64(2).Build(EventType::kRand);
  EXPECT_EQ(DecodeRand(ViewOf(rand), TestFormat())->seed2, 2u);
}

TEST(ControlEventsTest, UserVarOfEveryType) {
  auto text = [](EventBuilder b) {
    auto bytes = b.Build(EventType::kUserVar);
    auto u = DecodeUserVar(ViewOf(bytes), TestFormat());
    return u.ok() ? std::string(u->name) + "=" + u->ValueText() : u.status().ToString();
  };
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("s").U8(0).U8(0).U32(45).U32(2).Bytes("hi").U8(0)), "s=hi");
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("i").U8(0).U8(2).U32(63).U32(8).U64(uint64_t(-5)).U8(0)), "i=-5");
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("u").U8(0).U8(2).U32(63).U32(8).U64(uint64_t(-5)).U8(1)),
            "u=18446744073709551611");
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("r").U8(0).U8(1).U32(63).U32(8).U64(0x3ff8000000000000).U8(0)), "r=1.5");
  // DECIMAL(4,2) -12.50: precision, scale, then 12.50 as 0x8c 0x32 (sign
  // bit set), complemented for the negative sign.
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("d").U8(0).U8(4).U32(63).U32(4).U8(4).U8(2).U8(0x73).U8(0xcd)),
            "d=-12.50");
  EXPECT_EQ(text(EventBuilder().U32(1).Bytes("n").U8(1)), "n=NULL");
}

TEST(ControlEventsTest, UserVarWithWrongIntLengthIsCorruption) {
  auto bytes = EventBuilder().U32(1).Bytes("i").U8(0).U8(2).U32(63).U32(4).U32(5).Build(EventType::kUserVar);
  EXPECT_EQ(DecodeUserVar(ViewOf(bytes), TestFormat()).status().code(), StatusCode::kCorruption);
}

TEST(ControlEventsTest, UserVarNameLengthPastEndIsCorruption) {
  auto bytes = EventBuilder().U32(0xffffffff).Bytes("x").Build(EventType::kUserVar);
  EXPECT_EQ(DecodeUserVar(ViewOf(bytes), TestFormat()).status().code(), StatusCode::kCorruption);
}

TEST(ControlEventsTest, BinlogCheckpointAndRowsQuery) {
  auto cp = EventBuilder().U32(16).Bytes("mysql-bin.000001").Build(EventType::kMariaBinlogCheckpoint);
  EXPECT_EQ(DecodeBinlogCheckpoint(ViewOf(cp), TestFormat())->file, "mysql-bin.000001");
  auto annotate = EventBuilder().Bytes("INSERT INTO t VALUES (1)").Build(EventType::kMariaAnnotateRows);
  EXPECT_EQ(DecodeRowsQuery(ViewOf(annotate), TestFormat())->query, "INSERT INTO t VALUES (1)");
  auto mysql = EventBuilder().U8(3).Bytes("DELETE FROM t").Build(EventType::kRowsQuery);
  EXPECT_EQ(DecodeRowsQuery(ViewOf(mysql), TestFormat())->query, "DELETE FROM t");
}

EventBuilder QueryBody(const std::vector<uint8_t>& status_vars, std::string_view schema) {
  EventBuilder b;
  b.U32(7).U32(0).U8(schema.size()).U16(0).U16(status_vars.size()).Bytes(status_vars).Bytes(schema).U8(0);
  return b;
}

TEST(QueryEventTest, StatusVarsGiveSqlModeCharsetAndXid) {
  EventBuilder vars;
  vars.U8(0).U32(0x4000);                    // Q_FLAGS2
  vars.U8(1).U64(1411383296);                // Q_SQL_MODE
  vars.U8(6).U8(3).Bytes("std");             // Q_CATALOG_NZ
  vars.U8(4).U16(33).U16(33).U16(45);        // Q_CHARSET
  vars.U8(5).U8(6).Bytes("+00:00");          // Q_TIME_ZONE
  vars.U8(11).U8(4).Bytes("root").U8(9).Bytes("localhost");  // Q_INVOKER
  vars.U8(12).U8(2).Bytes("a").U8(0).Bytes("bc").U8(0);      // Q_UPDATED_DB_NAMES
  vars.U8(129).U64(99);                      // MariaDB Q_XID
  auto bytes = QueryBody(vars.body(), "fx").Bytes("CREATE TABLE t (a INT)").Build(EventType::kQuery);
  std::string scratch;
  auto q = DecodeQuery(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->thread_id, 7u);
  EXPECT_EQ(q->schema, "fx");
  EXPECT_EQ(q->query, "CREATE TABLE t (a INT)");
  EXPECT_EQ(q->sql_mode, 1411383296u);
  EXPECT_EQ(q->flags2, 0x4000u);
  EXPECT_EQ(q->catalog, "std");
  ASSERT_TRUE(q->charset.has_value());
  EXPECT_EQ(q->charset->server, 45);
  EXPECT_EQ(q->time_zone, "+00:00");
  EXPECT_EQ(q->xid, 99u);
  EXPECT_TRUE(q->status_vars_complete);
}

TEST(QueryEventTest, UnknownStatusVarStopsParsingButKeepsTheQuery) {
  EventBuilder vars;
  vars.U8(1).U64(7).U8(200).U8(1).U8(2).U8(3);  // code 200: length unknown
  auto bytes = QueryBody(vars.body(), "db").Bytes("BEGIN").Build(EventType::kQuery);
  std::string scratch;
  auto q = DecodeQuery(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->sql_mode, 7u);
  EXPECT_FALSE(q->status_vars_complete);
  EXPECT_EQ(q->schema, "db");
  EXPECT_EQ(q->query, "BEGIN");
}

TEST(QueryEventTest, StatusVarRunningPastItsBlockIsCorruption) {
  EventBuilder vars;
  vars.U8(1).U32(7);  // Q_SQL_MODE needs 8 bytes; the block has 4
  auto bytes = QueryBody(vars.body(), "db").Bytes("BEGIN").Build(EventType::kQuery);
  std::string scratch;
  EXPECT_EQ(DecodeQuery(ViewOf(bytes), TestFormat(), &scratch).status().code(), StatusCode::kCorruption);
}

TEST(QueryEventTest, StatusVarsLengthPastEndIsCorruption) {
  auto bytes = EventBuilder().U32(7).U32(0).U8(0).U16(0).U16(5000).Bytes("x").Build(EventType::kQuery);
  std::string scratch;
  EXPECT_EQ(DecodeQuery(ViewOf(bytes), TestFormat(), &scratch).status().code(), StatusCode::kCorruption);
}

std::vector<uint8_t> MariaDbCompress(std::string_view text) {
  uLongf size = compressBound(text.size());
  std::vector<uint8_t> z(size);
  compress(z.data(), &size, reinterpret_cast<const Bytef*>(text.data()), text.size());
  z.resize(size);
  EventBuilder out;
  out.U8(0x82).BigEndian(text.size(), 2).Bytes(z);
  return out.body();
}

TEST(QueryEventTest, CompressedQueryIsInflated) {
  const std::string text = "INSERT INTO t VALUES ('" + std::string(300, 'x') + "')";
  auto bytes = QueryBody({}, "db").Bytes(MariaDbCompress(text)).Build(EventType::kMariaQueryCompressed);
  std::string scratch;
  auto q = DecodeQuery(ViewOf(bytes), TestFormat(), &scratch);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->query, text);
}

TEST(QueryEventTest, CorruptCompressedQueryIsCorruption) {
  auto payload = MariaDbCompress("SELECT 1");
  payload[5] ^= 0xff;
  auto bytes = QueryBody({}, "db").Bytes(payload).Build(EventType::kMariaQueryCompressed);
  std::string scratch;
  auto q = DecodeQuery(ViewOf(bytes), TestFormat(), &scratch);
  EXPECT_EQ(q.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(q.status().error_code(), ErrorCode::kBinlogDecompressFailed);
}

TEST(QueryEventTest, ImpossibleInflatedLengthIsRejectedBeforeAllocating) {
  // 4-byte length of 0x3fffffff for a 2-byte stream.
  std::vector<uint8_t> payload = {0x84, 0x3f, 0xff, 0xff, 0xff, 0x78, 0x9c};
  auto bytes = QueryBody({}, "db").Bytes(payload).Build(EventType::kMariaQueryCompressed);
  std::string scratch;
  EXPECT_EQ(DecodeQuery(ViewOf(bytes), TestFormat(), &scratch).status().code(), StatusCode::kCorruption);
  EXPECT_LT(scratch.capacity(), 1u << 20);
}

TEST(GtidEventsTest, MariaDbGtidWithCommitIdAndXa) {
  auto bytes = EventBuilder()
                   .U64(42).U32(3).U8(kMariaGtidGroupCommitId | kMariaGtidPreparedXa | kMariaGtidTransactional)
                   .U64(1000).U32(1).U8(2).U8(1).Bytes("ab").Bytes("c").U8(0)
                   .Build(EventType::kMariaGtid, true, 4, 7);
  auto g = DecodeMariaDbGtid(ViewOf(bytes), TestFormat());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->gtid.ToString(), "3-7-42");
  EXPECT_EQ(g->commit_id, 1000u);
  EXPECT_EQ(g->xa_gtrid, "ab");
  EXPECT_EQ(g->xa_bqual, "c");
  EXPECT_FALSE(g->standalone());
}

TEST(GtidEventsTest, GtidListCountBeyondTheEventIsCorruptionNotAllocation) {
  auto bytes = EventBuilder().U32(0x0fffffff).U32(0).U32(1).U64(5).Build(EventType::kMariaGtidList);
  EXPECT_EQ(DecodeMariaDbGtidList(ViewOf(bytes), TestFormat()).status().code(), StatusCode::kCorruption);
  auto ok = EventBuilder().U32(2).U32(0).U32(1).U64(5).U32(1).U32(2).U64(9).Build(EventType::kMariaGtidList);
  auto list = DecodeMariaDbGtidList(ViewOf(ok), TestFormat());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->gtids.size(), 2u);
  EXPECT_EQ(list->gtids[1].ToString(), "1-2-9");
}

const Uuid kSid = {0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62};

EventBuilder& AddUuid(EventBuilder& b) {
  for (uint8_t byte : kSid) b.U8(byte);
  return b;
}

TEST(GtidEventsTest, MySql80GtidWithCommitTimestampsAndVersions) {
  EventBuilder b;
  b.U8(1);
  AddUuid(b).U64(23).U8(2).U64(10).U64(11);
  b.UInt((uint64_t{1} << 55) | 1700000000000001, 7).UInt(1690000000000000, 7);  // immediate (+original)
  b.Packed(300).U32(80036);
  auto bytes = b.Build(EventType::kGtid);
  auto g = DecodeMySqlGtid(ViewOf(bytes), TestFormat(true, ServerFlavor::kMySql));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->GtidText(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
  EXPECT_EQ(g->last_committed, 10);
  EXPECT_EQ(g->sequence_number, 11);
  EXPECT_EQ(g->immediate_commit_timestamp, 1700000000000001u);
  EXPECT_EQ(g->original_commit_timestamp, 1690000000000000u);
  EXPECT_EQ(g->transaction_length, 300u);
  EXPECT_EQ(g->immediate_server_version, 80036u);
  EXPECT_EQ(g->original_server_version, 80036u);
}

TEST(GtidEventsTest, MySql56GtidHasOnlyTheGtid) {
  EventBuilder b;
  b.U8(1);
  AddUuid(b).U64(5);
  auto bytes = b.Build(EventType::kAnonymousGtid);
  auto g = DecodeMySqlGtid(ViewOf(bytes), TestFormat(true, ServerFlavor::kMySql));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->GtidText(), "ANONYMOUS");
  EXPECT_FALSE(g->last_committed.has_value());
}

TEST(GtidEventsTest, PreviousGtidsFormatsLikeMySql) {
  EventBuilder b;
  b.U64(1);
  AddUuid(b).U64(2).U64(1).U64(6).U64(7).U64(8);
  auto bytes = b.Build(EventType::kPreviousGtids);
  auto p = DecodePreviousGtids(ViewOf(bytes), TestFormat(true, ServerFlavor::kMySql));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->ToString(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7");
}

TEST(GtidEventsTest, PreviousGtidsHugeCountsAreCorruptionNotAllocation) {
  auto sids = EventBuilder().U64(uint64_t{1} << 60).Build(EventType::kPreviousGtids);
  EXPECT_EQ(DecodePreviousGtids(ViewOf(sids), TestFormat()).status().code(), StatusCode::kCorruption);
  EventBuilder b;
  b.U64(1);
  AddUuid(b).U64(uint64_t{1} << 60);
  auto intervals = b.Build(EventType::kPreviousGtids);
  EXPECT_EQ(DecodePreviousGtids(ViewOf(intervals), TestFormat()).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace dm::binlog
