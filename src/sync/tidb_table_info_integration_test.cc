// DM's TiDB TableInfo against the real MariaDB pair:
// - the CREATE TABLE made of a table of every type is accepted by the schema
//   tracker and gives the same tracked facts as the same table created by
//   hand on the upstream;
// - a syncer resuming from a checkpoint table written by DM (a global row and
//   per-table rows whose table_info is TiDB's JSON, inserted by SQL as DM
//   writes them) decodes the rows after the checkpoint with those
//   definitions, although the target's table has an extra trailing column
//   (decoded against the target's table, the rows event would not fit); a
//   row whose JSON cannot be converted falls back to the target's table.
//   The tables are then compared row by row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "mysql/integration_test_util.h"
#include "mysql/master_status.h"
#include "sync/schema_tracker.h"
#include "sync/syncer.h"
#include "sync/tidb_table_info.h"
#include "sync/tidb_table_info_test_data.h"
#include "sync/tracked_table_test_util.h"

namespace dm::sync {
namespace {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

void Exec(mysql::Connection& conn, const std::string& sql) {
  Status s = conn.Execute(sql);
  ASSERT_TRUE(s.ok()) << s.ToString() << "\nin: " << sql;
}

std::vector<mysql::Row> Rows(mysql::Connection& conn, const std::string& sql) {
  auto rows = conn.QueryRows(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\nin: " << sql;
  return rows.ok() ? *rows : std::vector<mysql::Row>{};
}

// The table kTiDbAllTypes describes, as a user would create it (MariaDB has
// no expression index; the column being added is not there yet).
constexpr const char* kAllTypesByHand = R"(CREATE TABLE ref (
  id BIGINT PRIMARY KEY, c_ti TINYINT, c_ti_u TINYINT UNSIGNED, c_si_z SMALLINT UNSIGNED ZEROFILL, c_mi MEDIUMINT,
  c_i_u INT UNSIGNED NOT NULL, c_bi_u BIGINT UNSIGNED, c_dec DECIMAL(20,6), c_f FLOAT, c_d DOUBLE UNSIGNED,
  c_f2 FLOAT(7,3), c_bit BIT(13), c_year YEAR, c_date DATE, c_time TIME(3), c_dt DATETIME(6), c_dt0 DATETIME,
  c_ts TIMESTAMP(6) NULL, c_char CHAR(10), c_bin BINARY(8), c_vc VARCHAR(300) CHARACTER SET latin1 NOT NULL,
  c_vb VARBINARY(20), c_tt TINYTEXT COLLATE utf8mb4_general_ci, c_text TEXT, c_mb MEDIUMBLOB, c_lt LONGTEXT,
  c_blob BLOB, c_enum ENUM('a','it''s','ü','back\\slash'), c_set SET('x','y'), c_json JSON, c_geo GEOMETRY,
  c_gen BIGINT AS (c_i_u + 1) VIRTUAL, c_gen_s DECIMAL(22,6) AS (c_dec * 2) STORED,
  UNIQUE KEY uk_vc (c_vc(100), c_ti), KEY k_text (c_text(10))
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_bin)";

TEST(TiDbTableInfoIntegrationTest, EveryTypeIsTrackedAsTheSameTableCreatedByHand) {
  const std::string db = UniqueDbName("tidbinfo_types");
  auto connected = mysql::Connection::Connect(SharedOptions("UPSTREAM"));
  ASSERT_TRUE(connected.ok()) << connected.status().ToString();
  mysql::Connection& up = *connected;
  Exec(up, "CREATE DATABASE `" + db + "`");
  Exec(up, "USE `" + db + "`");
  Exec(up, kAllTypesByHand);

  SchemaTracker::Options options;
  options.server = SharedOptions("DOWNSTREAM");
  options.scratch_prefix = fmt::format("_dmt_tidb_{:x}", getpid());
  auto tracker = SchemaTracker::Open(options);
  ASSERT_TRUE(tracker.ok()) << tracker.status().ToString();
  auto sql = TiDbTableInfoToCreateTable(testing::kTiDbAllTypes);
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  Status seeded = (*tracker)->SeedTable({db, "t_all"}, *sql);
  EXPECT_TRUE(seeded.ok()) << seeded.ToString();
  Status reference = (*tracker)->SeedFromUpstream(up, {db, "ref"});
  EXPECT_TRUE(reference.ok()) << reference.ToString();
  const TrackedTable* converted = (*tracker)->Find({db, "t_all"});
  const TrackedTable* by_hand = (*tracker)->Find({db, "ref"});
  ASSERT_NE(converted, nullptr);
  ASSERT_NE(by_hand, nullptr);
  EXPECT_EQ(testing::Describe(*converted), testing::Describe(*by_hand));
  EXPECT_EQ(converted->columns.size(), 33u);

  EXPECT_TRUE((*tracker)->Reset().ok());
  Exec(up, "DROP DATABASE `" + db + "`");
}

// DM's syncer checkpoint table (DM v2's CREATE TABLE) and its rows.
std::string DmCheckpointTable(const std::string& table) {
  return "CREATE TABLE " + table +
         " (id VARCHAR(32) NOT NULL, cp_schema VARCHAR(128) NOT NULL, cp_table VARCHAR(128) NOT NULL,"
         " binlog_name VARCHAR(128), binlog_pos INT UNSIGNED, binlog_gtid TEXT,"
         " exit_safe_binlog_name VARCHAR(128) DEFAULT '', exit_safe_binlog_pos INT UNSIGNED DEFAULT 0,"
         " exit_safe_binlog_gtid TEXT, table_info JSON NOT NULL, is_global BOOLEAN,"
         " create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,"
         " update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
         " UNIQUE KEY uk_id_schema_table (id, cp_schema, cp_table))";
}

// TiDB's TableInfo of `t_sync` (id INT primary handle, u INT UNSIGNED,
// s VARCHAR(20) utf8mb4, d DECIMAL(10,2)) as DM's schema tracker saves it.
std::string TiDbSyncTable(int u_type_code) {
  return fmt::format(
      R"j({{"id": 90, "name": {{"O": "t_sync", "L": "t_sync"}}, "charset": "utf8mb4", "collate": "utf8mb4_general_ci",
 "cols": [
  {{"id": 1, "name": {{"O": "id", "L": "id"}}, "offset": 0, "origin_default": null, "default": null,
   "generated_expr_string": "", "generated_stored": false, "dependences": null,
   "type": {{"Tp": 3, "Flag": 4099, "Flen": 11, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null}},
   "state": 5, "comment": "", "hidden": false, "change_state_info": null, "version": 2}},
  {{"id": 2, "name": {{"O": "u", "L": "u"}}, "offset": 1, "default": null, "generated_expr_string": "",
   "type": {{"Tp": {}, "Flag": 32, "Flen": 10, "Decimal": 0, "Charset": "binary", "Collate": "binary", "Elems": null}},
   "state": 5, "comment": "", "hidden": false, "version": 2}},
  {{"id": 3, "name": {{"O": "s", "L": "s"}}, "offset": 2, "default": null, "generated_expr_string": "",
   "type": {{"Tp": 15, "Flag": 0, "Flen": 20, "Decimal": 0, "Charset": "utf8mb4", "Collate": "utf8mb4_general_ci",
   "Elems": null}}, "state": 5, "comment": "", "hidden": false, "version": 2}},
  {{"id": 4, "name": {{"O": "d", "L": "d"}}, "offset": 3, "default": null, "generated_expr_string": "",
   "type": {{"Tp": 246, "Flag": 0, "Flen": 10, "Decimal": 2, "Charset": "binary", "Collate": "binary", "Elems": null}},
   "state": 5, "comment": "", "hidden": false, "version": 2}}
 ],
 "index_info": null, "constraint_info": null, "fk_info": null, "state": 5, "pk_is_handle": true,
 "is_common_handle": false, "common_handle_version": 0, "comment": "", "auto_inc_id": 0, "max_col_id": 4,
 "max_idx_id": 0, "update_timestamp": 445395817286893571, "partition": null, "version": 5}})j",
      u_type_code);
}

