// TableDml against the real MariaDB pair: edge rows of every column type are
// written upstream (INSERT, UPDATE including a primary-key change, DELETE),
// streamed back from the binlog with SocketBinlogSource, turned into
// statements by TableDml and applied to the same empty tables downstream in
// a session with SET NAMES binary and time_zone '+00:00'; dm-diff then finds
// both sides equal row by row. Tables without a key and with only a nullable
// UNIQUE key exercise the all-columns WHERE (FLOAT, DOUBLE, BIT, binary
// strings, temporal values compared with their literals). Safe mode replays
// the events twice with REPLACE and DELETE+REPLACE. A MySQL 8.0 compressed
// transaction (a fixture: no MySQL server here) goes the same way through
// TransactionPayloadSource.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/client/socket_binlog_source.h"
#include "binlog/format_description.h"
#include "binlog/rows_event.h"
#include "binlog/source/file_binlog_source.h"
#include "binlog/source/transaction_payload_source.h"
#include "binlog/table_map.h"
#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "sync/dml.h"
#include "sync/table_schema.h"
#include "testutil/test_env.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

std::string Dsn(const mysql::ConnectionOptions& o) {
  return o.user + ":" + o.password.reveal() + "@" + o.host + ":" + std::to_string(o.port);
}

// dm-diff (this build's) over every table of `db`: 0 when equal.
int DmDiff(const std::string& db) {
  const std::string command = testutil::BinDir() + "/dm-diff --source " + Dsn(SharedOptions("UPSTREAM")) +
                              " --target " + Dsn(SharedOptions("DOWNSTREAM")) + " --tables '" + db + ".*' >&2";
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Runs `statements` on a fresh session of `options`.
void Exec(const mysql::ConnectionOptions& options, const std::vector<std::string>& statements) {
  auto conn = mysql::Connection::Connect(options);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  for (const std::string& sql : statements) {
    Status s = conn->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\nin: " << sql;
  }
}

// Every column type, a generated column (never written) and a primary key.
const char* const kAllTypes = R"(CREATE TABLE t_all (
  id INT PRIMARY KEY, c_ti TINYINT, c_ti_u TINYINT UNSIGNED, c_si SMALLINT, c_mi_u MEDIUMINT UNSIGNED,
  c_i INT, c_i_u INT UNSIGNED, c_bi BIGINT, c_bi_u BIGINT UNSIGNED, c_dec DECIMAL(20,6),
  c_dec65 DECIMAL(65,30), c_f FLOAT, c_d DOUBLE, c_bit BIT(13), c_bit64 BIT(64), c_year YEAR, c_date DATE,
  c_time TIME(3), c_dt DATETIME(6), c_dt0 DATETIME, c_ts TIMESTAMP(6) NULL, c_char CHAR(10), c_bin BINARY(8),
  c_vc VARCHAR(300), c_vb VARBINARY(20), c_text TEXT, c_blob BLOB, c_lt LONGTEXT,
  c_enum ENUM('a','b','ü'), c_set SET('x','y','ö'), c_json JSON, c_geo GEOMETRY, c_latin1 VARCHAR(10) CHARACTER SET latin1,
  c_inet4 INET4, c_inet6 INET6, c_uuid UUID, c_gen BIGINT AS (c_i + 1) VIRTUAL
) DEFAULT CHARSET utf8mb4)";

const char* const kAllTypesColumns =
    "id, c_ti, c_ti_u, c_si, c_mi_u, c_i, c_i_u, c_bi, c_bi_u, c_dec, c_dec65, c_f, c_d, c_bit, c_bit64, c_year, "
    "c_date, c_time, c_dt, c_dt0, c_ts, c_char, c_bin, c_vc, c_vb, c_text, c_blob, c_lt, c_enum, c_set, c_json, "
    "c_geo, c_latin1, c_inet4, c_inet6, c_uuid";

