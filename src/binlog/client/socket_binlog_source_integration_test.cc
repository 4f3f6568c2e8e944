// SocketBinlogSource against real MariaDB 10.11 servers: rows of every column
// type written on the upstream are streamed, decoded and compared value by
// value with what SELECT returns (schema from information_schema with the
// server's default binlog_row_metadata, from optional metadata with FULL on a
// private instance); a replication connection killed on the server resumes
// without losing or repeating an event; unavailable positions are reported.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <thread>
#include <string>
#include <vector>

#include "binlog/client/dump_protocol.h"
#include "binlog/client/socket_binlog_source.h"
#include "binlog/format_description.h"
#include "binlog/gtid_events.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "mysql/integration_test_util.h"
#include "testutil/test_env.h"

namespace dm::binlog {
namespace {

using mysql::testing::UniqueDbName;
using mysql::testing::UpstreamOptions;

// How a column is compared: as SELECT text, as hex bytes (binary values,
// latin1 text read over a utf8mb4 session) or as a number (FLOAT/DOUBLE,
// whose SELECT text is rounded).
enum class Compare { kText, kHex, kNumber };
struct Column {
  const char* name;
  const char* type;
  Compare compare;
};

const std::vector<Column> kColumns = {
    {"id", "INT PRIMARY KEY", Compare::kText},
    {"c_ti", "TINYINT", Compare::kText},
    {"c_ti_u", "TINYINT UNSIGNED", Compare::kText},
    {"c_si", "SMALLINT", Compare::kText},
    {"c_mi_u", "MEDIUMINT UNSIGNED", Compare::kText},
    {"c_i", "INT", Compare::kText},
    {"c_i_u", "INT UNSIGNED", Compare::kText},
    {"c_bi", "BIGINT", Compare::kText},
    {"c_bi_u", "BIGINT UNSIGNED", Compare::kText},
    {"c_dec", "DECIMAL(20,6)", Compare::kText},
    {"c_dec65", "DECIMAL(65,30)", Compare::kText},
    {"c_f", "FLOAT", Compare::kNumber},
    {"c_d", "DOUBLE", Compare::kNumber},
    {"c_bit", "BIT(13)", Compare::kText},
    {"c_bit64", "BIT(64)", Compare::kText},
    {"c_year", "YEAR", Compare::kText},
    {"c_date", "DATE", Compare::kText},
    {"c_time", "TIME(3)", Compare::kText},
    {"c_dt", "DATETIME(6)", Compare::kText},
    {"c_dt0", "DATETIME", Compare::kText},
    {"c_ts", "TIMESTAMP(6) NULL", Compare::kText},
    {"c_char", "CHAR(10)", Compare::kText},
    {"c_bin", "BINARY(8)", Compare::kHex},
    {"c_vc", "VARCHAR(300)", Compare::kText},
    {"c_vb", "VARBINARY(20)", Compare::kHex},
    {"c_text", "TEXT", Compare::kText},
    {"c_blob", "BLOB", Compare::kHex},
    {"c_lt", "LONGTEXT", Compare::kText},
    {"c_enum", "ENUM('a','b','\xC3\xBC')", Compare::kText},
    {"c_set", "SET('x','y','\xC3\xB6')", Compare::kText},
    {"c_json", "JSON", Compare::kText},
    {"c_geo", "GEOMETRY", Compare::kHex},
    {"c_latin1", "VARCHAR(10) CHARACTER SET latin1", Compare::kHex},
    {"c_inet4", "INET4", Compare::kHex},
    {"c_inet6", "INET6", Compare::kHex},
    {"c_uuid", "UUID", Compare::kHex},
};

const char* const kRows[] = {
    // Minimum values, empty strings.
    "(1, -128, 0, -32768, 0, -2147483648, 0, -9223372036854775808, 0, -99999999999999.999999,"
    " '-99999999999999999999999999999999999.999999999999999999999999999999', -3.40282e38,"
    " -1.7976931348623157e308, 0, 0, 1901, '1000-01-01', '-838:59:59.000', '1000-01-01 00:00:00.000000',"
    " '1000-01-01 00:00:00', '1970-01-01 00:00:01.000001', '', '', '', '', '', '', '', 'a', '', '{}',"
    " ST_GeomFromText('POINT(0 0)'), '', '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000')",
    // Maximum values, 0x00 bytes, emoji.
    "(2, 127, 255, 32767, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,"
    " 99999999999999.999999, '99999999999999999999999999999999999.999999999999999999999999999999',"
    " 3.40282e38, 1.7976931348623157e308, b'1111111111111', 0xFFFFFFFFFFFFFFFF, 2155, '9999-12-31',"
    " '838:59:59.999', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999',"
    " 'abcdefghij', X'00FF00', CONCAT('\xF0\x9F\x98\x80 ', REPEAT('\xC3\xA9', 290)), X'0000FF00',"
    " CONCAT('a', CHAR(0), 'b'), X'00FF0001', REPEAT('long\xF0\x9F\x98\x80', 5000), '\xC3\xBC',"
    " 'x,y,\xC3\xB6', '{\"a\": [1, 2.5, \"\xC3\xBC\", null, true]}',"
    " ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'), '\xC3\xBC\xC3\xA9', '255.255.255.255', 'ffff::1',"
    " '123e4567-e89b-12d3-a456-426614174000')",
    // NULL in every nullable column.
    "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    // Zero dates, small negatives, trailing spaces and zeros.
    "(4, -1, 1, -1, 1, -1, 1, -1, 1, -0.000001, '-0.000000000000000000000000000001', 0.1, 0.1, 1, 1, 0,"
    " '0000-00-00', '-00:00:00.001', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00',"
    " '0000-00-00 00:00:00.000000', 'ab', X'0100', 'trail  ', X'00', 'x', X'00', '', 'b', 'x,\xC3\xB6', '[]',"
    " ST_GeomFromText('POINT(1.5 -2.5)'), 'abc', '1.2.3.4', '::1', 'ffffffff-ffff-ffff-ffff-ffffffffffff')",
};

std::string SelectList() {
  std::string out;
  for (const Column& c : kColumns) {
    if (!out.empty()) out += ", ";
    if (c.compare == Compare::kHex) {
      // INET4/INET6/UUID as their binary form, the way the binlog holds them.
      const std::string_view type = c.type;
      if (type == "INET4") {
        out += fmt::format("HEX(CAST({} AS BINARY(4)))", c.name);
      } else if (type == "INET6" || type == "UUID") {
        out += fmt::format("HEX(CAST({} AS BINARY(16)))", c.name);
      } else {
        out += fmt::format("HEX({})", c.name);
      }
    } else if (std::string_view(c.type).starts_with("BIT")) {
      out += fmt::format("CAST({} AS UNSIGNED)", c.name);
    } else {
      out += c.name;
    }
  }
  return out;
}

std::string Hex(std::string_view bytes, size_t zero_padding) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02X}", c);
  for (size_t i = 0; i < zero_padding; ++i) out += "00";
  return out;
}

