// End-to-end tests of the load unit against the shared MariaDB pair: real
// mydumper dumps, dm-diff for equality, kill -9 of a loader process.
#include <gtest/gtest.h>
#include <signal.h>
#include <zlib.h>
#include <zstd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "load/load_test_util.h"
#include "load/loader.h"

namespace dm::load {
namespace {

using namespace dm::load::testing;  // NOLINT: test helpers

class LoadIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    up_ = SharedOptions("UPSTREAM");
    down_ = SharedOptions("DOWNSTREAM");
    meta_ = UniqueDbName("meta");
  }
  void TearDown() override {
    for (const std::string& db : dbs_) {
      Exec(up_, {"DROP DATABASE IF EXISTS `" + db + "`"});
      Exec(down_, {"DROP DATABASE IF EXISTS `" + db + "`"});
    }
    Exec(down_, {"DROP DATABASE IF EXISTS `" + meta_ + "`"});
  }
  std::string NewDb(const std::string& tag) {
    dbs_.push_back(UniqueDbName(tag));
    return dbs_.back();
  }
  // Loads `dir` and expects `db`.t to hold the HEX(v) values `hex` in id
  // order, with every checkpoint row done.
  void LoadAndExpect(const std::string& dir, const std::string& db, const std::vector<std::string>& hex) {
    std::stop_source stop;
    auto result = RunLoad(TargetLoadOptions(dir, meta_), stop.get_token(), nullptr);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    auto rows = Query(down_, "SELECT HEX(v) FROM `" + db + "`.t ORDER BY id");
    ASSERT_EQ(rows.size(), hex.size());
    for (size_t i = 0; i < hex.size(); ++i) EXPECT_EQ(rows[i][0], hex[i]);
    for (const auto& row : Checkpoint()) EXPECT_EQ(row[1], row[2]) << *row[0];
  }
  std::vector<mysql::Row> Checkpoint() {
    return Query(down_, "SELECT filename, `offset`, end_pos FROM `" + meta_ +
                            "`.`loadtest_loader_checkpoint` ORDER BY filename");
  }

  mysql::ConnectionOptions up_;
  mysql::ConnectionOptions down_;
  std::string meta_;
  std::vector<std::string> dbs_;
  testutil::TempDir tmp_;
};

std::string AllBytes() {
  std::string out;
  for (int i = 0; i < 256; ++i) out.push_back(static_cast<char>(i));
  return out;
}

uint64_t LoadDataStatementsRun(const mysql::ConnectionOptions& server) {
  auto rows = Query(server, "SHOW GLOBAL STATUS LIKE 'Com_load'");
  return rows.empty() ? 0 : std::stoull(rows[0][1].value_or("0"));
}

class EveryTypeLoadTest : public LoadIntegrationTest, public ::testing::WithParamInterface<bool> {};