const char* const kAllTypesRows[] = {
    // Minimum values, empty strings.
    R"((1, -128, 0, -32768, 0, -2147483648, 0, -9223372036854775808, 0, -99999999999999.999999,
       '-99999999999999999999999999999999999.999999999999999999999999999999', -3.4028235e38,
       -1.7976931348623157e308, 0, 0, 1901, '1000-01-01', '-838:59:59.000', '1000-01-01 00:00:00.000000',
       '1000-01-01 00:00:00', '1970-01-01 00:00:01.000001', '', '', '', '', '', '', '', 'a', '', '{}',
       ST_GeomFromText('POINT(0 0)'), '', '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000'))",
    // Maximum values, 0x00 bytes, emoji.
    R"((2, 127, 255, 32767, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
       99999999999999.999999, '99999999999999999999999999999999999.999999999999999999999999999999',
       3.4028235e38, 1.7976931348623157e308, b'1111111111111', 0xFFFFFFFFFFFFFFFF, 2155, '9999-12-31',
       '838:59:59.999', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999',
       'abcdefghij', X'00FF00', CONCAT('😀 ', REPEAT('é', 290)), X'0000FF00', CONCAT('a', CHAR(0), 'b'),
       X'00FF0001', REPEAT('long😀', 5000), 'ü', 'x,y,ö', '{"a": [1, 2.5, "ü", null, true]}',
       ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'), 'üé', '255.255.255.255', 'ffff::1',
       '123e4567-e89b-12d3-a456-426614174000'))",
    // NULL in every nullable column.
    R"((3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))",
    // Zero dates, small negatives, trailing spaces and zeros, denormals.
    R"((4, -1, 1, -1, 1, -1, 1, -1, 1, -0.000001, '-0.000000000000000000000000000001', 0.1,
       4.9406564584124654e-324, 1, 1, 0, '0000-00-00', '-00:00:00.001', '0000-00-00 00:00:00.000000',
       '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', 'ab', X'0100', 'trail  ', X'00', 'x', X'00', '',
       'b', 'x,ö', '[]', ST_GeomFromText('POINT(1.5 -2.5)'), 'abc', '1.2.3.4', '::1',
       'ffffffff-ffff-ffff-ffff-ffffffffffff'))",
    // Bytes the escaping must carry, negative zero, a negative TIME with
    // micros, BINARY with trailing zero bytes.
    R"((5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0e0, -0e0, 0, 0, 0, '2024-02-29', '-01:02:03.450',
       '2024-02-29 12:34:56.000001', '2024-02-29 12:34:56', '2024-02-29 12:34:56.5', 'a''b',
       X'6162000000000000', CONCAT('q', CHAR(0), '''"\\', CHAR(10), CHAR(13), CHAR(26), 'z'), X'5C2722',
       CONCAT('\\', CHAR(0), '\\0'), X'00', '', 'a', '', '{"k": "\\u0000\\""}', NULL, 'x''', '10.0.0.1',
       '2001:db8::', '00000000-0000-1000-8000-000000000001'))",
};

// No key: every change is matched on all columns (LIMIT 1 over duplicates).
const char* const kNoKey = R"(CREATE TABLE t_nokey (
  c_i INT, c_f FLOAT, c_d DOUBLE, c_vc VARCHAR(20), c_dec DECIMAL(10,3), c_dt DATETIME(6), c_bin BINARY(4),
  c_bit BIT(64), c_enum ENUM('a','b'), c_set SET('x','y'), c_ts TIMESTAMP(3) NULL, c_time TIME(6), c_year YEAR,
  c_blob BLOB, c_inet4 INET4, c_inet6 INET6, c_uuid UUID, c_json JSON, c_text TEXT, c_date DATE, c_geo GEOMETRY NULL
) DEFAULT CHARSET utf8mb4)";

