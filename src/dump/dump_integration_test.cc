// RunDump against the shared UPSTREAM instance. Dumps are replayed into
// DOWNSTREAM with the mariadb client (binary client character set, as a
// loader must) and compared byte-exactly with dm-diff; a concurrent writer
// checks that every dump connection's snapshot is the metadata position and
// that the dumped rows are exactly the transactions up to it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/strings.h"
#include "dump/dump.h"
#include "mysql/connection.h"
#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "testutil/test_env.h"

namespace dm::dump {
namespace {

using mysql::Connection;


std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    db_ = "dmt_dump_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    up_options_ = mysql::testing::SharedOptions("UPSTREAM");
    down_options_ = mysql::testing::SharedOptions("DOWNSTREAM");
    auto up = Connection::Connect(up_options_);
    auto down = Connection::Connect(down_options_);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    ASSERT_TRUE(down.ok()) << down.status().ToString();
    up_.emplace(std::move(up).value());
    down_.emplace(std::move(down).value());
    Up("CREATE DATABASE " + mysql::QuoteIdentifier(db_) + " CHARACTER SET utf8mb4");
    Up("USE " + mysql::QuoteIdentifier(db_));  // seq_1_to_N needs a current database
  }
  void TearDown() override {
    if (up_) (void)up_->Execute("DROP DATABASE IF EXISTS " + mysql::QuoteIdentifier(db_));
    if (down_) (void)down_->Execute("DROP DATABASE IF EXISTS " + mysql::QuoteIdentifier(db_));
  }

  void Up(const std::string& sql) {
    Status s = up_->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }

  DumpOptions Options() {
    DumpOptions o;
    o.source = up_options_;
    o.output_dir = dir_.path() + "/dump";
    o.block_allow_list.do_dbs = {db_};
    return o;
  }

  DumpResult Dump(const DumpOptions& o, Progress* progress = nullptr) {
    auto r = RunDump(o, std::stop_token(), progress);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : DumpResult{};
  }

  // Replays every file of the dump into DOWNSTREAM in the loader's order:
  // databases, tables, data, views.
  void Replay(const DumpResult& r, const std::string& dir) {
    auto e = testutil::SharedMariaDb("DOWNSTREAM");
    ASSERT_TRUE(e.has_value());
    for (FileKind kind : {FileKind::kSchemaCreate, FileKind::kTableSchema, FileKind::kData, FileKind::kViewSchema}) {
      for (const auto& f : r.files) {
        if (f.kind != kind) continue;
        std::string db = kind == FileKind::kSchemaCreate ? "" : "--database=" + f.schema;
        std::string cmd = fmt::format(
            "mariadb --default-character-set=binary -h{} -P{} -u{} -p{} '{}' < '{}/{}'", e->host, e->port, e->user,
            e->password, db, dir, f.name);
        if (db.empty()) cmd.replace(cmd.find(" ''"), 3, "");
        ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
      }
    }
  }