// Once with the LOAD DATA fast path (the default), once with INSERTs only.
TEST_P(EveryTypeLoadTest, MydumperDumpOfEveryTypeLoadsByteExact) {
  const bool load_data = GetParam();
  std::string db = NewDb("types");
  std::string q = "`" + db + "`.";
  Exec(
      up_,
      {
          "CREATE DATABASE `" + db + "` DEFAULT CHARACTER SET utf8mb4",
          "USE `" + db + "`",  // the sequence engine's seq_* tables need a current database
          "CREATE TABLE " + q +
              "types (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT,"
              " mi MEDIUMINT UNSIGNED, i INT, bi BIGINT, bu BIGINT UNSIGNED, d DECIMAL(30,10), f FLOAT, db DOUBLE,"
              " bt BIT(17), dt DATE, tm TIME(3), dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, y YEAR,"
              " c CHAR(10), vc VARCHAR(100), lat VARCHAR(50) CHARACTER SET latin1, bn BINARY(4), vb VARBINARY(300),"
              " tx TEXT, bl BLOB, lb LONGBLOB, e ENUM('a','b','\xC3\xBC'), st SET('x','y','z'), j JSON)",
          "INSERT INTO " + q +
              "types VALUES (1, -128, 255, -32768, 16777215, -2147483648, -9223372036854775808,"
              " 18446744073709551615, -12345678901234567890.0123456789, 1.5, -1.7976931348623157e308, "
              "b'10101010101010101',"
              " '1000-01-01', '-838:59:59.999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', 1901,"
              " 'a', 'quote''s \"dq\" \\\\ back;semi\\nnl\\r\\0z', 'caf\xC3\xA9', x'00FF2700', x'" +
              mysql::HexEncode(AllBytes()) + "', 'text ; with ;; semis -- not a comment /* nor this */ # nor', x'" +
              mysql::HexEncode(AllBytes()) +
              "', REPEAT(x'00275C3B0A', 40000), '\xC3\xBC', 'x,z', '{\"k\": [1, \"two\"]}')",
          "INSERT INTO " + q +
              "types VALUES (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'0', '0000-00-00', '00:00:00',"
              " '0000-00-00 00:00:00', '1970-01-01 00:00:01', 0, '', '', '', x'', x'', '', x'', x'', 'a', '', '[]')",
          "INSERT INTO " + q + "types (id) VALUES (3)",
          // Every type the LOAD DATA path takes (not BIT, YEAR, JSON), with the same edge values.
          "CREATE TABLE " + q + "loadable (PRIMARY KEY (id)) SELECT id, ti, tu, si, mi, i, bi, bu, d, f, db, dt, tm,"
              " dtm, ts, c, vc, lat, bn, vb, tx, bl, lb, e, st FROM " + q + "types",
          "CREATE TABLE " + q + "many (id INT PRIMARY KEY, h CHAR(32), n BIGINT, t VARCHAR(64))",
          "INSERT INTO " + q + "many SELECT seq, MD5(seq), seq * 7919, CONCAT('row ''', seq, ''';') FROM seq_1_to_5000",
          "CREATE TABLE " + q + "nopk (a INT, b VARCHAR(10))",
          "INSERT INTO " + q + "nopk VALUES (1,'dup'),(1,'dup'),(NULL,NULL)",
          "CREATE TABLE " + q + "empty_t (id INT PRIMARY KEY)",
          "CREATE TABLE " + q + "ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
          "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')",
      });
  Exec(up_, {"SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')",
             "INSERT INTO " + q + "ai VALUES (0, 10), (5, 50)",
             "CREATE VIEW " + q + "v AS SELECT id, h FROM " + q + "many WHERE id < 10"});
  std::string dir = tmp_.path() + "/dump";
  ASSERT_EQ(Mydumper(db, dir), 0);

  LoadOptions options = TargetLoadOptions(dir, meta_);
  options.load_data = load_data;
  Progress progress;
  std::stop_source stop;
  const uint64_t load_data_before = LoadDataStatementsRun(down_);
  auto result = RunLoad(options, stop.get_token(), &progress);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // Other tests may load concurrently, so only the fast path's use is checked.
  if (load_data) {
    EXPECT_GT(LoadDataStatementsRun(down_), load_data_before);
  }
  EXPECT_FALSE(result->already_complete);
  EXPECT_EQ(result->tables_created, 6u);
  EXPECT_EQ(result->views_created, 1u);
  ASSERT_TRUE(result->metadata && result->metadata->master);
  EXPECT_FALSE(result->metadata->master->file.empty());

  LoadStatus status = progress.Snapshot();
  EXPECT_EQ(status.finished_bytes, status.total_bytes);
  EXPECT_GT(status.total_bytes, 0u);
  EXPECT_EQ(status.progress, "100.00 %");
  EXPECT_EQ(status.meta_binlog, result->metadata->master->ToString());

  EXPECT_EQ(DmDiff(db), 0);
  auto view = Query(down_, "SELECT COUNT(*) FROM " + q + "v");
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0][0], "9");
  for (const auto& row : Checkpoint()) EXPECT_EQ(row[1], row[2]) << *row[0];
}

INSTANTIATE_TEST_SUITE_P(Paths, EveryTypeLoadTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& path) {
                           return path.param ? "LoadData" : "InsertOnly";
                         });