const char* const kNoKeyRows[] = {
    R"((1, 0.1, 0.1, 'a', -1.5, '2020-01-01 00:00:00.5', X'01', 18446744073709551615, 'b', 'x,y',
       '2001-01-01 00:00:00.123', '-838:59:59', 0, X'00FF', '1.2.3.4', '::1', '123e4567-e89b-12d3-a456-426614174000', '[1]',
       'T', '0000-00-00', ST_GeomFromText('POINT(1 2)')))",
    // The same row again: DELETE ... LIMIT 1 must remove only one.
    R"((1, 0.1, 0.1, 'a', -1.5, '2020-01-01 00:00:00.5', X'01', 18446744073709551615, 'b', 'x,y',
       '2001-01-01 00:00:00.123', '-838:59:59', 0, X'00FF', '1.2.3.4', '::1', '123e4567-e89b-12d3-a456-426614174000', '[1]',
       'T', '0000-00-00', ST_GeomFromText('POINT(1 2)')))",
    R"((2, 3.4028235e38, 4.9406564584124654e-324, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL))",
    R"((3, -0e0, -1.7976931348623157e308, 'a''\\', 0, '0000-00-00 00:00:00', X'00000000', 0, 'a', '', '0000-00-00 00:00:00',
       '-00:00:00.000001', 2000, '', '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000', '{"x": "y"}', '', '1000-01-01',
       ST_GeomFromText('LINESTRING(0 0, 1 1)')))",
    R"((4, 1.17549435e-38, 2.2250738585072009e-308, 'Ab ', 9999999.999, '9999-12-31 23:59:59.999999', X'FFFFFF00',
       1, 'a', 'y', '2038-01-19 03:14:07.999', '838:59:59.999999', 1901, X'5C00', '255.255.255.255', 'ffff::', 
       'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', 'ü', '9999-12-31',
       ST_GeomFromText('POINT(-0.5 1e300)')))",
};

// Only a nullable UNIQUE key: not a handle key, so all columns in WHERE.
const char* const kNullableUnique =
    "CREATE TABLE t_nulluk (a INT NULL, b VARCHAR(10), c FLOAT, d DOUBLE, UNIQUE KEY ua (a)) DEFAULT CHARSET utf8mb4";
// A composite NOT NULL unique key is the handle key.
const char* const kNotNullUnique =
    "CREATE TABLE t_uk (a INT NOT NULL, b VARCHAR(10) NOT NULL, c DOUBLE, UNIQUE KEY ub (b, a)) DEFAULT CHARSET utf8mb4";

std::vector<std::string> Workload(const std::string& db) {
  std::vector<std::string> sql;
  // One statement of several rows (one rows event) and single-row ones.
  sql.push_back(fmt::format("INSERT INTO {}.t_all ({}) VALUES {},{},{}", db, kAllTypesColumns, kAllTypesRows[0],
                            kAllTypesRows[1], kAllTypesRows[2]));
  sql.push_back(fmt::format("INSERT INTO {}.t_all ({}) VALUES {}", db, kAllTypesColumns, kAllTypesRows[3]));
  sql.push_back(fmt::format("INSERT INTO {}.t_all ({}) VALUES {}", db, kAllTypesColumns, kAllTypesRows[4]));
  for (const char* row : kNoKeyRows) sql.push_back(fmt::format("INSERT INTO {}.t_nokey VALUES {}", db, row));
  sql.push_back(fmt::format("INSERT INTO {}.t_nulluk VALUES (1, 'x', 0.1, 0.1), (NULL, 'y', 1.1, NULL), "
                            "(NULL, 'y', 1.1, NULL), (2, NULL, -0e0, 5e-324)", db));
  sql.push_back(fmt::format("INSERT INTO {}.t_uk VALUES (1, 'x', 1e300), (2, 'y', NULL), (3, 'Z ', -0e0)", db));

  sql.push_back(fmt::format("UPDATE {}.t_all SET c_i = 42, c_vc = 'upd', c_date = '2024-02-29', c_set = 'y', "
                            "c_bin = X'FF', c_f = 1.5, c_inet6 = '::2' WHERE id = 1", db));
  sql.push_back(fmt::format("UPDATE {}.t_all SET id = 10, c_text = CONCAT(c_text, '''') WHERE id = 2", db));
  sql.push_back(fmt::format("UPDATE {}.t_all SET c_d = 2.2250738585072009e-308, c_f = 3.4028235e38, "
                            "c_time = '-00:00:00.5' WHERE id = 4", db));
  sql.push_back(fmt::format("UPDATE {}.t_all SET c_ti = 1 WHERE id = 3", db));
  sql.push_back(fmt::format("DELETE FROM {}.t_all WHERE id = 5", db));
  sql.push_back(fmt::format("UPDATE {}.t_nokey SET c_vc = 'u' WHERE c_i = 2", db));
  sql.push_back(fmt::format("UPDATE {}.t_nokey SET c_f = 2.5, c_d = 0.5 WHERE c_i IN (3, 4)", db));
  sql.push_back(fmt::format("DELETE FROM {}.t_nokey WHERE c_i = 1 LIMIT 1", db));
  sql.push_back(fmt::format("UPDATE {}.t_nokey SET c_bit = 7 WHERE c_i = 1", db));
  sql.push_back(fmt::format("UPDATE {}.t_nulluk SET c = 0.3 WHERE a = 1", db));
  sql.push_back(fmt::format("UPDATE {}.t_nulluk SET b = 'z' WHERE a IS NULL LIMIT 1", db));
  sql.push_back(fmt::format("UPDATE {}.t_nulluk SET a = 3 WHERE a = 2", db));
  sql.push_back(fmt::format("DELETE FROM {}.t_nulluk WHERE b = 'y'", db));
  sql.push_back(fmt::format("UPDATE {}.t_uk SET b = 'w' WHERE a = 1", db));
  sql.push_back(fmt::format("DELETE FROM {}.t_uk WHERE a = 2", db));
  return sql;
}