  int Diff(const std::string& tables) {
    auto up = testutil::SharedMariaDb("UPSTREAM");
    auto down = testutil::SharedMariaDb("DOWNSTREAM");
    std::string cmd = fmt::format("'{}/dm-diff' --source {}:{}@{}:{} --target {}:{}@{}:{} --tables '{}' > /dev/null",
                                  testutil::BinDir(), up->user, up->password, up->host, up->port, down->user,
                                  down->password, down->host, down->port, tables);
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  std::vector<const DumpFile*> DataFiles(const DumpResult& r, const std::string& table) {
    std::vector<const DumpFile*> out;
    for (const auto& f : r.files) {
      if (f.kind == FileKind::kData && f.table == table) out.push_back(&f);
    }
    return out;
  }

  std::string db_;
  testutil::TempDir dir_;
  mysql::ConnectionOptions up_options_;
  mysql::ConnectionOptions down_options_;
  std::optional<Connection> up_;
  std::optional<Connection> down_;
};

TEST_F(DumpTest, EveryTypeAndEdgeValueRoundTripsByteExact) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("SET SESSION sql_mode = ''");  // zero dates
  Up("SET SESSION time_zone = '+00:00'");
  Up("CREATE TABLE " + q +
     ".types (id INT PRIMARY KEY, ti TINYINT, su SMALLINT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,"
     " dc DECIMAL(30,10), f FLOAT, d DOUBLE, c CHAR(10), vc VARCHAR(100), l1 VARCHAR(50) CHARACTER SET latin1,"
     " bn BINARY(4), vb VARBINARY(100), bl BLOB, tx TEXT, js JSON, dt DATETIME(6), ts TIMESTAMP(6) NULL,"
     " dd DATE, tm TIME(3), yr YEAR, b BIT(10), e ENUM('ä','ö','ß'), el ENUM('é','ü') CHARACTER SET latin1,"
     " s SET('α','β','γ'), g GEOMETRY, pt POINT, i6 INET6, uu UUID,"
     " gen INT AS (id * 2) VIRTUAL, gs VARCHAR(120) AS (CONCAT(vc, 'x')) STORED)");
  Up("INSERT INTO " + q +
     ".types (id, ti, su, bi, bu, dc, f, d, c, vc, l1, bn, vb, bl, tx, js, dt, ts, dd, tm, yr, b, e, el, s, g, pt,"
     " i6, uu) VALUES"
     " (1, -128, 65535, -9223372036854775808, 18446744073709551615, -12345678901234567890.0123456789,"
     "  3.40282e38, 1.7976931348623157e308, '', '😀 emoji', 'café', X'00000000', X'00FF00', X'0001020300',"
     "  'line\\nbreak \\\\ back', '{\"a\": [1, \"x\"]}', '0000-00-00 00:00:00', '1970-01-01 00:00:01.000001',"
     "  '0000-00-00', '-838:59:59.000', 1901, b'1010101010', 'ä', 'é', 'α,γ', ST_GeomFromText('POINT(1 2)'),"
     "  POINT(-1.5, 2.25), '::1', '123e4567-e89b-12d3-a456-426614174000'),"
     " (2, 0, 0, 0, 0, -0.0000000001, 1.4e-45, 4.9e-324, 'x', '', '', X'FF', X'', X'', '', 'null',"
     "  '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '1000-01-01', '838:59:59', 2155, b'0',"
     "  'ß', 'ü', '', ST_GeomFromText('LINESTRING(0 0,1 1)'), POINT(0, 0), 'ffff::ffff', NULL),"
     " (3, NULL, NULL, NULL, NULL, NULL, -0.1, 0.30000000000000004, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
     "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
     " (4, 1, 2, 3, 4, 5.5, 16777217, 1e-7, 'quote\\'s', 'tab\\tand\\Zctrl', 'Ä\\\\', X'27275C00', X'5C',"
     "  REPEAT(X'00FF', 40000), REPEAT('日本', 1000), '[]', NULL, NULL, NULL, NULL, NULL, b'1111111111',"
     "  'ö', NULL, 'β', NULL, NULL, NULL, NULL)");
  // Identifiers that need quoting and a table without a key; an empty table.
  Up("CREATE TABLE " + q + ".`no pk ``tick`` 日本` (`select` INT, `a``b` VARCHAR(20), `c d` BLOB)");
  Up("INSERT INTO " + q + ".`no pk ``tick`` 日本` SELECT seq % 7, CONCAT('v', seq), UNHEX(HEX(seq)) FROM seq_1_to_1000");
  Up("INSERT INTO " + q + ".`no pk ``tick`` 日本` VALUES (NULL, NULL, NULL), (1, '', X'')");
  Up("CREATE TABLE " + q + ".`empty` (id INT PRIMARY KEY)");
  Up("CREATE TABLE " + q + ".`my.isam-schema` (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=MyISAM");
  Up("INSERT INTO " + q + ".`my.isam-schema` SELECT seq, CONCAT('m', seq) FROM seq_1_to_50");
  Up("CREATE VIEW " + q + ".v AS SELECT id, vc, e FROM " + q + ".types WHERE id < 3");

