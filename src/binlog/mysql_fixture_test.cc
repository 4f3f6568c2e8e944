// Decodes events a real MySQL server wrote, as published in public sources
// (bytes only; sources cited in tests/data/binlog/README.md): single event
// bodies from test suites, checked against the values those suites assert,
// and whole binlog files, checked against what mysqlbinlog printed for them
// (restated here).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "binlog/control_events.h"
#include "binlog/format_description.h"
#include "binlog/gtid_events.h"
#include "binlog/json_diff.h"
#include "binlog/mysql_gtid_set.h"
#include "binlog/mysql_json.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/source/file_binlog_source.h"
#include "binlog/table_map.h"
#include "binlog/test_event_builder.h"

namespace dm::binlog {
namespace {

using testing::EventBuilder;
using testing::TestFormat;
using testing::ViewOf;

struct FixtureEvent {
  EventType type;
  std::vector<uint8_t> bytes;  // framed: synthesized header + the published body
};

// Reads tests/data/binlog/mysql/<name>: "# comments" and "TYPE_NAME hexbody".
std::vector<FixtureEvent> LoadFixture(const std::string& name) {
  std::ifstream in(std::string(DM_BINLOG_FIXTURE_DIR) + "/mysql/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<FixtureEvent> events;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string type_name;
    std::string hex;
    fields >> type_name >> hex;
    auto type = EventTypeFromName(type_name);
    EXPECT_TRUE(type.has_value()) << type_name;
    EventBuilder b;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) b.U8(std::stoul(hex.substr(i, 2), nullptr, 16));
    events.push_back({*type, b.Build(*type, /*checksum=*/false)});
  }
  return events;
}

class MySqlFixtureTest : public ::testing::Test {
 protected:
  // Decodes events[0] as the TABLE_MAP and events[index] as a rows event;
  // returns the text of each column of each row image, JSON as MySQL text.
  std::vector<std::vector<std::string>> Rows(const std::vector<FixtureEvent>& events, size_t index, bool before) {
    const FormatDescription format = TestFormat(false, ServerFlavor::kMySql);
    auto map = DecodeTableMap(ViewOf(events[0].bytes), format);
    EXPECT_TRUE(map.ok()) << map.status().ToString();
    if (!map.ok()) return {};
    map_ = std::move(*map);
    std::string scratch;
    auto rows = DecodeRowsEvent(ViewOf(events[index].bytes), format, &scratch);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return {};
    RowsReader reader(*rows, map_);
    std::vector<Value> b(map_.columns.size()), a(map_.columns.size());
    std::vector<std::vector<std::string>> out;
    while (reader.HasNext()) {
      Status s = reader.Next(b, a);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) break;
      const std::vector<Value>& image = before ? b : a;
      std::vector<std::string> texts;
      for (size_t i = 0; i < image.size(); ++i) {
        std::string text;
        Status t = AppendValueTextWithJson(image[i], map_.columns[i], &text);
        texts.push_back(t.ok() ? (image[i].is_null() ? "NULL" : text) : "ERROR " + t.ToString());
      }
      out.push_back(std::move(texts));
    }
    EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
    return out;
  }

  TableMap map_;
};

TEST_F(MySqlFixtureTest, JsonObjectBesideDecimal) {
  const auto events = LoadFixture("go_mysql_json_decimal.hex");
  ASSERT_EQ(events.size(), 3u);
  auto rows = Rows(events, 1, false);
  EXPECT_EQ(map_.table, "t10");
  ASSERT_EQ(map_.columns.size(), 2u);
  EXPECT_EQ(map_.columns[0].meta.type, ColumnType::kJson);
  EXPECT_EQ(map_.columns[1].meta.precision, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NULL", "1"}));
  rows = Rows(events, 2, false);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"{\"key1\": \"value1\", \"key2\": \"value2\"}", "1"}));
}

TEST_F(MySqlFixtureTest, EmptyJsonValueIsNull) {
  const auto events = LoadFixture("go_mysql_json_null.hex");
  ASSERT_EQ(events.size(), 2u);
  const auto rows = Rows(events, 1, false);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 7u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], "95891865464386");
  EXPECT_EQ(rows[0][2], "13376222192996417");
  EXPECT_EQ(rows[0][3], "null");  // stored with length 0
  EXPECT_EQ(rows[0][4], "0");
  EXPECT_EQ(rows[0][5], "1479983995");
}

