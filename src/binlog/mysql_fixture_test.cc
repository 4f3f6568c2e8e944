// Decodes rows events a real MySQL server wrote, as published in public test
// suites (bytes only; sources cited in tests/data/binlog/README.md), and
// checks the values those suites assert, restated here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "binlog/mysql_json.h"
#include "binlog/rows_event.h"
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

}  // namespace
}  // namespace dm::binlog