  DumpOptions o = Options();
  o.threads = 3;
  o.rows = 2;  // chunk even this small table
  Progress progress;
  DumpResult r = Dump(o, &progress);
  EXPECT_EQ(r.consistency_used, Consistency::kFlush);
  EXPECT_EQ(r.tables, 4u);
  EXPECT_EQ(r.rows, 4u + 1002 + 50);
  ProgressSnapshot ps = progress.Snapshot();
  EXPECT_EQ(ps.total_tables, 4);
  EXPECT_EQ(ps.completed_tables, 4);
  EXPECT_EQ(ps.finished_rows, static_cast<int64_t>(r.rows));
  EXPECT_EQ(ps.progress, "100.00 %");

  const std::string out = o.output_dir;
  EXPECT_TRUE(std::filesystem::exists(out + "/metadata"));
  EXPECT_TRUE(std::filesystem::exists(out + "/" + db_ + "-schema-create.sql"));
  EXPECT_TRUE(std::filesystem::exists(out + "/" + db_ + ".types-schema.sql"));
  EXPECT_TRUE(std::filesystem::exists(out + "/" + db_ + ".v-schema-view.sql"));
  EXPECT_TRUE(std::filesystem::exists(out + "/" + db_ + ".my%2Eisam%2Dschema.000000000.sql"));
  EXPECT_TRUE(DataFiles(r, "empty").empty());
  EXPECT_EQ(r.files.back().name, "metadata");
  // Non-ASCII ENUM/SET members survive SHOW CREATE TABLE.
  std::string schema = ReadFile(out + "/" + db_ + ".types-schema.sql");
  EXPECT_NE(schema.find("enum('ä','ö','ß')"), std::string::npos) << schema;
  EXPECT_NE(schema.find("enum('é','ü')"), std::string::npos) << schema;
  // Generated columns are not in the column list.
  std::string data = ReadFile(out + "/" + DataFiles(r, "types")[0]->name);
  EXPECT_EQ(data.find("`gen`"), std::string::npos);
  EXPECT_TRUE(data.starts_with("/*!40101 SET NAMES binary*/;\n"));
  std::string metadata = ReadFile(out + "/metadata");
  EXPECT_NE(metadata.find(fmt::format("\tLog: {}\n\tPos: {}\n\tGTID:{}\n", r.position.file, r.position.pos,
                                      r.position.gtid_set)),
            std::string::npos)
      << metadata;

  Replay(r, out);
  EXPECT_EQ(Diff(db_ + ".*"), 0);
  auto view_rows = down_->QueryRows("SELECT COUNT(*) FROM " + q + ".v");
  ASSERT_TRUE(view_rows.ok()) << view_rows.status().ToString();
  EXPECT_EQ((*view_rows)[0][0].value_or(""), "2");
}

TEST_F(DumpTest, ChunksByKeyAndSplitsFilesBySize) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("CREATE TABLE " + q + ".big (id BIGINT UNSIGNED PRIMARY KEY, pad VARCHAR(100))");
  Up("INSERT INTO " + q + ".big SELECT seq, REPEAT('x', 50) FROM seq_1_to_5000");
  Up("CREATE TABLE " + q + ".heap (v INT, pad VARCHAR(100))");
  Up("INSERT INTO " + q + ".heap SELECT seq, REPEAT('y', 80) FROM seq_1_to_3000");
  Up("ANALYZE TABLE " + q + ".big, " + q + ".heap");
  DumpOptions o = Options();
  o.threads = 2;
  o.rows = 1000;
  o.statement_size = 4096;
  o.chunk_filesize = 64 << 10;  // 64 KiB
  DumpResult r = Dump(o);
  auto big = DataFiles(r, "big");
  EXPECT_GE(big.size(), 4u);
  uint64_t rows = 0;
  for (const auto* f : big) rows += f->rows;
  EXPECT_EQ(rows, 5000u);
  // The keyless table is one streamed query, split into files by size.
  auto heap = DataFiles(r, "heap");
  EXPECT_GE(heap.size(), 3u);
  for (const auto* f : heap) EXPECT_LT(f->bytes, (64u << 10) + 8192u) << f->name;
  // Statements stay near statement-size.
  std::string data = ReadFile(o.output_dir + "/" + big[0]->name);
  size_t statements = 0;
  for (size_t p = data.find("INSERT INTO"); p != std::string::npos; p = data.find("INSERT INTO", p + 1)) ++statements;
  EXPECT_GT(statements, 1u);
  Replay(r, o.output_dir);
  EXPECT_EQ(Diff(db_ + ".*"), 0);
}