mysql::ConnectionOptions UpstreamSession() {
  mysql::ConnectionOptions o = SharedOptions("UPSTREAM");
  o.session_variables["time_zone"] = "'+00:00'";
  o.session_variables["sql_mode"] = "''";  // zero dates, clamped FLOAT
  return o;
}

// How the syncer opens target sessions: bytes as they are, UTC, the
// upstream's sql_mode.
mysql::ConnectionOptions DownstreamSession() {
  mysql::ConnectionOptions o = SharedOptions("DOWNSTREAM");
  o.charset = "binary";
  o.session_variables["time_zone"] = "'+00:00'";
  o.session_variables["sql_mode"] = "''";
  return o;
}

// Test-only stand-in for the schema tracker: the table's definition from
// the upstream's information_schema.
Result<TrackedTable> ReadTrackedTable(mysql::Connection& conn, const std::string& db, const std::string& table) {
  TrackedTable t;
  t.name = {db, table};
  DM_ASSIGN_OR_RETURN(auto cols, conn.QueryRows(fmt::format(
      "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, co.ID, c.EXTRA, c.CHARACTER_OCTET_LENGTH "
      "FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co "
      "ON co.COLLATION_NAME = c.COLLATION_NAME WHERE c.TABLE_SCHEMA = '{}' AND c.TABLE_NAME = '{}' "
      "ORDER BY c.ORDINAL_POSITION",
      db, table)));
  for (const auto& row : cols) {
    TrackedColumn c;
    c.name = row[0].value_or("");
    c.data_type = row[1].value_or("");
    c.column_type = row[2].value_or("");
    c.nullable = row[3].value_or("") == "YES";
    c.is_unsigned = c.column_type.find(" unsigned") != std::string::npos;
    const bool binary_string = row[6].has_value() || c.data_type == "inet4" || c.data_type == "inet6" ||
                               c.data_type == "uuid";
    c.collation_id = row[4] ? static_cast<uint32_t>(std::stoul(*row[4])) : binary_string ? 63 : 0;
    c.generated = row[5].value_or("").find("GENERATED") != std::string::npos;
    if (c.data_type == "enum" || c.data_type == "set") {
      // enum('a','b','it''s')
      std::string item;
      bool in_quote = false;
      for (size_t i = c.column_type.find('(') + 1; i < c.column_type.size(); ++i) {
        const char ch = c.column_type[i];
        if (in_quote && ch == '\'' && i + 1 < c.column_type.size() && c.column_type[i + 1] == '\'') {
          item += '\'';
          ++i;
        } else if (in_quote && ch == '\'') {
          in_quote = false;
          c.elements.push_back(std::move(item));
          item.clear();
        } else if (in_quote) {
          item += ch;
        } else if (ch == '\'') {
          in_quote = true;
        }
      }
    }
    t.columns.push_back(std::move(c));
  }
  DM_ASSIGN_OR_RETURN(auto stats, conn.QueryRows(fmt::format(
      "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS "
      "WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{}' "
      "ORDER BY INDEX_NAME = 'PRIMARY' DESC, NON_UNIQUE, INDEX_NAME, SEQ_IN_INDEX",
      db, table)));
  for (const auto& row : stats) {
    const std::string name = row[0].value_or("");
    if (t.keys.empty() || t.keys.back().name != name) {
      TrackedKey k;
      k.name = name;
      k.primary = name == "PRIMARY";
      k.unique = row[1].value_or("1") == "0";
      k.all_not_null = true;
      t.keys.push_back(std::move(k));
    }
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name == row[2].value_or("")) {
        t.keys.back().columns.push_back(i);
        if (t.columns[i].nullable) t.keys.back().all_not_null = false;
      }
    }
  }
  return t;
}