// (b) + (c): a loader process killed with SIGKILL at random moments and
// restarted each time ends with exactly the upstream's rows; one more run is
// a no-op.
TEST_F(LoadIntegrationTest, KilledLoaderResumesWithoutDuplicatesOrGaps) {
  std::string db = NewDb("kill");
  std::string q = "`" + db + "`.";
  // A keyless table makes any duplicate visible to dm-diff (REPLACE cannot
  // hide it), a keyed one would fail or hide it depending on the mode.
  Exec(up_, {"CREATE DATABASE `" + db + "`", "USE `" + db + "`",
             "CREATE TABLE " + q + "big (id INT PRIMARY KEY, v VARCHAR(64), n BIGINT, b VARBINARY(16))",
             "INSERT INTO " + q +
                 "big SELECT seq, CONCAT('v;', seq, '''x'), seq * 31, UNHEX(MD5(seq))"
                 " FROM seq_1_to_150000",
             "CREATE TABLE " + q + "heap (a INT, s VARCHAR(40))",
             "INSERT INTO " + q + "heap SELECT seq % 1000, MD5(seq) FROM seq_1_to_60000"});
  std::string dir = tmp_.path() + "/dump";
  ASSERT_EQ(Mydumper(db, dir, "--statement-size 20000"), 0);

  auto down = SharedOptions("DOWNSTREAM");
  std::vector<std::string> argv = {testutil::BinDir() + "/dm_load_runner",
                                   "--port=" + std::to_string(down.port),
                                   "--user=" + down.user,
                                   "--password=" + down.password.reveal(),
                                   "--task=loadtest",
                                   "--source=mysql-replica-01",
                                   "--dir=" + dir,
                                   "--meta-schema=" + meta_,
                                   "--pool=2",
                                   "--txn-statements=1",
                                   "--on-duplicate=error"};
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  int kills = 0;
  bool finished = false;
  for (int round = 0; round < 5 && !finished; ++round) {
    pid_t pid = Spawn(argv);
    ASSERT_GT(pid, 0);
    auto delay = std::chrono::milliseconds(40 + rng() % 300);
    auto deadline = std::chrono::steady_clock::now() + delay;
    int wstatus = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &wstatus, WNOHANG) == pid) {
        finished = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (finished) {
      ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "loader failed before being killed";
      break;
    }
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    ++kills;
    auto cp = Query(down_, "SELECT COUNT(*), SUM(`offset` = end_pos), SUM(`offset`), SUM(end_pos) FROM `" + meta_ +
                               "`.`loadtest_loader_checkpoint`");
    if (!cp.empty()) {
      std::cerr << "killed after " << delay.count() << " ms: files " << cp[0][1].value_or("0") << "/"
                << cp[0][0].value_or("0") << " done, bytes " << cp[0][2].value_or("0") << "/" << cp[0][3].value_or("0")
                << "\n";
    }
  }
  EXPECT_GE(kills, 3) << "the load finished too fast for the kills to land";
  // Restart until done (each run must finish or fail cleanly).
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  ASSERT_EQ(Shell(cmd + ">&2"), 0);

  EXPECT_EQ(DmDiff(db), 0);
  auto rows = Checkpoint();
  EXPECT_GT(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_EQ(row[1], row[2]) << *row[0];

  // (c) a restart of a completed load touches nothing.
  auto before = Query(down_, "SELECT MAX(update_time), COUNT(*) FROM `" + meta_ + "`.`loadtest_loader_checkpoint`");
  LoadOptions options = TargetLoadOptions(dir, meta_);
  options.on_duplicate = config::OnDuplicateLogical::kError;
  std::stop_source stop;
  auto again = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_complete);
  EXPECT_EQ(again->bytes_loaded, 0u);
  EXPECT_EQ(Query(down_, "SELECT MAX(update_time), COUNT(*) FROM `" + meta_ + "`.`loadtest_loader_checkpoint`"),
            before);
  EXPECT_EQ(DmDiff(db), 0);
}

