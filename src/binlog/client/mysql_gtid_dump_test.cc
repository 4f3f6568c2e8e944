// COM_BINLOG_DUMP_GTID against the layout MySQL documents for the command
// (no MySQL server runs in dm's tests, so the request is not tried live).
#include "binlog/client/mysql_gtid_dump.h"

#include <gtest/gtest.h>

namespace dm::binlog::client {
namespace {

TEST(MySqlGtidDumpTest, CommandLayoutFollowsTheDocumentation) {
  auto set = MySqlGtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  ASSERT_TRUE(set.ok());
  auto cmd = BuildBinlogDumpGtidCommand("", 4, kDumpGtidFlagNonBlock, 0xa0b0c0d0, *set);
  ASSERT_TRUE(cmd.ok());
  const std::vector<uint8_t> sids = set->Encode();
  std::vector<uint8_t> want = {
      0x05, 0x00,              // flags: NON_BLOCK | THROUGH_GTID
      0xd0, 0xc0, 0xb0, 0xa0,  // server id
      0x00, 0x00, 0x00, 0x00,  // file name length, no name
      0x04, 0, 0, 0, 0, 0, 0, 0,  // position
      static_cast<uint8_t>(sids.size()), 0, 0, 0,  // SID block size
  };
  want.insert(want.end(), sids.begin(), sids.end());
  EXPECT_EQ(*cmd, want);
  EXPECT_EQ(sids.size(), 8u + 16 + 8 + 16);
}

TEST(MySqlGtidDumpTest, FileNameAndEmptySet) {
  auto cmd = BuildBinlogDumpGtidCommand("binlog.000003", 0x1122334455, 0, 7, MySqlGtidSet{});
  ASSERT_TRUE(cmd.ok());
  ASSERT_EQ(cmd->size(), 2u + 4 + 4 + 13 + 8 + 4 + 8);
  EXPECT_EQ((*cmd)[0], kDumpGtidFlagThroughGtid);
  EXPECT_EQ((*cmd)[6], 13);
  EXPECT_EQ(std::string(cmd->begin() + 10, cmd->begin() + 23), "binlog.000003");
  EXPECT_EQ((*cmd)[23], 0x55);
  EXPECT_EQ((*cmd)[27], 0x11);
  EXPECT_EQ((*cmd)[31], 8);  // SID block of an empty set: 8 zero bytes
  EXPECT_EQ(std::vector<uint8_t>(cmd->end() - 8, cmd->end()), std::vector<uint8_t>(8, 0));
}

}  // namespace
}  // namespace dm::binlog::client