Result<binlog::Position> MasterPosition(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW MASTER STATUS"));
  if (rows.empty() || !rows[0][0] || !rows[0][1]) return Status::Internal("SHOW MASTER STATUS returned nothing");
  return binlog::Position{*rows[0][0], std::stoull(*rows[0][1])};
}

struct ReplayStats {
  int inserts = 0, updates = 0, deletes = 0, statements = 0;
};

// Reads `source` (up to `end` when given, else to its end) and applies every
// row change of the upstream schema `source_db` to the table of the same name
// in `db` downstream through TableDml, with the definition `db`'s table has
// upstream. Events are read through TransactionPayloadSource, as the syncer
// reads them. Non-safe mode merges the inserts of a multi-row event into one
// statement (multiple-rows) and checks that each UPDATE and DELETE touches
// exactly one row. With `keyed_only`, tables without a handle key are skipped.
void ReplaySource(binlog::BinlogSource& source, binlog::FormatDescription format,
                  const std::optional<binlog::Position>& end, const std::string& source_db, const std::string& db,
                  bool safe_mode, bool keyed_only, ReplayStats* stats) {
  auto up = mysql::Connection::Connect(UpstreamSession());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  auto down = mysql::Connection::Connect(DownstreamSession());
  ASSERT_TRUE(down.ok()) << down.status().ToString();
  auto names = down->QueryValue("SELECT @@character_set_client");
  ASSERT_TRUE(names.ok() && *names);
  ASSERT_EQ(**names, "binary");

  binlog::TransactionPayloadSource events(source);
  binlog::TableMapCache cache;
  std::map<uint64_t, std::unique_ptr<TableDml>> dml;  // by table id
  std::string scratch;
  std::vector<binlog::Value> before, after;
  std::vector<std::string> statements;
  std::vector<uint64_t> keys;
  binlog::RawEvent e;
  auto apply = [&](const std::string& sql, bool expect_one_row) {
    Status s = down->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\nin: " << sql.substr(0, 2000);
    ++stats->statements;
    if (expect_one_row) {
      EXPECT_EQ(down->affected_rows(), 1u) << sql.substr(0, 2000);
    }
  };
  while (!end || binlog::ComparePositions(binlog::Position{events.file_name(), events.position()}, *end) < 0) {
    auto more = events.Next(&e);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) {
      ASSERT_FALSE(end) << "binlog ended before " << end->file << ":" << end->offset;
      break;
    }
    ASSERT_TRUE(binlog::VerifyChecksum(e, format).ok()) << e.position;
    if (e.header.type == binlog::EventType::kFormatDescription) {
      auto f = binlog::DecodeFormatDescription(e);
      ASSERT_TRUE(f.ok()) << f.status().ToString();
      format = *f;
    } else if (e.header.type == binlog::EventType::kTableMap) {
      bool fresh = false;
      auto m = cache.Update(e, format, &fresh);
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      if (!fresh || (*m)->schema != source_db) continue;
      auto table = ReadTrackedTable(*up, db, (*m)->table);
      ASSERT_TRUE(table.ok()) << table.status().ToString();
      ASSERT_TRUE(binlog::ApplySchema(table->ToBinlogSchema(), *m).ok());
      auto d = TableDml::Make(*table, **m, mysql::QualifiedName(db, (*m)->table));
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      if (keyed_only && table->HandleKey() == nullptr) {
        dml.erase((*m)->table_id);
      } else {
        dml[(*m)->table_id] = std::make_unique<TableDml>(std::move(*d));
      }
    } else if (auto traits = binlog::GetRowsEventTraits(e.header.type)) {
      auto rows = binlog::DecodeRowsEvent(e, format, &scratch);
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      const binlog::TableMap* map = cache.Find(rows->table_id);
      if (map == nullptr || map->schema != source_db) continue;
      auto it = dml.find(rows->table_id);
      if (it == dml.end()) continue;  // skipped (keyed_only)
      const TableDml& d = *it->second;
      before.assign(map->columns.size(), {});
      after.assign(map->columns.size(), {});
      binlog::RowsReader reader(*rows, *map);
      std::string merged;
      while (reader.HasNext()) {
        ASSERT_TRUE(reader.Next(before, after).ok()) << reader.status().ToString();
        statements.clear();
        keys.clear();
        switch (traits->kind) {
          case binlog::RowsKind::kWrite:
            ++stats->inserts;
            d.CausalityKeys(after, &keys);
            if (!safe_mode) {
              merged += merged.empty() ? d.InsertPrefix(false) : ",";
              ASSERT_TRUE(d.InsertTuple(after, &merged).ok());
              break;
            }
            ASSERT_TRUE(d.Insert(after, safe_mode, &statements).ok());
            break;
          case binlog::RowsKind::kUpdate:
            ++stats->updates;
            d.CausalityKeys(before, &keys);
            d.CausalityKeys(after, &keys);
            ASSERT_TRUE(d.Update(before, after, safe_mode, &statements).ok());
            break;
          case binlog::RowsKind::kDelete:
            ++stats->deletes;
            d.CausalityKeys(before, &keys);
            ASSERT_TRUE(d.Delete(before, &statements).ok());
            break;
        }
        EXPECT_FALSE(keys.empty());
        for (const std::string& sql : statements) {
          apply(sql, !safe_mode && traits->kind != binlog::RowsKind::kWrite);
        }
      }
      ASSERT_TRUE(reader.status().ok()) << reader.status().ToString();
      if (!merged.empty()) apply(merged, false);
    }
  }
}