// (d) a statement the server rejects: the error names the file and byte
// offset, and the checkpoint stays right after the last good statement.
TEST_F(LoadIntegrationTest, MalformedStatementNamesFileAndOffsetAndKeepsGoodPrefix) {
  std::string db = NewDb("bad");
  std::string dir = tmp_.path() + "/dump";
  std::string good =
      "/*!40101 SET NAMES binary*/;\nINSERT INTO `t` VALUES (1,'a;');\nINSERT INTO `t` VALUES (2,'b');\n";
  std::string bad = "INSERT INTO `t` VALUES (3,'c';\n";
  std::string tail = "INSERT INTO `t` VALUES (4,'d');\n";
  tmp_.WriteFile("dump/" + db + "-schema-create.sql", "CREATE DATABASE `" + db + "`;\n");
  tmp_.WriteFile("dump/" + db + ".t-schema.sql", "CREATE TABLE `t` (id INT PRIMARY KEY, v VARCHAR(10));\n");
  std::string data_name = db + ".t.000000000.sql";
  tmp_.WriteFile("dump/" + data_name, good + bad + tail);
  LoadOptions options = TargetLoadOptions(dir, meta_);
  options.txn_max_statements = 100;  // the good statements share the bad one's transaction
  std::stop_source stop;
  auto result = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_FALSE(result.ok());
  std::string msg = result.status().message();
  EXPECT_NE(msg.find(data_name + ": statement at byte offset " + std::to_string(good.size())), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Error 1064"), std::string::npos) << msg;
  auto rows = Checkpoint();
  bool seen = false;
  for (const auto& row : rows) {
    if (row[0] != data_name) continue;
    seen = true;
    EXPECT_EQ(row[1], std::to_string(good.size() - 1));  // just past the last good `;`
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(Query(down_, "SELECT COUNT(*) FROM `" + db + "`.t")[0][0], "2");
}

TEST_F(LoadIntegrationTest, UnterminatedLiteralIsCorruptionWithOffset) {
  std::string db = NewDb("trunc");
  std::string dir = tmp_.path() + "/dump";
  std::string good = "INSERT INTO `t` VALUES (1,'a');\n";
  tmp_.WriteFile("dump/" + db + ".t-schema.sql", "CREATE TABLE `t` (id INT PRIMARY KEY, v VARCHAR(10));\n");
  tmp_.WriteFile("dump/" + db + ".t.000000000.sql", good + "INSERT INTO `t` VALUES (2,'b);\n");
  LoadOptions options = TargetLoadOptions(dir, meta_);
  std::stop_source stop;
  auto result = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find("unterminated string literal starting at byte offset " +
                                           std::to_string(good.size() + 26)),
            std::string::npos)
      << result.status().message();
  auto rows = Checkpoint();
  for (const auto& row : rows) {
    if (row[0]->find(".000000000.sql") != std::string::npos) {
      EXPECT_EQ(row[1], std::to_string(good.size() - 1));
    }
  }
}

// Routes merge two shards into one lower-cased target table; the second
// shard finds the table created and checks its columns.
TEST_F(LoadIntegrationTest, RoutesMergeShardsAndLowerCaseNames) {
  std::string target = NewDb("merged");
  std::string dir = tmp_.path() + "/dump";
  for (int shard : {1, 2}) {
    std::string src = "Shard" + std::to_string(shard);
    tmp_.WriteFile("dump/" + src + "-schema-create.sql", "CREATE DATABASE `" + src + "`;\n");
    tmp_.WriteFile("dump/" + src + ".Orders-schema.sql",
                   "CREATE TABLE `Orders` (`id` INT PRIMARY KEY, `v` VARCHAR(10));\n");
    tmp_.WriteFile("dump/" + src + ".Orders.000000000.sql", "INSERT INTO `Orders` VALUES (" + std::to_string(shard) +
                                                                ",'s'),(" + std::to_string(shard + 10) + ",'t');\n");
  }
  LoadOptions options = TargetLoadOptions(dir, meta_);
  options.route = [target](const TableName& source) -> Result<TableName> {
    return TableName{target, source.table.empty() ? "" : source.table};
  };
  std::stop_source stop;
  auto result = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->tables_created, 1u);
  auto rows = Query(down_, "SELECT id FROM `" + target + "`.`orders` ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3][0], "12");

  // A target table with other columns is refused with a clear error.
  Exec(down_, {"DROP DATABASE IF EXISTS `" + meta_ + "`", "DROP TABLE `" + target + "`.`orders`",
               "CREATE TABLE `" + target + "`.`orders` (`id` INT PRIMARY KEY, `other` INT)"});
  auto mismatch = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().error_code(), ErrorCode::kLoadUnitTableMismatch);
  EXPECT_NE(mismatch.status().message().find("(id,other)"), std::string::npos) << mismatch.status().message();
}

TEST_F(LoadIntegrationTest, OnDuplicateModes) {
  std::string db = NewDb("dup");
  std::string dir = tmp_.path() + "/dump";
  tmp_.WriteFile("dump/" + db + ".t-schema.sql", "CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARCHAR(10));\n");
  tmp_.WriteFile("dump/" + db + ".t.000000000.sql", "INSERT INTO `t` VALUES (1,'new'),(2,'x');\n");
  struct Case {
    config::OnDuplicateLogical mode;
    bool ok;
    std::string v1;
  };
  for (const Case& c :
       {Case{config::OnDuplicateLogical::kReplace, true, "new"}, Case{config::OnDuplicateLogical::kIgnore, true, "old"},
        Case{config::OnDuplicateLogical::kError, false, "old"}}) {
    Exec(down_,
         {"DROP DATABASE IF EXISTS `" + meta_ + "`", "DROP DATABASE IF EXISTS `" + db + "`",
          "CREATE DATABASE `" + db + "`", "CREATE TABLE `" + db + "`.`t` (`id` INT PRIMARY KEY, `v` VARCHAR(10))",
          "INSERT INTO `" + db + "`.`t` VALUES (1,'old')"});
    LoadOptions options = TargetLoadOptions(dir, meta_);
    options.on_duplicate = c.mode;
    std::stop_source stop;
    auto result = RunLoad(options, stop.get_token(), nullptr);
    EXPECT_EQ(result.ok(), c.ok) << result.status().ToString();
    if (!c.ok) {
      EXPECT_NE(result.status().message().find("Error 1062"), std::string::npos);
    }
    auto rows = Query(down_, "SELECT v FROM `" + db + "`.`t` WHERE id = 1");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], c.v1);
  }
}