TEST_F(DumpTest, LockAndNoneConsistencyDumpTheSameData) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("CREATE TABLE " + q + ".t (id INT PRIMARY KEY, v VARCHAR(20))");
  Up("INSERT INTO " + q + ".t SELECT seq, CONCAT('v', seq) FROM seq_1_to_300");
  for (Consistency c : {Consistency::kLock, Consistency::kNone}) {
    DumpOptions o = Options();
    o.consistency = c;
    o.output_dir = dir_.path() + "/dump-" + std::string(ConsistencyName(c));
    DumpResult r = Dump(o);
    EXPECT_EQ(r.consistency_used, c);
    EXPECT_EQ(r.rows, 300u);
    EXPECT_FALSE(r.position.file.empty());
    EXPECT_TRUE(std::filesystem::exists(o.output_dir + "/metadata"));
    Replay(r, o.output_dir);
    EXPECT_EQ(Diff(db_ + ".*"), 0) << ConsistencyName(c);
    ASSERT_TRUE(down_->Execute("DROP DATABASE " + q).ok());
  }
}

TEST_F(DumpTest, AutoFallsBackToLockTablesWithoutReload) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("CREATE TABLE " + q + ".t (id INT PRIMARY KEY)");
  Up("INSERT INTO " + q + ".t VALUES (1), (2)");
  const std::string user = "dmt_norl_" + std::to_string(getpid());
  Up("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'pw'");
  Up("GRANT SELECT, LOCK TABLES, SHOW VIEW ON " + q + ".* TO '" + user + "'@'127.0.0.1'");
  Up("GRANT BINLOG MONITOR ON *.* TO '" + user + "'@'127.0.0.1'");
  DumpOptions o = Options();
  o.source.user = user;
  o.source.password = Secret("pw");
  DumpResult r = Dump(o);
  EXPECT_EQ(r.consistency_used, Consistency::kLock);
  EXPECT_EQ(r.rows, 2u);
  o.consistency = Consistency::kFlush;
  o.output_dir += "-flush";
  auto flush = RunDump(o, std::stop_token(), nullptr);
  EXPECT_FALSE(flush.ok());
  EXPECT_EQ(flush.status().error_code(), ErrorCode::kDumpLockFailed);
  (void)up_->Execute("DROP USER '" + user + "'@'127.0.0.1'");
}

TEST_F(DumpTest, RefusesNonEmptyDirectoryAndHonoursCancellation) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("CREATE TABLE " + q + ".t (id INT PRIMARY KEY)");
  DumpOptions o = Options();
  dir_.WriteFile("dump/stale.sql", "x");
  auto r = RunDump(o, std::stop_token(), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().error_code(), ErrorCode::kDumpDirNotEmpty);
  std::stop_source stopped;
  stopped.request_stop();
  o.output_dir = dir_.path() + "/cancelled";
  auto c = RunDump(o, stopped.get_token(), nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kCancelled);
  EXPECT_FALSE(std::filesystem::exists(o.output_dir + "/metadata"));
}

// Sequence number of domain `domain` in a MariaDB GTID set ("0-1-5,1-2-9").
uint64_t SeqOf(const std::string& gtid_set, const std::string& domain) {
  for (const auto& part : SplitString(gtid_set, ',')) {
    auto fields = SplitString(std::string(TrimSpace(part)), '-');
    if (fields.size() == 3 && fields[0] == domain) return std::stoull(fields[2]);
  }
  return 0;
}