// One column of a row image as the comparison sees it.
std::string DecodedText(const Value& v, const ColumnInfo& column, Compare compare) {
  if (v.is_null()) return "NULL";
  if (v.is_absent()) return "(absent)";
  if (compare == Compare::kHex) return Hex(v.bytes, BinaryZeroPadding(v, column));
  if (compare == Compare::kNumber) {
    const double d = v.kind == ValueKind::kFloat ? static_cast<double>(v.float_value) : v.double_value;
    return fmt::format("{}", d);
  }
  std::string out;
  AppendValueText(v, column, &out);
  return out;
}

std::vector<std::string> SelectedTexts(const mysql::Row& row) {
  std::vector<std::string> out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!row[i]) {
      out.push_back("NULL");
    } else if (kColumns[i].compare == Compare::kNumber) {
      // The server rounds FLOAT to 6 digits and DOUBLE to 17: compare as the
      // value of the column's type.
      const double d = std::strtod(row[i]->c_str(), nullptr);
      const bool is_float = std::string_view(kColumns[i].type) == "FLOAT";
      out.push_back(fmt::format("{}", is_float ? static_cast<double>(static_cast<float>(d)) : d));
    } else {
      out.push_back(*row[i]);
    }
  }
  return out;
}

// The FLOAT column's SELECT text has 6 significant digits, so the decoded
// value is compared after the same rounding.
std::vector<std::string> RoundFloats(std::vector<std::string> texts) {
  for (size_t i = 0; i < texts.size(); ++i) {
    if (std::string_view(kColumns[i].type) == "FLOAT" && texts[i] != "NULL") {
      const double d = std::strtod(texts[i].c_str(), nullptr);
      texts[i] = fmt::format("{}", static_cast<double>(static_cast<float>(std::strtod(fmt::format("{:.6g}", d).c_str(), nullptr))));
    }
  }
  return texts;
}