TEST_F(LoadIntegrationTest, CleanDumpFileRemovesTheDirectory) {
  std::string db = NewDb("clean");
  std::string dir = tmp_.path() + "/dump";
  tmp_.WriteFile("dump/metadata", "SHOW MASTER STATUS:\n\tLog: b.000001\n\tPos: 4\n\tGTID:\n");
  tmp_.WriteFile("dump/" + db + ".t-schema.sql", "CREATE TABLE `t` (`id` INT PRIMARY KEY);\n");
  tmp_.WriteFile("dump/" + db + ".t.000000000.sql", "INSERT INTO `t` VALUES (1);\n");
  LoadOptions options = TargetLoadOptions(dir, meta_);
  options.clean_dump_file = true;
  std::stop_source stop;
  auto result = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir));
  // Finished and cleaned: a restart is a no-op.
  auto again = RunLoad(options, stop.get_token(), nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_complete);
}

TEST_F(LoadIntegrationTest, GzipDataFilesLoad) {
  std::string db = NewDb("gz");
  std::string dir = tmp_.path() + "/dump";
  tmp_.WriteFile("dump/" + db + ".t-schema.sql", "CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARBINARY(10));\n");
  std::string data = "/*!40101 SET NAMES binary*/;\nINSERT INTO `t` VALUES (1,'a;\\'b'),(2,'\\0');\n";
  std::string path = dir + "/" + db + ".t.000000000.sql.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
  gzclose(gz);
  LoadAndExpect(dir, db, {"613B2762", "00"});
}

// dumpling --compress zstd: every file compressed, data in two frames (a
// reader that stops after the first frame loses rows).
TEST_F(LoadIntegrationTest, ZstdFilesLoad) {
  std::string db = NewDb("zst");
  std::string dir = tmp_.path() + "/dump";
  auto write_zst = [&](const std::string& name, const std::vector<std::string>& frames) {
    std::string bytes;
    for (const std::string& frame : frames) {
      std::string out(ZSTD_compressBound(frame.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), frame.data(), frame.size(), 3);
      ASSERT_FALSE(ZSTD_isError(n));
      bytes.append(out.data(), n);
    }
    tmp_.WriteFile("dump/" + name, bytes);
  };
  write_zst(db + ".t-schema.sql.zst", {"CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARBINARY(10));\n"});
  write_zst(db + ".t.000000000.sql.zst", {"/*!40101 SET NAMES binary*/;\nINSERT INTO `t` VALUES (1,'a;\\'b'),",
                                          "(2,'\\0');\nINSERT INTO `t` VALUES (3,'c');\n"});
  LoadAndExpect(dir, db, {"613B2762", "00", "63"});

  // A file cut inside a frame is an error naming it, not a short load.
  std::string cut_db = NewDb("zstcut");
  std::string cut_dir = tmp_.path() + "/cut";
  std::string frame = "INSERT INTO `t` VALUES (1,'x');\n";
  std::string out(ZSTD_compressBound(frame.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), frame.data(), frame.size(), 3);
  ASSERT_FALSE(ZSTD_isError(n));
  tmp_.WriteFile("cut/" + cut_db + ".t-schema.sql", "CREATE TABLE `t` (`id` INT PRIMARY KEY, `v` VARBINARY(10));\n");
  tmp_.WriteFile("cut/" + cut_db + ".t.000000000.sql.zst", out.substr(0, n - 3));
  LoadOptions cut_options = TargetLoadOptions(cut_dir, meta_);
  cut_options.task = "cut";
  std::stop_source stop;
  auto cut = RunLoad(cut_options, stop.get_token(), nullptr);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find(".sql.zst"), std::string::npos) << cut.status().ToString();
}

}  // namespace
}  // namespace dm::load