TEST(TiDbTableInfoIntegrationTest, SyncResumesFromADmCheckpointWithTheSavedDefinitions) {
  const std::string db = UniqueDbName("tidbinfo_sync");
  const std::string meta = db + "_meta";
  const std::string source_id = "src-1";
  const std::string checkpoint = "`" + meta + "`.`" + db + "_syncer_checkpoint`";
  auto up_connected = mysql::Connection::Connect(SharedOptions("UPSTREAM"));
  ASSERT_TRUE(up_connected.ok()) << up_connected.status().ToString();
  auto down_connected = mysql::Connection::Connect(SharedOptions("DOWNSTREAM"));
  ASSERT_TRUE(down_connected.ok()) << down_connected.status().ToString();
  mysql::Connection& up = *up_connected;
  mysql::Connection& down = *down_connected;

  // Two tables as DM left them: t_sync's target has a trailing column the
  // upstream does not have (a target-only audit column), t_fallback's is the
  // upstream's. Rows before the checkpoint are on both sides.
  const std::string upstream_table = "(id INT PRIMARY KEY, u INT UNSIGNED, s VARCHAR(20), d DECIMAL(10,2))";
  for (mysql::Connection* conn : {&up, &down}) {
    Exec(*conn, "CREATE DATABASE `" + db + "` DEFAULT CHARSET utf8mb4");
    Exec(*conn, "USE `" + db + "`");
    Exec(*conn, "CREATE TABLE t_fallback " + upstream_table);
  }
  Exec(up, "CREATE TABLE t_sync " + upstream_table);
  Exec(down,
       "CREATE TABLE t_sync (id INT PRIMARY KEY, u INT UNSIGNED, s VARCHAR(20), d DECIMAL(10,2), "
       "note VARCHAR(10) NOT NULL DEFAULT 'target')");
  for (mysql::Connection* conn : {&up, &down}) {
    Exec(*conn, "INSERT INTO t_sync (id, u, s, d) VALUES (1, 1, 'one', 1.50), (2, 2, 'two', 2.25)");
    Exec(*conn, "INSERT INTO t_fallback VALUES (1, 1, 'one', 1.00)");
  }
  auto master = mysql::ReadMasterStatus(up);
  ASSERT_TRUE(master.ok()) << master.status().ToString();

  // DM's checkpoint at that position: the global row (table_info null, as
  // DM marshals a nil table info) and one row per table; t_fallback's JSON
  // has a type code no MySQL type has, so it cannot be converted.
  Exec(down, "CREATE DATABASE `" + meta + "`");
  Exec(down, DmCheckpointTable(checkpoint));
  auto row = [&](const std::string& table, const std::string& info, int global) {
    return fmt::format(
        "INSERT INTO {} (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, exit_safe_binlog_name, "
        "exit_safe_binlog_pos, exit_safe_binlog_gtid, table_info, is_global) VALUES ('{}', '{}', '{}', '{}', {}, '', "
        "'', 0, '', {}, {})",
        checkpoint, source_id, global ? "" : db, table, master->file, master->position, mysql::QuoteString(info),
        global);
  };
  Exec(down, row("", "null", 1));
  Exec(down, row("t_sync", TiDbSyncTable(3), 0));
  Exec(down, row("t_fallback", TiDbSyncTable(225), 0));

  // After the checkpoint: changes the syncer must decode. 4294967295 only
  // decodes right as INT UNSIGNED.
  Exec(up, "INSERT INTO t_sync VALUES (3, 4294967295, 'drei', 3.75), (4, 4, 'vier', -4.00)");
  Exec(up, "UPDATE t_sync SET s = 'one!', u = 4294967294 WHERE id = 1");
  Exec(up, "DELETE FROM t_sync WHERE id = 2");
  Exec(up, "INSERT INTO t_fallback VALUES (2, 2, 'two', 2.00)");

  SyncerOptions options;
  options.task = db;
  options.source_id = source_id;
  options.meta_schema = meta;
  options.upstream = SharedOptions("UPSTREAM");
  options.target = SharedOptions("DOWNSTREAM");
  config::BlockAllowList only_db;
  only_db.do_dbs = {db};
  options.block_allow_list = only_db;
  options.exit_when_synced = true;
  Syncer syncer(std::move(options));
  std::promise<Status> done;
  std::future<Status> result = done.get_future();
  std::jthread runner([&](std::stop_token stop) { done.set_value(syncer.Run(stop)); });
  if (result.wait_for(std::chrono::seconds(90)) != std::future_status::ready) {
    runner.request_stop();
    ADD_FAILURE() << "the syncer did not exit when synced within 90 s";
  }
  Status run = result.get();
  EXPECT_TRUE(run.ok()) << run.ToString();

  const std::string columns = "SELECT id, u, s, d FROM `" + db + "`.";
  for (const char* table : {"t_sync", "t_fallback"}) {
    SCOPED_TRACE(table);
    const std::string query = columns + table + " ORDER BY id";
    const std::vector<mysql::Row> upstream = Rows(up, query), target = Rows(down, query);
    EXPECT_EQ(upstream.size(), std::string(table) == "t_sync" ? 3u : 2u);
    EXPECT_EQ(target, upstream);
  }
  for (const mysql::Row& r : Rows(down, "SELECT note FROM `" + db + "`.t_sync")) EXPECT_EQ(r[0], "target");
  // The next flush rewrote the converted definition in dm's form.
  auto info = down.QueryValue("SELECT table_info FROM " + checkpoint + " WHERE cp_table = 't_sync'");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_TRUE(info->has_value());
  EXPECT_NE((*info)->find("\"create_table\""), std::string::npos) << **info;

  SchemaTracker::Options tracker_options;
  tracker_options.server = SharedOptions("DOWNSTREAM");
  tracker_options.scratch_prefix = fmt::format("_dm_tracker_{:08x}", Fnv1a64(db + '\0' + source_id) & 0xffffffffu);
  auto tracker = SchemaTracker::Open(tracker_options);
  ASSERT_TRUE(tracker.ok()) << tracker.status().ToString();
  EXPECT_TRUE((*tracker)->Reset().ok());
  Exec(up, "DROP DATABASE `" + db + "`");
  Exec(down, "DROP DATABASE `" + db + "`");
  Exec(down, "DROP DATABASE `" + meta + "`");
}

}  // namespace
}  // namespace dm::sync