mysql::ConnectionOptions SessionOptions(mysql::ConnectionOptions options) {
  options.session_variables["time_zone"] = "'+00:00'";
  options.session_variables["sql_mode"] = "''";
  return options;
}

// What a schema tracker would supply without optional metadata.
Result<TableSchema> SchemaFromInformationSchema(mysql::Connection& conn, const std::string& db,
                                                const std::string& table) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows(fmt::format(
      "SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.DATA_TYPE, co.ID FROM information_schema.COLUMNS c "
      "LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME "
      "WHERE c.TABLE_SCHEMA = '{}' AND c.TABLE_NAME = '{}' ORDER BY c.ORDINAL_POSITION",
      db, table)));
  TableSchema schema;
  for (const auto& row : rows) {
    ColumnSchema c;
    c.name = row[0].value_or("");
    const std::string type = row[1].value_or("");
    c.is_unsigned = type.find(" unsigned") != std::string::npos;
    c.charset = row[3] ? static_cast<uint32_t>(std::stoul(*row[3])) : 63;
    if (*row[2] == "enum" || *row[2] == "set") {
      // enum('a','b','it''s')
      std::string item;
      bool in_quote = false;
      for (size_t i = type.find('(') + 1; i < type.size(); ++i) {
        const char ch = type[i];
        if (in_quote) {
          if (ch == '\'' && i + 1 < type.size() && type[i + 1] == '\'') {
            item += '\'';
            ++i;
          } else if (ch == '\'') {
            in_quote = false;
            c.elements.push_back(item);
            item.clear();
          } else {
            item += ch;
          }
        } else if (ch == '\'') {
          in_quote = true;
        }
      }
    }
    schema.columns.push_back(std::move(c));
  }
  return schema;
}

struct Change {
  char kind;
  std::vector<std::string> before, after;
};