TEST_F(MySqlFixtureTest, VirtualJsonColumnInUpdates) {
  const auto events = LoadFixture("go_mysql_json_virtual_column.hex");
  ASSERT_EQ(events.size(), 3u);
  // MySQL 5.7.22+: both images of the generated column are well formed.
  auto before = Rows(events, 1, true);
  auto after = Rows(events, 1, false);
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(before[0], (std::vector<std::string>{"1", "{}", "{}", "NULL"}));
  EXPECT_EQ(after[0], (std::vector<std::string>{"1", "{\"a\":1234}", "{\"a\": 1234}", "NULL"}));
  // Before 5.7.22 the before image of the generated column claims 12 bytes
  // but holds 4: a Corruption status for that value, never a crash; the row
  // and the after image still decode.
  before = Rows(events, 2, true);
  after = Rows(events, 2, false);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0][1], "{}");
  EXPECT_NE(before[0][2].find("Corruption"), std::string::npos) << before[0][2];
  EXPECT_NE(before[0][2].find("at offset"), std::string::npos) << before[0][2];
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0][2], "{\"a\": 1234}");
}

// The TABLE_MAP of vt_commerce.customer as MySQL writes it for the schema the
// source suite states (it publishes no TABLE_MAP bytes): table id 176, flags
// 1, BIGINT, VARBINARY(128) (VARCHAR, max 128 bytes), JSON (4-byte length),
// the last two nullable.
std::vector<uint8_t> CustomerTableMap() {
  EventBuilder b;
  b.U48(176).U16(1).U8(11).Bytes("vt_commerce").U8(0).U8(8).Bytes("customer").U8(0);
  b.Packed(3).U8(8).U8(15).U8(245);
  b.Packed(3).U16(128).U8(4);
  b.U8(0x06);
  return b.Build(EventType::kTableMap, /*checksum=*/false);
}

TEST_F(MySqlFixtureTest, PartialJsonUpdatesPrintAsMysqlbinlogDoes) {
  const auto events = LoadFixture("vitess_partial_json_update.hex");
  ASSERT_EQ(events.size(), 4u);
  const FormatDescription format = TestFormat(false, ServerFlavor::kMySql);
  const std::vector<uint8_t> map_event = CustomerTableMap();
  auto map = DecodeTableMap(ViewOf(map_event), format);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  // Expected text: the source suite's mysqlbinlog -vvv output for each event,
  // its "\n###      " line breaks between nested calls written as spaces.
  const std::vector<std::pair<std::string, std::string>> want = {
      {R"({"role": "manager", "salary": 100})", "JSON_REPLACE(@3, '$.role', 'IC')"},
      {R"({"role": "manager", "salary": 99})", "JSON_REMOVE(@3, '$.salary')"},
      {R"({"day": "monday", "role": "manager", "salary": 99, "favorite_color": "red"})",
       "JSON_INSERT(JSON_REMOVE(JSON_REPLACE(@3, '$.day', 'tuesday'), '$.favorite_color'), '$.hobby', 'skiing')"},
      {R"({"role": "manager", "salary": 99})", "JSON_REPLACE(@3, '$.salary', null)"},
  };
  const std::vector<std::string> emails = {"alice@domain.com", "bob@domain.com", "charlie@domain.com",
                                           "dan@domain.com"};
  for (size_t e = 0; e < events.size(); ++e) {
    SCOPED_TRACE(e);
    std::string scratch;
    auto rows = DecodeRowsEvent(ViewOf(events[e].bytes), format, &scratch);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_TRUE(rows->traits.partial);
    RowsReader reader(*rows, *map);
    std::vector<Value> before(3), after(3);
    ASSERT_TRUE(reader.HasNext());
    ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
    EXPECT_FALSE(reader.HasNext());
    EXPECT_EQ(before[0].int_value, static_cast<int64_t>(e + 1));
    EXPECT_EQ(after[0].int_value, static_cast<int64_t>(e + 1));
    EXPECT_EQ(before[1].bytes, emails[e]);
    EXPECT_EQ(after[1].bytes, emails[e]);
    ASSERT_EQ(before[2].kind, ValueKind::kJson);
    std::string text;
    ASSERT_TRUE(AppendValueTextWithJson(before[2], map->columns[2], &text).ok());
    EXPECT_EQ(text, want[e].first);
    ASSERT_EQ(after[2].kind, ValueKind::kJsonDiff);
    text.clear();
    Status s = AppendJsonDiffText(std::span(reinterpret_cast<const uint8_t*>(after[2].bytes.data()),
                                            after[2].bytes.size()),
                                  JsonDiffColumnReference(*map, 2), &text);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(text, want[e].second);
  }
}

