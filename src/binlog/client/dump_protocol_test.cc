#include "binlog/client/dump_protocol.h"

#include <gtest/gtest.h>

#include "binlog/client/mysql_gtid_dump.h"

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

TEST(DumpProtocolTest, BeginQueries) {
  for (const char* q : {"BEGIN", "begin", " BEGIN; "}) EXPECT_TRUE(IsBeginQuery(q)) << q;
  for (const char* q : {"BEGIN WORK", "COMMIT", "BEGINX", "CREATE TABLE t (a INT)", ""}) {
    EXPECT_FALSE(IsBeginQuery(q)) << q;
  }
}

TEST(DumpProtocolTest, FlavorFromVersionOrComment) {
  EXPECT_EQ(DetectServerFlavor("10.11.19-MariaDB-0+deb12u1-log", "Debian 12"), ServerFlavor::kMariaDb);
  EXPECT_EQ(DetectServerFlavor("5.5.5-10.6.4-mariadb", ""), ServerFlavor::kMariaDb);
  // A proxy that rewrote the version still shows MariaDB's comment.
  EXPECT_EQ(DetectServerFlavor("8.0.30", "mariadb.org binary distribution"), ServerFlavor::kMariaDb);
  EXPECT_EQ(DetectServerFlavor("8.0.36", "MySQL Community Server - GPL"), ServerFlavor::kMySql);
  EXPECT_EQ(DetectServerFlavor("5.7.44-log", "MySQL Community Server (GPL)"), ServerFlavor::kMySql);
  EXPECT_EQ(DetectServerFlavor("8.0.35-27", "Percona Server (GPL), Release '27'"), ServerFlavor::kMySql);
}

DumpStart TestStart(ServerFlavor flavor, bool gtid) {
  DumpStart start;
  start.flavor = flavor;
  start.gtid = gtid;
  start.position = Position{"mysql-bin.000007", 1234};
  start.server_id = 0x01020304;
  start.non_blocking = true;
  start.annotate_rows = true;
  return start;
}

TEST(DumpProtocolTest, MariaDbPositionDumpAnnouncesCapabilityAndAsksForAnnotations) {
  auto request = BuildDumpRequest(TestStart(ServerFlavor::kMariaDb, false));
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->statements, std::vector<std::string>{"SET @mariadb_slave_capability = 4"});
  EXPECT_EQ(request->command, kComBinlogDump);
  auto want = BuildBinlogDumpCommand("mysql-bin.000007", 1234, kDumpFlagNonBlock | kDumpFlagSendAnnotateRows,
                                     0x01020304);
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(request->body, *want);
  EXPECT_EQ(request->stream_start.ToString(), Position({"mysql-bin.000007", 1234}).ToString());
}

TEST(DumpProtocolTest, MariaDbGtidDumpSetsConnectStateAndDumpsFromNoFile) {
  DumpStart start = TestStart(ServerFlavor::kMariaDb, true);
  auto state = MariaDbGtidState::Parse("0-1-100,2-5-7");
  ASSERT_TRUE(state.ok());
  start.mariadb_gtids = *state;
  auto request = BuildDumpRequest(start);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->statements, (std::vector<std::string>{"SET @mariadb_slave_capability = 4",
                                                           "SET @slave_connect_state = '0-1-100,2-5-7'"}));
  EXPECT_EQ(request->command, kComBinlogDump);
  // position 4, flags NON_BLOCK | SEND_ANNOTATE_ROWS, server id, no file name.
  EXPECT_EQ(request->body, (std::vector<uint8_t>{0x04, 0, 0, 0, 0x03, 0x00, 0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(request->stream_start.file, "");
  EXPECT_EQ(request->stream_start.offset, 4u);
}

TEST(DumpProtocolTest, MySqlPositionDumpSendsNoMariaDbSettings) {
  auto request = BuildDumpRequest(TestStart(ServerFlavor::kMySql, false));
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(request->statements.empty());
  EXPECT_EQ(request->command, kComBinlogDump);
  // MySQL knows only the NON_BLOCK flag of COM_BINLOG_DUMP.
  auto want = BuildBinlogDumpCommand("mysql-bin.000007", 1234, kDumpFlagNonBlock, 0x01020304);
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(request->body, *want);
}

TEST(DumpProtocolTest, MySqlGtidDumpIsComBinlogDumpGtidWithTheExecutedSet) {
  DumpStart start = TestStart(ServerFlavor::kMySql, true);
  auto set = MySqlGtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7");
  ASSERT_TRUE(set.ok());
  start.mysql_gtids = *set;
  start.non_blocking = false;
  auto request = BuildDumpRequest(start);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(request->statements.empty());
  EXPECT_EQ(request->command, 0x1e);
  std::vector<uint8_t> want = {
      0x04, 0x00,                 // flags: THROUGH_GTID (blocking)
      0x04, 0x03, 0x02, 0x01,     // server id
      0x00, 0x00, 0x00, 0x00,     // no file name
      0x04, 0, 0, 0, 0, 0, 0, 0,  // position 4
      8 + 16 + 8 + 2 * 16, 0, 0, 0,  // SID block size
      1, 0, 0, 0, 0, 0, 0, 0,     // one source
      0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
      2, 0, 0, 0, 0, 0, 0, 0,     // two intervals: [1, 6) and [7, 8)
      1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
      7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,
  };
  EXPECT_EQ(request->body, want);
  EXPECT_EQ(request->stream_start.file, "");
  EXPECT_EQ(request->stream_start.offset, 4u);
}

TEST(DumpProtocolTest, PositionDumpPast4GiBIsRefusedForBothFlavors) {
  for (ServerFlavor flavor : {ServerFlavor::kMariaDb, ServerFlavor::kMySql}) {
    DumpStart start = TestStart(flavor, false);
    start.position.offset = uint64_t{1} << 32;
    EXPECT_EQ(BuildDumpRequest(start).status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace dm::binlog::client