// Streams from `source` until it has passed `end`, decoding the rows events
// of `db`.`t`.
std::vector<Change> CollectChanges(SocketBinlogSource& source, mysql::Connection& conn, const std::string& db,
                                   const Position& end, bool apply_schema, bool* saw_full_metadata) {
  std::vector<Change> changes;
  FormatDescription format;
  format.checksum = source.checksum();
  TableMapCache cache;
  std::string scratch;
  std::vector<Value> before(kColumns.size()), after(kColumns.size());
  RawEvent e;
  while (ComparePositions(Position{source.file_name(), source.position()}, end) < 0) {
    auto more = source.Next(&e);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    if (format.checksum == ChecksumAlgorithm::kCrc32) {
      Status s = VerifyEventChecksum(e.bytes, e.position);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    if (e.header.type == EventType::kFormatDescription) {
      auto f = DecodeFormatDescription(e);
      EXPECT_TRUE(f.ok()) << f.status().ToString();
      if (f.ok()) format = *f;
    } else if (e.header.type == EventType::kTableMap) {
      bool fresh = false;
      auto m = cache.Update(e, format, &fresh);
      EXPECT_TRUE(m.ok()) << m.status().ToString();
      if (m.ok() && fresh && (*m)->schema == db) {
        if ((*m)->Has(OptionalMetadataType::kColumnName)) *saw_full_metadata = true;
        if (apply_schema) {
          auto schema = SchemaFromInformationSchema(conn, db, (*m)->table);
          EXPECT_TRUE(schema.ok()) << schema.status().ToString();
          if (schema.ok()) {
            EXPECT_TRUE(ApplySchema(*schema, *m).ok());
          }
        }
      }
    } else if (auto traits = GetRowsEventTraits(e.header.type)) {
      auto rows = DecodeRowsEvent(e, format, &scratch);
      EXPECT_TRUE(rows.ok()) << rows.status().ToString();
      if (!rows.ok()) continue;
      const TableMap* map = cache.Find(rows->table_id);
      if (map == nullptr || map->schema != db) continue;
      RowsReader reader(*rows, *map);
      while (reader.HasNext()) {
        Status s = reader.Next(before, after);
        EXPECT_TRUE(s.ok()) << s.ToString();
        if (!s.ok()) break;
        Change c{traits->kind == RowsKind::kWrite ? 'W' : traits->kind == RowsKind::kUpdate ? 'U' : 'D', {}, {}};
        for (size_t i = 0; i < kColumns.size(); ++i) {
          if (traits->kind != RowsKind::kWrite) c.before.push_back(DecodedText(before[i], map->columns[i], kColumns[i].compare));
          if (traits->kind != RowsKind::kDelete) c.after.push_back(DecodedText(after[i], map->columns[i], kColumns[i].compare));
        }
        c.before = RoundFloats(std::move(c.before));
        c.after = RoundFloats(std::move(c.after));
        changes.push_back(std::move(c));
      }
    }
  }
  return changes;
}

Result<Position> MasterPosition(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW MASTER STATUS"));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return Status::Internal("SHOW MASTER STATUS returned nothing");
  return Position{*rows[0][0], std::stoull(*rows[0][1])};
}

void ExpectSameRow(const std::vector<std::string>& decoded, const std::vector<std::string>& selected,
                   const std::string& what) {
  ASSERT_EQ(decoded.size(), selected.size()) << what;
  for (size_t i = 0; i < decoded.size(); ++i) {
    EXPECT_EQ(decoded[i], selected[i]) << what << " column " << kColumns[i].name;
  }
}

enum class StartMode { kPosition, kGtid };

// Creates `db`.t, writes the rows of kRows, an UPDATE and a DELETE, streams
// them back and compares every decoded value with SELECT's.
void RoundTripEveryType(const mysql::ConnectionOptions& server, StartMode mode, bool apply_schema,
                        bool expect_full_metadata) {
  auto conn_or = mysql::Connection::Connect(SessionOptions(server));
  ASSERT_TRUE(conn_or.ok()) << conn_or.status().ToString();
  mysql::Connection& conn = *conn_or;
  const std::string db = UniqueDbName("binlog_types");
  std::string ddl;
  for (const Column& c : kColumns) ddl += fmt::format("{}{} {}", ddl.empty() ? "" : ", ", c.name, c.type);
  ASSERT_TRUE(conn.Execute(fmt::format("CREATE DATABASE {}", db)).ok());
  ASSERT_TRUE(conn.Execute(fmt::format("CREATE TABLE {}.t ({}) DEFAULT CHARSET utf8mb4", db, ddl)).ok());

  auto start = MasterPosition(conn);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  auto gtid = conn.QueryValue("SELECT @@gtid_binlog_pos");
  ASSERT_TRUE(gtid.ok() && *gtid);

  const std::string select = fmt::format("SELECT {} FROM {}.t ORDER BY id", SelectList(), db);
  for (const char* row : kRows) {
    Status s = conn.Execute(fmt::format("INSERT INTO {}.t VALUES {}", db, row));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto inserted = conn.QueryRows(select);
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  ASSERT_TRUE(conn.Execute(fmt::format("UPDATE {}.t SET c_i = 42, c_vc = 'upd', c_date = '2024-02-29', "
                                       "c_set = 'y', c_bin = X'FF', c_f = 1.5 WHERE id = 1", db)).ok());
  auto updated = conn.QueryRows(select);
  ASSERT_TRUE(updated.ok());
  ASSERT_TRUE(conn.Execute(fmt::format("DELETE FROM {}.t WHERE id = 2", db)).ok());
  auto end = MasterPosition(conn);
  ASSERT_TRUE(end.ok());

  SocketBinlogSourceOptions options;
  options.connection = server;
  options.non_blocking = true;
  if (mode == StartMode::kGtid) {
    options.use_gtid = true;
    options.start_gtid = **gtid;
  } else {
    options.start = *start;
  }
  auto source = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_GE((*source)->server_id(), client::kServerIdBase);
  bool full = false;
  std::vector<Change> changes = CollectChanges(**source, conn, db, *end, apply_schema, &full);
  EXPECT_EQ(full, expect_full_metadata);
  ASSERT_EQ(changes.size(), 6u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(changes[i].kind, 'W');
    ExpectSameRow(changes[i].after, SelectedTexts((*inserted)[i]), fmt::format("insert {}", i + 1));
  }
  EXPECT_EQ(changes[4].kind, 'U');
  ExpectSameRow(changes[4].before, SelectedTexts((*inserted)[0]), "update before");
  ExpectSameRow(changes[4].after, SelectedTexts((*updated)[0]), "update after");
  EXPECT_EQ(changes[5].kind, 'D');
  ExpectSameRow(changes[5].before, SelectedTexts((*updated)[1]), "delete");
  if (mode == StartMode::kGtid) {
    auto now = conn.QueryValue("SELECT @@gtid_binlog_pos");
    ASSERT_TRUE(now.ok() && *now);
    // The source's state covers at least our last transaction (others may
    // write to the shared server concurrently).
    auto state = MariaDbGtidState::Parse((*source)->gtid_state());
    ASSERT_TRUE(state.ok());
    EXPECT_FALSE(state->empty());
  }
  EXPECT_TRUE(conn.Execute(fmt::format("DROP DATABASE {}", db)).ok());
}

TEST(SocketBinlogSourceTest, RowsOfEveryTypeFromPositionMatchSelect) {
  RoundTripEveryType(UpstreamOptions(), StartMode::kPosition, /*apply_schema=*/true, /*expect_full=*/false);
}

TEST(SocketBinlogSourceTest, RowsOfEveryTypeFromGtidMatchSelect) {
  RoundTripEveryType(UpstreamOptions(), StartMode::kGtid, /*apply_schema=*/true, /*expect_full=*/false);
}

// A private instance with binlog_row_metadata=FULL (never set on the shared
// ones): optional metadata alone must give signedness, charsets and members.
TEST(SocketBinlogSourceTest, RowsOfEveryTypeWithFullMetadataNeedNoSchema) {
  testutil::TempDir dir;
  const std::string scripts = testutil::SourceDir() + "/scripts";
  FILE* pipe = popen((scripts + "/alloc-port.sh 1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[32] = {};
  const bool got = std::fgets(buf, sizeof buf, pipe) != nullptr;
  pclose(pipe);
  ASSERT_TRUE(got);
  const int port = std::atoi(buf);
  ASSERT_GT(port, 0);
  const std::string env = fmt::format("DM_INSTANCE_ROOT={} DM_BINLOG_ROW_METADATA=FULL", dir.path());
  const std::string up = fmt::format("{} {}/mariadb-instance.sh up full {} >{}/up.log 2>&1", env, scripts, port, dir.path());
  const std::string down = fmt::format("{} {}/mariadb-instance.sh down full {} >/dev/null 2>&1; {}/alloc-port.sh --release {} >/dev/null 2>&1",
                                       env, scripts, port, scripts, port);
  ASSERT_EQ(std::system(up.c_str()), 0) << "cannot start a private instance, see " << dir.path() << "/up.log";
  mysql::ConnectionOptions server = UpstreamOptions();
  server.port = static_cast<uint16_t>(port);
  {
    auto conn = mysql::Connection::Connect(server);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    auto v = conn->QueryValue("SELECT @@global.binlog_row_metadata");
    ASSERT_TRUE(v.ok() && *v);
    EXPECT_EQ(**v, "FULL");
  }
  RoundTripEveryType(server, StartMode::kPosition, /*apply_schema=*/false, /*expect_full=*/true);
  EXPECT_EQ(std::system(down.c_str()), 0);
}

// ---- Resuming ----

// Writes small transactions around one large one (kBigRows rows events of
// 100 KB, more than the socket buffers hold), kills the replication
// connection on the server once the first row of the large transaction was
// delivered, and checks that the stream delivers every row exactly once and
// in order: the dump resumes inside the transaction (position mode) or
// re-reads it and skips what was delivered (GTID mode).
void ResumeAfterKill(StartMode mode) {
  auto conn_or = mysql::Connection::Connect(UpstreamOptions());
  ASSERT_TRUE(conn_or.ok()) << conn_or.status().ToString();
  mysql::Connection& conn = *conn_or;
  const std::string db = UniqueDbName("binlog_resume");
  ASSERT_TRUE(conn.Execute(fmt::format("CREATE DATABASE {}", db)).ok());
  ASSERT_TRUE(conn.Execute(fmt::format("CREATE TABLE {}.seq (id INT PRIMARY KEY, v LONGBLOB)", db)).ok());
  auto start = MasterPosition(conn);
  ASSERT_TRUE(start.ok());
  auto gtid = conn.QueryValue("SELECT @@gtid_binlog_pos");
  ASSERT_TRUE(gtid.ok() && *gtid);
  constexpr int kSmall = 5;     // transactions of 2 rows before and after the large one
  constexpr int kBigRows = 300;
  int next_id = 1;
  auto write_small = [&] {
    for (int i = 0; i < kSmall; ++i) {
      ASSERT_TRUE(conn.Begin().ok());
      for (int k = 0; k < 2; ++k) {
        ASSERT_TRUE(conn.Execute(fmt::format("INSERT INTO {}.seq VALUES ({}, 'x')", db, next_id++)).ok());
      }
      ASSERT_TRUE(conn.Commit().ok());
    }
  };
  write_small();
  const int first_big_id = next_id;
  ASSERT_TRUE(conn.Begin().ok());
  for (int i = 0; i < kBigRows; ++i) {
    Status s = conn.Execute(fmt::format("INSERT INTO {}.seq VALUES ({}, REPEAT('b', 100000))", db, next_id++));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_TRUE(conn.Commit().ok());
  write_small();
  const size_t total = static_cast<size_t>(next_id - 1);

  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.heartbeat_period = std::chrono::seconds(1);
  options.backoff_initial = std::chrono::milliseconds(50);
  if (mode == StartMode::kGtid) {
    options.use_gtid = true;
    options.start_gtid = **gtid;
  } else {
    options.start = *start;
  }
  auto source_or = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source_or.ok()) << source_or.status().ToString();
  SocketBinlogSource& source = **source_or;

  FormatDescription format;
  format.checksum = source.checksum();
  TableMapCache cache;
  std::string scratch;
  std::vector<Value> before(2), after(2);
  std::vector<int64_t> ids;
  std::vector<uint64_t> positions;  // of delivered positioned events, in order
  bool killed = false;
  RawEvent e;
  while (ids.size() < total) {
    auto more = source.Next(&e);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more);
    if (!(e.header.flags & kFlagArtificial) && e.header.next_position != 0 &&
        e.header.type != EventType::kHeartbeat) {
      // Strictly increasing positions within a file: nothing repeated.
      if (!positions.empty() && e.header.type != EventType::kFormatDescription) {
        EXPECT_GT(e.position, positions.back()) << EventTypeName(e.header.type);
      }
      positions.push_back(e.position);
    }
    if (e.header.type == EventType::kFormatDescription) {
      auto f = DecodeFormatDescription(e);
      ASSERT_TRUE(f.ok());
      format = *f;
    } else if (e.header.type == EventType::kTableMap) {
      bool fresh = false;
      ASSERT_TRUE(cache.Update(e, format, &fresh).ok());
    } else if (GetRowsEventTraits(e.header.type)) {
      auto rows = DecodeRowsEvent(e, format, &scratch);
      ASSERT_TRUE(rows.ok());
      const TableMap* map = cache.Find(rows->table_id);
      if (map == nullptr || map->schema != db) continue;
      RowsReader reader(*rows, *map);
      while (reader.HasNext()) {
        ASSERT_TRUE(reader.Next(before, after).ok());
        ids.push_back(after[0].int_value);
      }
      if (!killed && ids.size() == static_cast<size_t>(first_big_id)) {
        // Mid-transaction: the first rows event of the large one was delivered.
        const uint64_t thread = source.connection_id();
        ASSERT_NE(thread, 0u);
        Status s = conn.Execute(fmt::format("KILL {}", thread));
        ASSERT_TRUE(s.ok()) << s.ToString();
        killed = true;
      }
    }
  }
  EXPECT_TRUE(killed);
  EXPECT_GE(source.reconnects(), 1);
  std::vector<int64_t> expected;
  for (size_t i = 1; i <= total; ++i) expected.push_back(static_cast<int64_t>(i));
  EXPECT_EQ(ids, expected);
  EXPECT_TRUE(conn.Execute(fmt::format("DROP DATABASE {}", db)).ok());
}

TEST(SocketBinlogSourceTest, KilledConnectionResumesFromPositionWithoutLossOrDuplicates) {
  ResumeAfterKill(StartMode::kPosition);
}

TEST(SocketBinlogSourceTest, KilledConnectionResumesFromGtidWithoutLossOrDuplicates) {
  ResumeAfterKill(StartMode::kGtid);
}

// ---- Unavailable positions ----

TEST(SocketBinlogSourceTest, MissingFileIsANonRetryableErrorNamingThePosition) {
  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.start = {"mysql-bin.999999", 4};
  auto source = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  RawEvent e;
  auto more = (*source)->Next(&e);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(more.status().error_code(), ErrorCode::kBinlogPositionUnavailable);
  EXPECT_NE(more.status().message().find("(mysql-bin.999999, 4)"), std::string::npos) << more.status().ToString();
  EXPECT_NE(more.status().message().find("1236"), std::string::npos);
  EXPECT_FALSE(more.status().IsRetryable());
  EXPECT_EQ((*source)->reconnects(), 0);
}

TEST(SocketBinlogSourceTest, PurgedFileIsANonRetryableErrorNamingThePosition) {
  auto conn = mysql::Connection::Connect(UpstreamOptions());
  ASSERT_TRUE(conn.ok());
  auto logs = conn->QueryRows("SHOW BINARY LOGS");
  ASSERT_TRUE(logs.ok() && !logs->empty());
  // A file before the oldest one left is what a purge leaves behind.
  auto oldest = ParseBinlogFileName(*(*logs)[0][0]);
  ASSERT_TRUE(oldest.ok());
  if (oldest->index == 0) GTEST_SKIP() << "no index below the oldest binlog";
  BinlogFileName purged = *oldest;
  purged.index -= 1;
  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.start = {purged.ToString(), 4};
  auto source = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok());
  RawEvent e;
  auto more = (*source)->Next(&e);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().error_code(), ErrorCode::kBinlogPositionUnavailable);
  EXPECT_NE(more.status().message().find(Position{purged.ToString(), 4}.ToString()), std::string::npos)
      << more.status().ToString();
}

TEST(SocketBinlogSourceTest, GtidPastTheBinlogIsANonRetryableErrorNamingTheGtid) {
  auto conn = mysql::Connection::Connect(UpstreamOptions());
  ASSERT_TRUE(conn.ok());
  auto id = conn->QueryValue("SELECT @@server_id");
  ASSERT_TRUE(id.ok() && *id);
  const std::string gtid = fmt::format("0-{}-999999999", **id);
  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.use_gtid = true;
  options.start_gtid = gtid;
  auto source = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok());
  RawEvent e;
  auto more = (*source)->Next(&e);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(more.status().error_code(), ErrorCode::kBinlogPositionUnavailable);
  EXPECT_NE(more.status().message().find(gtid), std::string::npos) << more.status().ToString();
}

TEST(SocketBinlogSourceTest, PositionPast4GiBNeedsGtidMode) {
  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.start = {"mysql-bin.000001", uint64_t{5} << 30};
  auto source = SocketBinlogSource::Open(options);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument);
}

TEST(SocketBinlogSourceTest, InterruptCancelsABlockedRead) {
  SocketBinlogSourceOptions options;
  options.connection = UpstreamOptions();
  options.use_gtid = true;
  auto conn = mysql::Connection::Connect(UpstreamOptions());
  ASSERT_TRUE(conn.ok());
  auto gtid = conn->QueryValue("SELECT @@gtid_binlog_pos");
  ASSERT_TRUE(gtid.ok() && *gtid);
  options.start_gtid = **gtid;
  auto source = SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (*source)->Interrupt();
  });
  RawEvent e;
  Result<bool> more = true;
  // Drains the preamble, then blocks until interrupted.
  while (more.ok() && *more) more = (*source)->Next(&e);
  stopper.join();
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace dm::binlog