// Streams the upstream binlog from `start` to `end` and replays the row
// changes of `db` (ReplaySource).
void Replay(const std::string& db, const binlog::Position& start, const binlog::Position& end, bool safe_mode,
            bool keyed_only, ReplayStats* stats) {
  binlog::SocketBinlogSourceOptions options;
  options.connection = SharedOptions("UPSTREAM");
  options.non_blocking = true;
  options.start = start;
  auto source = binlog::SocketBinlogSource::Open(options);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  binlog::FormatDescription format;
  format.checksum = (*source)->checksum();
  ReplaySource(**source, format, end, db, db, safe_mode, keyed_only, stats);
}

int CountRows(const std::string& db, const std::string& table) {
  auto conn = mysql::Connection::Connect(SharedOptions("DOWNSTREAM"));
  if (!conn.ok()) return -1;
  auto v = conn->QueryValue(fmt::format("SELECT COUNT(*) FROM {}.{}", db, table));
  return v.ok() && *v ? std::stoi(**v) : -1;
}

// Writes the workload upstream, replays it downstream `passes` times and
// compares with dm-diff.
void RoundTrip(bool safe_mode, int passes) {
  const std::string db = UniqueDbName(safe_mode ? "dml_safe" : "dml");
  const std::vector<std::string> ddl = {kAllTypes, kNoKey, kNullableUnique, kNotNullUnique};
  for (const mysql::ConnectionOptions& o : {UpstreamSession(), DownstreamSession()}) {
    auto conn = mysql::Connection::Connect(o);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(conn->Execute(fmt::format("CREATE DATABASE {}", db)).ok());
    ASSERT_TRUE(conn->Execute(fmt::format("USE {}", db)).ok());
    for (const std::string& d : ddl) {
      Status s = conn->Execute(d);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }
  auto up = mysql::Connection::Connect(UpstreamSession());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  auto start = MasterPosition(*up);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  for (const std::string& sql : Workload(db)) {
    Status s = up->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\nin: " << sql;
  }
  auto end = MasterPosition(*up);
  ASSERT_TRUE(end.ok());

  for (int pass = 0; pass < passes; ++pass) {
    ReplayStats stats;
    const bool keyed_only = pass > 0;
    Replay(db, *start, *end, safe_mode, keyed_only, &stats);
    if (::testing::Test::HasFatalFailure()) return;
    // Inserts 5 t_all + 5 t_nokey + 4 t_nulluk + 3 t_uk; updates 4 t_all
    // (one changes the key) + 4 t_nokey + 3 t_nulluk + 1 t_uk; deletes one
    // per table.
    EXPECT_EQ(stats.inserts, keyed_only ? 8 : 17);
    EXPECT_EQ(stats.updates, keyed_only ? 5 : 12);
    EXPECT_EQ(stats.deletes, keyed_only ? 2 : 4);
  }
  // Not trivially equal: rows of every table arrived.
  EXPECT_EQ(CountRows(db, "t_all"), 4);
  EXPECT_EQ(CountRows(db, "t_nokey"), 4);
  EXPECT_EQ(CountRows(db, "t_nulluk"), 3);
  EXPECT_EQ(CountRows(db, "t_uk"), 2);
  EXPECT_EQ(DmDiff(db), 0) << "dm-diff found differences in " << db;
  // The downstream is left for inspection when the comparison fails.
  if (!::testing::Test::HasFailure()) {
    Exec(UpstreamSession(), {fmt::format("DROP DATABASE {}", db)});
    Exec(DownstreamSession(), {fmt::format("DROP DATABASE {}", db)});
  }
}

TEST(TableDmlIntegrationTest, EveryTypeThroughInsertUpdateDeleteMatchesUpstream) {
  RoundTrip(/*safe_mode=*/false, /*passes=*/1);
}

// Safe mode makes replays idempotent where a handle key identifies rows:
// the events are applied twice. Tables without one get the second pass
// skipped: REPLACE is a plain INSERT there (DESIGN.md §3: such rows need
// progress committed with them instead).
TEST(TableDmlIntegrationTest, SafeModeReplayedTwiceMatchesUpstream) {
  RoundTrip(/*safe_mode=*/true, /*passes=*/2);
}

// MySQL 8.0's compressed transaction of tests/data/binlog/mysql/
// vitess_transaction_payload.binlog, opened by TransactionPayloadSource as
// the syncer opens it, turned into statements by TableDml and applied to an
// empty `customer` downstream; the upstream holds the two rows vitess's test
// asserts, and dm-diff compares both sides row by row.
TEST(TableDmlIntegrationTest, CompressedMysql80TransactionMatchesTheRowsItHolds) {
  const std::string db = UniqueDbName("dml_payload");
  for (const mysql::ConnectionOptions& o : {UpstreamSession(), DownstreamSession()}) {
    Exec(o,
         {fmt::format("CREATE DATABASE {}", db),
          fmt::format("CREATE TABLE {}.customer (customer_id BIGINT NOT NULL PRIMARY KEY, email VARBINARY(128))", db)});
  }
  Exec(UpstreamSession(), {fmt::format("INSERT INTO {}.customer VALUES (1, 'mlord@planetscale.com'), "
                                       "(2, 'sup@planetscale.com')",
                                       db)});
  auto file = binlog::FileBinlogSource::Open(testutil::SourceDir() +
                                             "/tests/data/binlog/mysql/vitess_transaction_payload.binlog");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ReplayStats stats;
  ReplaySource(**file, {}, std::nullopt, "vt_commerce", db, /*safe_mode=*/false, /*keyed_only=*/false, &stats);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(stats.inserts, 2);
  EXPECT_EQ(stats.statements, 1);  // one multi-row INSERT
  EXPECT_EQ(CountRows(db, "customer"), 2);
  EXPECT_EQ(DmDiff(db), 0) << "dm-diff found differences in " << db;
  if (!::testing::Test::HasFailure()) {
    Exec(UpstreamSession(), {fmt::format("DROP DATABASE {}", db)});
    Exec(DownstreamSession(), {fmt::format("DROP DATABASE {}", db)});
  }
}

}  // namespace
}  // namespace dm::sync