TEST_F(DumpTest, ConcurrentWritesSnapshotEqualsMetadataPosition) {
  const std::string q = mysql::QuoteIdentifier(db_);
  Up("CREATE TABLE " + q + ".ins (id INT PRIMARY KEY, pad VARCHAR(64))");
  Up("CREATE TABLE " + q + ".upd (id INT PRIMARY KEY, v INT)");
  Up("INSERT INTO " + q + ".upd SELECT seq, 0 FROM seq_0_to_9");
  Up("INSERT INTO " + q + ".ins SELECT seq, 'seed' FROM seq_1_to_20000");
  Up("ANALYZE TABLE " + q + ".ins");

  // The writer commits transaction k (insert row 20000+k, set upd[k % 10]
  // to k) and records the GTID each commit got.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> gtids;  // index k-1 -> GTID of transaction k
  std::thread writer([&] {
    auto conn = Connection::Connect(up_options_);
    ASSERT_TRUE(conn.ok());
    for (int k = 1; !stop.load() && k < 1000000; ++k) {
      ASSERT_TRUE(conn->Begin().ok());
      ASSERT_TRUE(conn->Execute(fmt::format("INSERT INTO {}.ins VALUES ({}, 'w')", q, 20000 + k)).ok());
      ASSERT_TRUE(conn->Execute(fmt::format("UPDATE {}.upd SET v = {} WHERE id = {}", q, k, k % 10)).ok());
      ASSERT_TRUE(conn->Commit().ok());
      auto g = conn->QueryValue("SELECT @@last_gtid");
      ASSERT_TRUE(g.ok());
      std::lock_guard<std::mutex> lock(mu);
      gtids.push_back(g->value_or(""));
    }
  });
  // Let the writer get going, then dump in the middle of its stream.
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    if (gtids.size() > 200) break;
  }
  DumpOptions o = Options();
  o.threads = 4;
  o.rows = 2000;
  DumpResult r = Dump(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // writes continue after the dump
  stop = true;
  writer.join();

  ASSERT_EQ(r.connection_snapshots.size(), 4u);
  for (const auto& s : r.connection_snapshots) {
    EXPECT_EQ(s.file, r.position.file);
    EXPECT_EQ(s.pos, r.position.pos);
  }
  EXPECT_EQ(r.after_connect, r.position);  // nothing moved while the lock was held
  EXPECT_GE(DataFiles(r, "ins").size(), 4u);

  // K = the last writer transaction inside the snapshot's GTID set.
  std::string domain = SplitString(gtids[0], '-')[0];
  uint64_t snapshot_seq = SeqOf(r.position.gtid_set, domain);
  int k_max = 0;
  for (size_t i = 0; i < gtids.size(); ++i) {
    if (SeqOf(gtids[i], domain) <= snapshot_seq) k_max = static_cast<int>(i) + 1;
  }
  ASSERT_GT(k_max, 200);
  ASSERT_LT(static_cast<size_t>(k_max), gtids.size()) << "the writer must continue after the snapshot";

  Replay(r, o.output_dir);
  auto count = down_->QueryRows(fmt::format("SELECT COUNT(*), MAX(id) FROM {}.ins WHERE id > 20000", q));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ((*count)[0][0].value_or(""), std::to_string(k_max));
  EXPECT_EQ((*count)[0][1].value_or(""), std::to_string(20000 + k_max));
  auto upd = down_->QueryRows(fmt::format("SELECT id, v FROM {}.upd ORDER BY id", q));
  ASSERT_TRUE(upd.ok());
  for (const auto& row : *upd) {
    int id = std::stoi(row[0].value_or("0"));
    int expected = 0;
    for (int k = 1; k <= k_max; ++k) {
      if (k % 10 == id) expected = k;
    }
    EXPECT_EQ(row[1].value_or(""), std::to_string(expected)) << "upd id " << id;
  }
}

}  // namespace
}  // namespace dm::dump
