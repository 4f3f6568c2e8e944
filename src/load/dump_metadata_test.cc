#include "load/dump_metadata.h"

#include <gtest/gtest.h>

namespace dm::load {
namespace {

// dm-spec §5, verbatim (comments removed: they are annotations of the spec).
constexpr char kDumpling[] =
    "Started dump at: 2020-05-21 18:02:43\n"
    "SHOW MASTER STATUS:\n"
    "\tLog: mysql-bin.000003\n"
    "\tPos: 1274\n"
    "\tGTID:5b5a8e4e-9b43-11ea-900d-0242ac170002:1-10,\n"
    "97b5142f-e19c-11e8-808c-0242ac110005:1-13\n"
    "\n"
    "SHOW SLAVE STATUS:\n"
    "\tHost: 192.168.100.100\n"
    "\tLog: mysql-bin.000003\n"
    "\tPos: 700\n"
    "\tGTID:\n"
    "\n"
    "SHOW MASTER STATUS: /* AFTER CONNECTION POOL ESTABLISHED */\n"
    "\tLog: mysql-bin.000003\n"
    "\tPos: 1500\n"
    "\tGTID:5b5a8e4e-9b43-11ea-900d-0242ac170002:1-12,\n"
    "97b5142f-e19c-11e8-808c-0242ac110005:1-13\n"
    "\n"
    "Finished dump at: 2020-05-21 18:02:44\n";

// What mydumper 0.10 wrote on this machine against MariaDB 10.11.
constexpr char kMydumper[] =
    "Started dump at: 2026-11-25 08:50:29\n"
    "SHOW MASTER STATUS:\n"
    "\tLog: mysql-bin.000001\n"
    "\tPos: 1800\n"
    "\tGTID:0-26663-8\n"
    "\n"
    "Finished dump at: 2026-11-25 08:50:29\n";

TEST(DumpMetadataTest, ParsesDumplingExampleFromTheSpec) {
  auto m = ParseDumpMetadata(kDumpling);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->started_at, "2020-05-21 18:02:43");
  EXPECT_EQ(m->finished_at, "2020-05-21 18:02:44");
  ASSERT_TRUE(m->master);
  EXPECT_EQ(m->master->file, "mysql-bin.000003");
  EXPECT_EQ(m->master->pos, 1274u);
  EXPECT_EQ(m->master->gtid,
            "5b5a8e4e-9b43-11ea-900d-0242ac170002:1-10,97b5142f-e19c-11e8-808c-0242ac110005:1-13");
  EXPECT_EQ(m->master->ToString(), "(mysql-bin.000003, 1274)");
  ASSERT_TRUE(m->slave);
  EXPECT_EQ(m->slave->host, "192.168.100.100");
  EXPECT_EQ(m->slave->pos, 700u);
  EXPECT_EQ(m->slave->gtid, "");
  ASSERT_TRUE(m->after_connection_pool);
  EXPECT_EQ(m->after_connection_pool->pos, 1500u);
  EXPECT_EQ(m->after_connection_pool->gtid,
            "5b5a8e4e-9b43-11ea-900d-0242ac170002:1-12,97b5142f-e19c-11e8-808c-0242ac110005:1-13");
}

TEST(DumpMetadataTest, ParsesMydumperOutput) {
  auto m = ParseDumpMetadata(kMydumper);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_TRUE(m->master);
  EXPECT_EQ(m->master->file, "mysql-bin.000001");
  EXPECT_EQ(m->master->pos, 1800u);
  EXPECT_EQ(m->master->gtid, "0-26663-8");
  EXPECT_FALSE(m->slave);
  EXPECT_FALSE(m->after_connection_pool);
}

TEST(DumpMetadataTest, SpacesCarriageReturnsAndHugePositions) {
  auto m = ParseDumpMetadata(
      "SHOW MASTER STATUS:\r\n    Log: bin.000009\r\n    Pos: 18446744073709551615\r\n    GTID:\r\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->master->pos, 18446744073709551615u);
  EXPECT_EQ(m->master->gtid, "");
  EXPECT_TRUE(m->finished_at.empty());
}

TEST(DumpMetadataTest, MalformedPositionNamesFileAndLine) {
  auto m = ParseDumpMetadata("Started dump at: x\nSHOW MASTER STATUS:\n\tLog: b.1\n\tPos: 12x\n", "/d/metadata");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().error_code(), ErrorCode::kLoadUnitParseMetadata);
  EXPECT_NE(m.status().message().find("/d/metadata:4: Pos: '12x'"), std::string::npos) << m.status().message();
}

TEST(DumpMetadataTest, StrayLineIsAnError) {
  auto m = ParseDumpMetadata("SHOW MASTER STATUS:\n\tLog: b.1\n\tPos: 4\n\ngarbage here\n");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("metadata:5: unexpected line 'garbage here'"), std::string::npos)
      << m.status().message();
}

TEST(DumpMetadataTest, DuplicateBlockIsAnError) {
  auto m = ParseDumpMetadata("SHOW MASTER STATUS:\n\tPos: 4\nSHOW MASTER STATUS:\n\tPos: 5\n");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("metadata:3: duplicate"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace dm::load
