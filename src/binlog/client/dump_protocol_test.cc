#include "binlog/client/dump_protocol.h"

#include <gtest/gtest.h>

namespace dm::binlog::client {
namespace {

TEST(DumpProtocolTest, BinlogDumpCommandLayout) {
  auto cmd = BuildBinlogDumpCommand("mysql-bin.000002", 0x01020304, kDumpFlagNonBlock | kDumpFlagSendAnnotateRows,
                                    0xa0b0c0d0);
  ASSERT_TRUE(cmd.ok());
  const std::vector<uint8_t> head = {0x04, 0x03, 0x02, 0x01, 0x03, 0x00, 0xd0, 0xc0, 0xb0, 0xa0};
  ASSERT_EQ(cmd->size(), head.size() + 16);
  EXPECT_TRUE(std::equal(head.begin(), head.end(), cmd->begin()));
  EXPECT_EQ(std::string(cmd->begin() + 10, cmd->end()), "mysql-bin.000002");
}

TEST(DumpProtocolTest, PositionPast4GiBCannotBeRequested) {
  auto cmd = BuildBinlogDumpCommand("mysql-bin.000002", uint64_t{1} << 32, 0, 1);
  ASSERT_FALSE(cmd.ok());
  EXPECT_EQ(cmd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cmd.status().message().find("(mysql-bin.000002, 4294967296)"), std::string::npos);
}

TEST(DumpProtocolTest, PacketsSplitIntoEventsAndEof) {
  const std::vector<uint8_t> event = {0x00, 1, 2, 3};
  auto p = ParseDumpPacket(event);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, PacketKind::kEvent);
  EXPECT_EQ(p->event.size(), 3u);
  EXPECT_EQ(p->event[0], 1);
  const std::vector<uint8_t> eof = {0xfe, 0, 0, 2, 0};
  p = ParseDumpPacket(eof);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, PacketKind::kEof);
  EXPECT_FALSE(ParseDumpPacket({}).ok());
  const std::vector<uint8_t> odd = {0x07, 1};
  EXPECT_EQ(ParseDumpPacket(odd).status().code(), StatusCode::kCorruption);
}

TEST(DumpProtocolTest, LogPositionsExtendPast4GiB) {
  EXPECT_EQ(ExtendLogPosition(4, 256, 252), 256u);
  // The server skipped events (GTID mode): the end moves forward.
  EXPECT_EQ(ExtendLogPosition(256, 9000, 40), 9000u);
  // log_pos wrapped: the file is past 4 GiB.
  const uint64_t near = (uint64_t{1} << 32) - 10;
  EXPECT_EQ(ExtendLogPosition(near, 30, 40), (uint64_t{1} << 32) + 30);
  EXPECT_EQ(ExtendLogPosition((uint64_t{5} << 32) + 100, 140, 40), (uint64_t{5} << 32) + 140);
}

TEST(DumpProtocolTest, UnpositionedEvents) {
  EventHeader h;
  h.type = EventType::kRotate;
  h.next_position = 0;
  EXPECT_TRUE(IsUnpositionedEvent(h));
  h.next_position = 300;
  EXPECT_FALSE(IsUnpositionedEvent(h));
  h.flags = kFlagArtificial;
  EXPECT_TRUE(IsUnpositionedEvent(h));
  h.flags = 0;
  h.type = EventType::kHeartbeat;
  EXPECT_TRUE(IsUnpositionedEvent(h));
}

TEST(DumpProtocolTest, GroupEndQueries) {
  for (const char* q : {"COMMIT", "commit", " COMMIT; ", "ROLLBACK", "XA COMMIT 'x'", "xa rollback 'a','b'"}) {
    EXPECT_TRUE(IsGroupEndQuery(q)) << q;
  }
  for (const char* q : {"BEGIN", "COMMITTED", "INSERT INTO t VALUES (1)", "XA START 'x'", "XA END 'x'", ""}) {
    EXPECT_FALSE(IsGroupEndQuery(q)) << q;
  }
}

TEST(DumpProtocolTest, ServerIdAvoidsTakenIdsAndStaysInDmsRange) {
  auto id = ChooseServerId({}, 5);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, kServerIdBase + 5);
  id = ChooseServerId({kServerIdBase + 5, kServerIdBase + 6}, 5);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, kServerIdBase + 7);
  id = ChooseServerId({}, 99999 + 100000 * 3);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, kServerIdBase + 99999);
  EXPECT_EQ(kServerIdBase, 429496729u);
}

}  // namespace
}  // namespace dm::binlog::client