TEST(MySqlFixtureGtidTest, GtidEventsOfMysql57And80) {
  const auto events = LoadFixture("go_mysql_gtid_events.hex");
  ASSERT_EQ(events.size(), 3u);
  const FormatDescription format = TestFormat(false, ServerFlavor::kMySql);
  std::vector<MySqlGtidEvent> gtids;
  for (const FixtureEvent& e : events) {
    auto g = DecodeMySqlGtid(ViewOf(e.bytes), format);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    gtids.push_back(*g);
  }
  // 5.7 source relayed by an 8.0.19 replica: the replica's commit time and
  // version, the source's fields zero. (Values the source suite asserts.)
  EXPECT_EQ(gtids[0].immediate_commit_timestamp, 1583812517644225u);
  EXPECT_EQ(gtids[0].original_commit_timestamp, 0u);
  EXPECT_EQ(gtids[0].transaction_length, 965u);
  EXPECT_EQ(gtids[0].immediate_server_version, 80019u);
  EXPECT_EQ(gtids[0].original_server_version, 0u);
  // 5.7 alone: nothing past the logical clock.
  EXPECT_FALSE(gtids[1].immediate_commit_timestamp.has_value());
  EXPECT_FALSE(gtids[1].transaction_length.has_value());
  EXPECT_FALSE(gtids[1].immediate_server_version.has_value());
  // 8.0.19 alone: both timestamps equal, both versions present.
  EXPECT_EQ(gtids[2].immediate_commit_timestamp, 1583813191872618u);
  EXPECT_EQ(gtids[2].original_commit_timestamp, 1583813191872618u);
  EXPECT_EQ(gtids[2].transaction_length, 963u);
  EXPECT_EQ(gtids[2].immediate_server_version, 80019u);
  EXPECT_EQ(gtids[2].original_server_version, 80019u);
  // The GTIDs and logical clocks in the bytes.
  EXPECT_EQ(gtids[0].GtidText(), "5aa72a7f-44a8-11ea-947f-0242ac190002:258");
  EXPECT_EQ(gtids[0].last_committed, 118);
  EXPECT_EQ(gtids[0].sequence_number, 119);
  EXPECT_EQ(gtids[1].GtidText(), "5aa72a7f-44a8-11ea-947f-0242ac190002:259");
  EXPECT_EQ(gtids[1].last_committed, 53);
  EXPECT_EQ(gtids[1].sequence_number, 54);
  EXPECT_EQ(gtids[2].GtidText(), "5ccc1033-44a8-11ea-bd59-0242ac190003:119");
  EXPECT_EQ(gtids[2].last_committed, 120);
  EXPECT_EQ(gtids[2].sequence_number, 121);
}

TEST(MySqlFixtureTableMapTest, Mysql80FullMetadataOfEveryColumnType) {
  const auto events = LoadFixture("go_mysql_table_map_full_metadata.hex");
  ASSERT_EQ(events.size(), 2u);
  const FormatDescription format = TestFormat(false, ServerFlavor::kMySql);
  auto map = DecodeTableMap(ViewOf(events[0].bytes), format);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_FALSE(map->mariadb);
  EXPECT_EQ(map->schema, "test");
  EXPECT_EQ(map->table, "_types");
  ASSERT_EQ(map->columns.size(), 51u);
  const std::vector<std::string> names = {
      "b_bit", "n_boolean", "n_tinyint", "n_smallint", "n_mediumint", "n_int", "n_bigint", "n_decimal", "n_float",
      "n_double", "nu_tinyint", "nu_smallint", "nu_mediumint", "nu_int", "nu_bigint", "nu_decimal", "nu_float",
      "nu_double", "t_year", "t_date", "t_time", "t_ftime", "t_datetime", "t_fdatetime", "t_timestamp",
      "t_ftimestamp", "c_char", "c_varchar", "c_binary", "c_varbinary", "c_tinyblob", "c_blob", "c_mediumblob",
      "c_longblob", "c_tinytext", "c_text", "c_mediumtext", "c_longtext", "e_enum", "s_set", "g_geometry", "j_json",
      "s_set2", "e_enum2", "g_geometrycollection", "g_multipolygon", "g_multilinestring", "g_multipoint",
      "g_polygon", "g_linestring", "g_point"};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(map->columns[i].name, names[i]) << i;
  // Signedness: the nu_* columns (10-17) are unsigned, the n_* ones not.
  for (size_t i = 1; i <= 17; ++i) EXPECT_EQ(map->columns[i].is_unsigned, i >= 10) << names[i];
  // Collations (the source suite's map): 28 gbk_chinese_ci, 63 binary, 224 utf8mb4_unicode_ci.
  const std::vector<std::pair<size_t, uint32_t>> charsets = {{26, 28},  {27, 224}, {28, 63},  {29, 63},
                                                             {30, 63},  {31, 63},  {32, 63},  {33, 63},
                                                             {34, 224}, {35, 224}, {36, 224}, {37, 224}};
  for (const auto& [column, charset] : charsets) EXPECT_EQ(map->columns[column].charset, charset) << names[column];
  EXPECT_EQ(map->columns[38].elements, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(map->columns[39].elements, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(map->columns[42].elements, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(map->columns[43].elements, (std::vector<std::string>{"c", "d"}));
  const std::vector<std::pair<size_t, uint32_t>> geometry = {{40, 0}, {44, 7}, {45, 6}, {46, 5},
                                                             {47, 4}, {48, 3}, {49, 2}, {50, 1}};
  for (const auto& [column, type] : geometry) EXPECT_EQ(map->columns[column].geometry_type, type) << names[column];
  EXPECT_EQ(map->columns[41].meta.type, ColumnType::kJson);

  // _prim2: PRIMARY KEY (id1, id2(10)) as PRIMARY_KEY_WITH_PREFIX.
  auto prim = DecodeTableMap(ViewOf(events[1].bytes), format);
  ASSERT_TRUE(prim.ok()) << prim.status().ToString();
  ASSERT_EQ(prim->columns.size(), 4u);
  EXPECT_EQ(prim->columns[1].name, "id1");
  EXPECT_EQ(prim->primary_key, (std::vector<PrimaryKeyPart>{{1, 0}, {3, 10}}));
}

// ---- Whole binlog files (mysql/*.binlog) ----

// One event of a fixture file, its bytes copied out of the source's buffer.
struct FileEvent {
  std::vector<uint8_t> bytes;
  uint64_t position = 0;
  RawEvent View() const { return ViewOf(bytes, position); }
};

// Reads tests/data/binlog/mysql/<name> through FileBinlogSource (the reader
// dm uses for binlog and relay files), decodes the FORMAT_DESCRIPTION into
// *format, expecting MySQL and binlog_checksum=CRC32 (both servers wrote
// that), and verifies every event's CRC32.
std::vector<FileEvent> ReadMySqlBinlogFile(const std::string& name, FormatDescription* format) {
  std::vector<FileEvent> events;
  auto source = FileBinlogSource::Open(std::string(DM_BINLOG_FIXTURE_DIR) + "/mysql/" + name);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  if (!source.ok()) return events;
  RawEvent e;
  while (true) {
    auto more = (*source)->Next(&e);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    Status crc = VerifyEventChecksum(e.bytes, e.position);
    EXPECT_TRUE(crc.ok()) << crc.ToString();
    events.push_back({std::vector<uint8_t>(e.bytes.begin(), e.bytes.end()), e.position});
    if (e.header.type == EventType::kFormatDescription) {
      auto f = DecodeFormatDescription(e);
      EXPECT_TRUE(f.ok()) << f.status().ToString();
      if (f.ok()) *format = *f;
      EXPECT_EQ(format->flavor, ServerFlavor::kMySql);
      EXPECT_EQ(format->checksum, ChecksumAlgorithm::kCrc32);
    }
  }
  return events;
}

struct Framing {
  uint64_t position;
  EventType type;
  uint32_t size;
};

// The position, type and size of each event, as mysqlbinlog's "# at" and
// hexdump header lines show them, and the log_pos of each header pointing at
// the next event.
void ExpectFraming(const std::vector<FileEvent>& events, const std::vector<Framing>& want) {
  ASSERT_EQ(events.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].position);
    const RawEvent e = events[i].View();
    EXPECT_EQ(e.position, want[i].position);
    EXPECT_EQ(e.header.type, want[i].type);
    EXPECT_EQ(e.header.event_size, want[i].size);
    EXPECT_EQ(e.header.next_position, want[i].position + want[i].size);
  }
}

Uuid UuidOf(std::string_view text) {
  auto uuid = ParseUuid(text);
  EXPECT_TRUE(uuid.ok()) << text;
  return uuid.ok() ? *uuid : Uuid{};
}

// MySQL 5.6.17 with GTIDs on, second file of its log (mysqlbinlog printed
// it without "at startup"): PREVIOUS_GTIDS of four sources, a 5.6 GTID_LOG_EVENT
// (no logical clock yet) and a QUERY relayed from server 163651000, STOP.
TEST(MySqlBinlogFileTest, Mysql56PreviousGtidsOfFourSourcesAndGtid) {
  FormatDescription format;
  const auto events = ReadMySqlBinlogFile("mysql-5.6.17-gtid.binlog", &format);
  ExpectFraming(events, {{4, EventType::kFormatDescription, 116},
                         {120, EventType::kPreviousGtids, 191},
                         {311, EventType::kGtid, 48},
                         {359, EventType::kQuery, 165},
                         {524, EventType::kStop, 23}});
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(format.server_version, "5.6.17-log");
  EXPECT_EQ(format.create_timestamp, 0u);  // not the first file since startup
  EXPECT_EQ(events[0].View().header.server_id, 904898000u);

  auto previous = DecodePreviousGtids(events[1].View(), format);
  ASSERT_TRUE(previous.ok()) << previous.status().ToString();
  const std::vector<std::pair<std::string, GtidInterval>> want = {
      {"7e23401a-c603-11e3-8e13-5e10e6a05cfb", {1, 6}},
      {"8186fc1e-c5ff-11e3-8df9-e66ccf50db66", {1, 12}},
      {"a6ce328c-c602-11e3-8e0d-e66ccf50db66", {1, 7}},
      {"b7009920-c601-11e3-8e07-5e10e6a05cfb", {1, 7}}};
  ASSERT_EQ(previous->sources.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(UuidToString(previous->sources[i].sid), want[i].first);
    ASSERT_EQ(previous->sources[i].intervals.size(), 1u);
    EXPECT_EQ(previous->sources[i].intervals[0].start, want[i].second.start);
    EXPECT_EQ(previous->sources[i].intervals[0].end, want[i].second.end);
  }
  // mysqlbinlog's text (one source per line there).
  const std::string text =
      "7e23401a-c603-11e3-8e13-5e10e6a05cfb:1-5,8186fc1e-c5ff-11e3-8df9-e66ccf50db66:1-11,"
      "a6ce328c-c602-11e3-8e0d-e66ccf50db66:1-6,b7009920-c601-11e3-8e07-5e10e6a05cfb:1-6";
  EXPECT_EQ(previous->ToString(), text);
  // The body is also a SID block, the encoding COM_BINLOG_DUMP_GTID sends.
  const MySqlGtidSet set = MySqlGtidSet::FromPreviousGtids(*previous);
  EXPECT_EQ(set.ToString(), text);
  const std::span<const uint8_t> body(events[1].bytes.data() + kEventHeaderSize,
                                      events[1].bytes.size() - kEventHeaderSize - kChecksumSize);
  auto decoded = MySqlGtidSet::Decode(body);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, set);
  EXPECT_EQ(decoded->Encode(), std::vector<uint8_t>(body.begin(), body.end()));

  // The next transaction of the first source: 5.6 layout, flags 1, nothing
  // past the GNO.
  const RawEvent gtid_event = events[2].View();
  EXPECT_EQ(gtid_event.header.server_id, 163651000u);
  auto gtid = DecodeMySqlGtid(gtid_event, format);
  ASSERT_TRUE(gtid.ok()) << gtid.status().ToString();
  EXPECT_FALSE(gtid->anonymous);
  EXPECT_EQ(gtid->flags, 1);
  EXPECT_EQ(gtid->GtidText(), "7e23401a-c603-11e3-8e13-5e10e6a05cfb:6");
  EXPECT_FALSE(gtid->last_committed.has_value());
  EXPECT_FALSE(gtid->sequence_number.has_value());
  EXPECT_FALSE(gtid->immediate_commit_timestamp.has_value());
  EXPECT_FALSE(gtid->transaction_length.has_value());
  EXPECT_FALSE(gtid->immediate_server_version.has_value());
  EXPECT_FALSE(set.Contains(gtid->sid, gtid->gno));
  EXPECT_TRUE(set.Contains(UuidOf("7e23401a-c603-11e3-8e13-5e10e6a05cfb"), 5));

  std::string scratch;
  auto query = DecodeQuery(events[3].View(), format, &scratch);
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  EXPECT_TRUE(query->status_vars_complete);
  EXPECT_EQ(query->thread_id, 37u);
  EXPECT_EQ(query->exec_time, 497u);
  EXPECT_EQ(query->error_code, 0);
  EXPECT_EQ(query->schema, "mysql");
  EXPECT_EQ(query->query, "DROP TEMPORARY TABLE IF EXISTS `mysql`.`ibbackup_binlog_marker` /* generated by server */");
  EXPECT_EQ(query->sql_mode, 1073741824u);
  ASSERT_TRUE(query->charset.has_value());
  EXPECT_EQ(query->charset->client, 8);
  EXPECT_EQ(query->charset->connection, 8);
  EXPECT_EQ(query->charset->server, 33);
}

// MySQL 5.7.30 with GTIDs off, first file after startup: an empty
// PREVIOUS_GTIDS, then three transactions each opened by an
// ANONYMOUS_GTID_LOG_EVENT with its logical clock (DROP TABLE, CREATE TABLE,
// an INSERT logged as ROWS_QUERY, TABLE_MAP, WRITE_ROWS v2 and XID), ROTATE.
TEST(MySqlBinlogFileTest, Mysql57AnonymousGtidsAndEmptyPreviousGtids) {
  FormatDescription format;
  const auto events = ReadMySqlBinlogFile("mysql-5.7.30-anonymous-gtid.binlog", &format);
  ExpectFraming(events, {{4, EventType::kFormatDescription, 119},
                         {123, EventType::kPreviousGtids, 31},
                         {154, EventType::kAnonymousGtid, 65},
                         {219, EventType::kQuery, 138},
                         {357, EventType::kAnonymousGtid, 65},
                         {422, EventType::kQuery, 240},
                         {662, EventType::kAnonymousGtid, 65},
                         {727, EventType::kQuery, 75},
                         {802, EventType::kRowsQuery, 74},
                         {876, EventType::kTableMap, 58},
                         {934, EventType::kWriteRowsV2, 46},
                         {980, EventType::kXid, 31},
                         {1011, EventType::kRotate, 47}});
  ASSERT_EQ(events.size(), 13u);
  EXPECT_EQ(format.server_version, "5.7.30-log");
  EXPECT_EQ(format.create_timestamp, 1596181899u);  // 2020-07-31 07:51:39 UTC, "at startup"

  const RawEvent previous_event = events[1].View();
  EXPECT_EQ(previous_event.header.flags, kFlagIgnorable);
  auto previous = DecodePreviousGtids(previous_event, format);
  ASSERT_TRUE(previous.ok()) << previous.status().ToString();
  EXPECT_TRUE(previous->sources.empty());
  EXPECT_EQ(previous->ToString(), "");  // mysqlbinlog: "[empty]"

  // mysqlbinlog: rbr_only=no for the two DDL transactions, yes for the INSERT.
  const std::vector<size_t> anonymous_at = {2, 4, 6};
  const std::vector<uint8_t> flags = {1, 1, 0};
  for (size_t i = 0; i < anonymous_at.size(); ++i) {
    SCOPED_TRACE(i);
    auto g = DecodeMySqlGtid(events[anonymous_at[i]].View(), format);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_TRUE(g->anonymous);
    EXPECT_EQ(g->GtidText(), "ANONYMOUS");
    EXPECT_EQ(g->flags, flags[i]);
    EXPECT_EQ(g->sid, Uuid{});
    EXPECT_EQ(g->gno, 0);
    EXPECT_EQ(g->last_committed, static_cast<int64_t>(i));
    EXPECT_EQ(g->sequence_number, static_cast<int64_t>(i + 1));
    // 5.7 writes nothing past the logical clock.
    EXPECT_FALSE(g->immediate_commit_timestamp.has_value());
    EXPECT_FALSE(g->original_commit_timestamp.has_value());
    EXPECT_FALSE(g->transaction_length.has_value());
    EXPECT_FALSE(g->immediate_server_version.has_value());
    EXPECT_FALSE(g->original_server_version.has_value());
  }

  const std::vector<std::pair<size_t, std::string>> queries = {
      {3, "DROP TABLE IF EXISTS `boxercrab` /* generated by server */"},
      {5,
       "CREATE TABLE `boxercrab` (\n    `id` INT UNSIGNED AUTO_INCREMENT,\n    `title` VARCHAR(40) NOT NULL,\n"
       "    PRIMARY KEY (`id`)\n)ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"},
      {7, "BEGIN"}};
  std::string scratch;
  for (const auto& [index, text] : queries) {
    SCOPED_TRACE(index);
    auto q = DecodeQuery(events[index].View(), format, &scratch);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    EXPECT_TRUE(q->status_vars_complete);
    EXPECT_EQ(q->thread_id, 4u);
    EXPECT_EQ(q->schema, "default");
    EXPECT_EQ(q->query, text);
    EXPECT_EQ(q->sql_mode, 1436549152u);
    ASSERT_TRUE(q->charset.has_value());
    EXPECT_EQ(q->charset->client, 33);
    EXPECT_EQ(q->charset->connection, 33);
    EXPECT_EQ(q->charset->server, 45);
  }

  auto rows_query = DecodeRowsQuery(events[8].View(), format);
  ASSERT_TRUE(rows_query.ok()) << rows_query.status().ToString();
  EXPECT_EQ(rows_query->query, "INSERT INTO `boxercrab` (`title`) VALUES ('abcde')");

  auto map = DecodeTableMap(events[9].View(), format);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->table_id, 109u);
  EXPECT_EQ(map->schema, "default");
  EXPECT_EQ(map->table, "boxercrab");
  EXPECT_FALSE(map->mariadb);
  EXPECT_EQ(map->optional_fields, 0u);  // binlog_row_metadata=MINIMAL
  ASSERT_EQ(map->columns.size(), 2u);
  EXPECT_EQ(map->columns[0].meta.type, ColumnType::kLong);
  EXPECT_FALSE(map->columns[0].nullable);
  EXPECT_EQ(map->columns[1].meta.type, ColumnType::kVarchar);
  EXPECT_EQ(map->columns[1].meta.max_length, 160u);  // VARCHAR(40) in utf8mb4
  EXPECT_FALSE(map->columns[1].nullable);

  auto rows = DecodeRowsEvent(events[10].View(), format, &scratch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->table_id, 109u);
  EXPECT_TRUE(rows->statement_end());
  EXPECT_TRUE(rows->extra_data.empty());
  RowsReader reader(*rows, *map);
  std::vector<Value> before(2), after(2);
  ASSERT_TRUE(reader.HasNext());
  ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
  EXPECT_EQ(after[0].int_value, 1);
  EXPECT_EQ(after[1].bytes, "abcde");
  EXPECT_FALSE(reader.HasNext());

  auto xid = DecodeXid(events[11].View(), format);
  ASSERT_TRUE(xid.ok()) << xid.status().ToString();
  EXPECT_EQ(xid->xid, 13u);
  auto rotate = DecodeRotate(events[12].View(), format);
  ASSERT_TRUE(rotate.ok()) << rotate.status().ToString();
  EXPECT_EQ(rotate->next_file, "mysql_bin.000002");
  EXPECT_EQ(rotate->position, 4u);
}

}  // namespace
}  // namespace dm::binlog
