// dm-diff against the shared UPSTREAM and DOWNSTREAM instances: identical
// tables of many column types compare equal; every planted one-byte (or
// one-bit, or NULL-vs-empty) difference is found and named by its key.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <tuple>

#include "common/encrypt.h"
#include "diff/diff.h"
#include "mysql/connection.h"
#include "mysql/integration_test_util.h"
#include "mysql/quote.h"
#include "testutil/test_env.h"

namespace dm::diff {
namespace {

using mysql::Connection;
using mysql::QualifiedName;
using mysql::QuoteIdentifier;

constexpr int kRows = 3000;
constexpr size_t kChunk = 500;


// Deterministic rows of many types, NULLs every 17th row, 0x00 bytes in the
// binary columns, non-ASCII text in utf8mb4 and latin1.
constexpr const char* kRichColumns =
    "(id INT NOT NULL PRIMARY KEY, i8 TINYINT, u8 TINYINT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED,"
    " dec1 DECIMAL(20,6), f FLOAT, d DOUBLE, b BIT(12), dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL,"
    " tm TIME(3), y YEAR, c CHAR(10) CHARACTER SET utf8mb4, vc VARCHAR(50) CHARACTER SET utf8mb4,"
    " l1 VARCHAR(30) CHARACTER SET latin1, bin BINARY(8), vb VARBINARY(40), bl BLOB,"
    " e ENUM('red','green','blue'), s SET('a','b','c'), j JSON, g GEOMETRY, n VARCHAR(10) NULL)";

std::string RichInsert(const std::string& table, const std::string& where) {
  return "INSERT INTO " + table +
         " SELECT seq, seq % 256 - 128, seq % 256, seq * 1000003 - 1500000000, 18446744073709551615 - seq,"
         " seq / 7, seq / 3e0, seq / 7e0, seq % 4096, '2000-01-01' + INTERVAL seq DAY,"
         " '2020-02-29 23:59:59.999999' - INTERVAL seq SECOND, FROM_UNIXTIME(1500000000 + seq * 1000 + 0.123456),"
         " SEC_TO_TIME(seq * 37 - 50000) + INTERVAL 500 MICROSECOND, 1901 + seq % 255, CONCAT('c', seq),"
         " CONCAT('日本', seq, '😀'), CONCAT('café', seq), UNHEX(HEX(seq)), CONCAT(X'00', UNHEX(HEX(seq)), X'00FF'),"
         " UNHEX(SHA2(seq, 256)), ELT(1 + seq % 3, 'red', 'green', 'blue'), ELT(1 + seq % 4, '', 'a', 'a,b', 'c'),"
         " JSON_OBJECT('k', seq, 's', 'x'), POINT(seq, -seq), IF(seq % 17 = 0, NULL, CONCAT('n', seq % 5))"
         " FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_" +
         std::to_string(kRows) + ") AS g " + where;
}

class DiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    db_ = "dmt_diff_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    up_options_ = mysql::testing::SharedOptions("UPSTREAM");
    down_options_ = mysql::testing::SharedOptions("DOWNSTREAM");
    for (auto* o : {&up_options_, &down_options_}) o->session_variables["time_zone"] = "+00:00";
    auto up = Connection::Connect(up_options_);
    auto down = Connection::Connect(down_options_);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    ASSERT_TRUE(down.ok()) << down.status().ToString();
    up_.emplace(std::move(up).value());
    down_.emplace(std::move(down).value());
    Both("CREATE DATABASE " + QuoteIdentifier(db_));
    Both("USE " + QuoteIdentifier(db_));
  }
  void TearDown() override {
    for (auto* conn : {&up_, &down_}) {
      if (*conn) {
        EXPECT_TRUE((*conn)->Execute("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_)).ok());
      }
    }
  }

  void Both(const std::string& sql) {
    Up(sql);
    Down(sql);
  }
  void Up(const std::string& sql) {
    Status s = up_->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }
  void Down(const std::string& sql) {
    Status s = down_->Execute(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }
  // A change on the target that must touch at least one row, so a test never
  // passes because its planted difference silently changed nothing.
  void Plant(const std::string& sql) {
    Down(sql);
    EXPECT_GE(down_->affected_rows(), 1u) << sql;
  }
  std::string T(const std::string& table) const { return QualifiedName(db_, table); }

  void CreateRich(const std::string& table) {
    Both("CREATE TABLE " + T(table) + " " + kRichColumns);
    Both(RichInsert(T(table), ""));
  }

  DiffOptions Options() const {
    DiffOptions o;
    o.sources.resize(1);
    o.sources[0].conn = up_options_;
    o.target = down_options_;
    o.schemas = {db_};
    o.compare.chunk_size = kChunk;
    return o;
  }

  DiffSummary Run(const DiffOptions& o) {
    auto s = RunDiff(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : DiffSummary{};
  }
  DiffSummary Run() { return Run(Options()); }

  // The report of `table`; fails the test when absent.
  static const TableReport& Report(const DiffSummary& s, const std::string& table) {
    for (const auto& r : s.tables) {
      if (r.target.table == table) return r;
    }
    ADD_FAILURE() << "no report for " << table;
    static const TableReport kNone;
    return kNone;
  }

  // Asserts that `table` differs and its first difference is `kind` at a key
  // containing `key`, with `detail` (if given) in the description.
  void ExpectFirstDiff(const std::string& table, DiffKind kind, const std::string& key,
                       const std::string& detail = "") {
    DiffSummary s = Run();
    const TableReport& r = Report(s, table);
    ASSERT_TRUE(r.error.ok()) << r.error.ToString();
    ASSERT_FALSE(r.differences.empty()) << FormatTableReport(r);
    const Difference& d = r.differences.front();
    EXPECT_EQ(d.kind, kind) << FormatTableReport(r);
    EXPECT_NE(d.key.find(key), std::string::npos) << FormatTableReport(r);
    EXPECT_NE(d.detail.find(detail), std::string::npos) << FormatTableReport(r);
    EXPECT_EQ(s.different, 1u) << FormatSummary(s);
  }

  std::string db_;
  mysql::ConnectionOptions up_options_;
  mysql::ConnectionOptions down_options_;
  std::optional<Connection> up_;
  std::optional<Connection> down_;
};

TEST_F(DiffTest, IdenticalTablesAreEqualAcrossChunks) {
  CreateRich("t");
  Both("CREATE TABLE " + T("ci") +
       " (k1 VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL, k2 INT NOT NULL, v INT, PRIMARY KEY (k1, k2))");
  // Mixed case and accents in a case-insensitive key: chunk bounds must use
  // the column's collation on both sides.
  Both("INSERT INTO " + T("ci") +
       " SELECT CONCAT(ELT(1 + seq % 4, 'a', 'B', 'é', 'E'), seq % 7), seq, seq FROM seq_1_to_2000");
  Both("CREATE TABLE " + T("nokey") + " (a INT, b VARCHAR(10))");
  Both("INSERT INTO " + T("nokey") + " VALUES (1, 'x'), (1, 'x'), (NULL, ''), (NULL, NULL), (2, 'y')");
  Both("CREATE TABLE " + T("uk") + " (a INT NULL, u VARBINARY(8) NOT NULL, UNIQUE KEY (u))");
  Both("INSERT INTO " + T("uk") + " SELECT seq, UNHEX(LPAD(HEX(seq), 6, '0')) FROM seq_0_to_1200");

  DiffSummary s = Run();
  ASSERT_EQ(s.tables.size(), 4u);
  EXPECT_EQ(s.equal, 4u) << FormatSummary(s);
  const TableReport& t = Report(s, "t");
  EXPECT_TRUE(t.equal()) << FormatTableReport(t);
  EXPECT_EQ(t.rows_compared, static_cast<uint64_t>(kRows));
  EXPECT_GE(t.chunks, static_cast<uint64_t>(kRows / kChunk));
  EXPECT_EQ(t.key_name, "PRIMARY");
  EXPECT_EQ(Report(s, "ci").rows_compared, 2000u);
  EXPECT_TRUE(Report(s, "nokey").keyless);
  EXPECT_EQ(Report(s, "nokey").rows_compared, 5u);
  EXPECT_EQ(Report(s, "uk").key_name, "u");
  EXPECT_EQ(s.rows_compared, static_cast<uint64_t>(kRows) + 2000 + 5 + 1201);
}

TEST_F(DiffTest, FindsOneFlippedBitInABlob) {
  CreateRich("t");
  Plant("UPDATE " + T("t") +
        " SET bl = CONCAT(LEFT(bl, 10), CHAR(ASCII(SUBSTRING(bl, 11, 1)) ^ 1), SUBSTRING(bl, 12)) WHERE id = 1234");
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=1234)", "column `bl`");
}

TEST_F(DiffTest, FindsATrailingZeroByteInVarbinary) {
  CreateRich("t");
  Plant("UPDATE " + T("t") + " SET vb = CONCAT(vb, X'00') WHERE id = 2001");
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=2001)", "column `vb`");
}

TEST_F(DiffTest, FindsAChangedPaddingByteInBinary) {
  CreateRich("t");
  Plant("UPDATE " + T("t") + " SET bin = CONCAT(LEFT(bin, 7), X'01') WHERE id = 9");
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=9)", "column `bin`");
}

TEST_F(DiffTest, FindsACaseChangeInALatin1Column) {
  CreateRich("t");
  // latin1_swedish_ci calls 'café' and 'Café' equal; the bytes are not.
  Plant("UPDATE " + T("t") + " SET l1 = CONCAT('C', SUBSTRING(l1, 2)) WHERE id = 777");
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=777)", "column `l1`");
}

TEST_F(DiffTest, FindsTheLastBitOfAFloatAndADouble) {
  CreateRich("t");
  auto f = up_->QueryValue("SELECT CAST(f AS DOUBLE) FROM " + T("t") + " WHERE id = 1000");
  ASSERT_TRUE(f.ok());
  float next = std::nextafter(std::stof(**f), 1e9f);
  Plant("UPDATE " + T("t") + fmt::format(" SET f = {:.9g} WHERE id = 1000", next));
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=1000)", "column `f`");

  Plant("UPDATE " + T("t") + " SET f = " + **f + " WHERE id = 1000");
  auto d = up_->QueryValue("SELECT d FROM " + T("t") + " WHERE id = 2999");
  ASSERT_TRUE(d.ok());
  Plant("UPDATE " + T("t") + fmt::format(" SET d = {:.17g} WHERE id = 2999", std::nextafter(std::stod(**d), 1e9)));
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=2999)", "column `d`");
}

TEST_F(DiffTest, FindsNullVersusEmptyString) {
  CreateRich("t");
  Plant("UPDATE " + T("t") + " SET n = '' WHERE id = 34");  // 34 % 17 == 0: NULL upstream
  ExpectFirstDiff("t", DiffKind::kColumnsDiffer, "(`id`=34)", "column `n`: source NULL, target ''");
}

TEST_F(DiffTest, FindsACommaMovedBetweenAdjacentValues) {
  Both("CREATE TABLE " + T("sh") + " (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10))");
  Both("INSERT INTO " + T("sh") + " SELECT seq, 'x,y', 'z' FROM seq_1_to_50");
  Plant("UPDATE " + T("sh") + " SET a = 'x', b = 'y,z' WHERE id = 42");
  ExpectFirstDiff("sh", DiffKind::kColumnsDiffer, "(`id`=42)", "column `a`");
}

TEST_F(DiffTest, FindsAMissingRow) {
  CreateRich("t");
  Plant("DELETE FROM " + T("t") + " WHERE id = 2500");
  ExpectFirstDiff("t", DiffKind::kMissingRow, "(`id`=2500)", "not in target");
}

TEST_F(DiffTest, FindsExtraRowsInsideAndAfterTheRange) {
  CreateRich("t");
  Plant("INSERT INTO " + T("t") + " (id) VALUES (100000)");
  ExpectFirstDiff("t", DiffKind::kExtraRow, "(`id`=100000)", "in no source");
  Plant("DELETE FROM " + T("t") + " WHERE id = 100000");
  Up("DELETE FROM " + T("t") + " WHERE id = 1501");
  ExpectFirstDiff("t", DiffKind::kExtraRow, "(`id`=1501)", "in no source");
}

TEST_F(DiffTest, FindsEveryRowMissingFromAnEmptyTarget) {
  CreateRich("t");
  Plant("DELETE FROM " + T("t"));
  ExpectFirstDiff("t", DiffKind::kMissingRow, "(`id`=1)");
}

TEST_F(DiffTest, FindsADuplicatedRowInAKeylessTable) {
  Both("CREATE TABLE " + T("nk") + " (a INT, b VARBINARY(10), c DOUBLE)");
  Both("INSERT INTO " + T("nk") + " SELECT seq % 50, UNHEX(HEX(seq % 7)), seq / 3e0 FROM seq_1_to_2000");
  Plant("INSERT INTO " + T("nk") + " SELECT * FROM " + T("nk") + " WHERE a = 3 AND c = 1 LIMIT 1");
  ExpectFirstDiff("nk", DiffKind::kExtraRow, "`a`=3", "in target, in no source");
  // Drop both copies of the now-duplicated row on the target: one copy missing.
  Plant("DELETE FROM " + T("nk") + " WHERE a = 3 AND c = 1");
  ExpectFirstDiff("nk", DiffKind::kMissingRow, "`a`=3", "not in target");
}

TEST_F(DiffTest, FindsAColumnOrderDifference) {
  CreateRich("t");
  Down("ALTER TABLE " + T("t") + " MODIFY COLUMN vc VARCHAR(50) CHARACTER SET utf8mb4 AFTER id");
  ExpectFirstDiff("t", DiffKind::kStructure, "", "column #2");
}

TEST_F(DiffTest, FindsACaseChangeInACaseInsensitiveKey) {
  Both("CREATE TABLE " + T("ci") + " (k VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT)");
  Both("INSERT INTO " + T("ci") + " SELECT CONCAT('key', seq), seq FROM seq_1_to_1500");
  Plant("UPDATE " + T("ci") + " SET k = 'KEY700' WHERE k = 'key700'");
  DiffSummary s = Run();
  const TableReport& r = Report(s, "ci");
  ASSERT_EQ(r.differences.size(), 2u) << FormatTableReport(r);
  std::string all = FormatTableReport(r);
  EXPECT_NE(all.find("missing-row at (`k`='key700')"), std::string::npos) << all;
  EXPECT_NE(all.find("extra-row at (`k`='KEY700')"), std::string::npos) << all;
}

TEST_F(DiffTest, MissingAndTargetOnlyTablesAreDifferences) {
  Up("CREATE TABLE " + T("only_up") + " (id INT PRIMARY KEY)");
  Down("CREATE TABLE " + T("only_down") + " (id INT PRIMARY KEY)");
  DiffSummary s = Run();
  EXPECT_EQ(Report(s, "only_up").differences.at(0).kind, DiffKind::kMissingTable);
  EXPECT_EQ(Report(s, "only_down").differences.at(0).kind, DiffKind::kExtraTable);
  EXPECT_EQ(s.different, 2u);
}

TEST_F(DiffTest, MergedTargetEqualsTheUnionOfShards) {
  const std::string shard_db = db_ + "_shard";
  Up("CREATE DATABASE " + QuoteIdentifier(shard_db));
  for (int shard = 1; shard <= 2; ++shard) {
    std::string table = QualifiedName(shard_db, "t_" + std::to_string(shard));
    Up("CREATE TABLE " + table + " " + kRichColumns);
    Up(RichInsert(table, "WHERE seq % 2 = " + std::to_string(shard - 1)));
  }
  Down("CREATE TABLE " + T("merged") + " " + kRichColumns);
  Down(RichInsert(T("merged"), ""));
  DiffOptions o = Options();
  o.schemas.clear();
  o.tables = {*ParseTablePattern(db_ + ".merged")};
  auto router = filter::TableRouter::Create({*ParseRouteFlag(shard_db + ".t_*=" + db_ + ".merged")}, true);
  ASSERT_TRUE(router.ok()) << router.status().ToString();
  o.sources[0].router = *router;

  DiffSummary equal = Run(o);
  ASSERT_EQ(equal.tables.size(), 1u);
  EXPECT_TRUE(equal.tables[0].equal()) << FormatTableReport(equal.tables[0]);
  EXPECT_EQ(equal.tables[0].sources.size(), 2u);
  EXPECT_EQ(equal.rows_compared, static_cast<uint64_t>(kRows));

  Plant("DELETE FROM " + T("merged") + " WHERE id = 1667");
  DiffSummary missing = Run(o);
  ASSERT_EQ(missing.tables.size(), 1u);
  const TableReport& r = missing.tables[0];
  ASSERT_FALSE(r.differences.empty());
  EXPECT_EQ(r.differences[0].kind, DiffKind::kMissingRow);
  EXPECT_EQ(r.differences[0].key, "(`id`=1667)");
  EXPECT_NE(r.differences[0].detail.find("`t_2`"), std::string::npos) << r.differences[0].detail;
  EXPECT_TRUE(up_->Execute("DROP DATABASE " + QuoteIdentifier(shard_db)).ok());
}

// ---------------------------------------------------------------------------
// The binary

struct BinaryRun {
  int exit_code = -1;
  std::string output;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// dm-diff is built next to this test binary; $DM_BIN_DIR wins when set.
std::string DmDiffPath() {
  if (std::getenv("DM_BIN_DIR") != nullptr) return testutil::BinDir() + "/dm-diff";
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "dm-diff").string();
}

BinaryRun RunBinary(const std::vector<std::string>& args) {
  std::string cmd = ShellQuote(DmDiffPath());
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " 2>&1";
  BinaryRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Dsn(const mysql::ConnectionOptions& o) {
  return o.user + ":" + o.password.reveal() + "@" + o.host + ":" + std::to_string(o.port);
}

TEST_F(DiffTest, BinaryExitsZeroOneAndTwo) {
  CreateRich("t");
  std::vector<std::string> base = {
      "--source", Dsn(up_options_), "-target", Dsn(down_options_), "--tables=" + db_ + ".t", "--chunk-size",
      "700",      "--threads",      "2"};
  BinaryRun equal = RunBinary(base);
  EXPECT_EQ(equal.exit_code, 0) << equal.output;
  EXPECT_NE(equal.output.find("[OK] " + T("t") + ": 3000 rows equal"), std::string::npos) << equal.output;
  EXPECT_NE(equal.output.find("Summary: 1 tables (1 equal"), std::string::npos) << equal.output;

  Plant("UPDATE " + T("t") + " SET j = JSON_OBJECT('k', 1, 's', 'y') WHERE id = 1");
  BinaryRun differ = RunBinary(base);
  EXPECT_EQ(differ.exit_code, 1) << differ.output;
  EXPECT_NE(differ.output.find("[DIFF] " + T("t") + ": columns-differ at (`id`=1): column `j`"), std::string::npos)
      << differ.output;

  const std::string secret = "Not-The-Pw-4711";
  mysql::ConnectionOptions bad = up_options_;
  bad.password = Secret(secret);
  BinaryRun denied = RunBinary({"--source", Dsn(bad), "--target", Dsn(down_options_), "--schema", db_});
  EXPECT_EQ(denied.exit_code, 2) << denied.output;
  EXPECT_NE(denied.output.find("Error 1045"), std::string::npos) << denied.output;
  EXPECT_EQ(denied.output.find(secret), std::string::npos) << denied.output;

  EXPECT_EQ(RunBinary({"--source", Dsn(up_options_)}).exit_code, 2);
  EXPECT_EQ(RunBinary({"--no-such-flag"}).exit_code, 2);
  BinaryRun version = RunBinary({"-V"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("Release Version"), std::string::npos) << version.output;
}

TEST_F(DiffTest, BinaryRoutesShardsWithPasswordsFromFlags) {
  Up("CREATE TABLE " + T("s_a") + " (id INT PRIMARY KEY, v VARCHAR(5))");
  Up("CREATE TABLE " + T("s_b") + " (id INT PRIMARY KEY, v VARCHAR(5))");
  Up("INSERT INTO " + T("s_a") + " VALUES (1, 'a'), (3, 'c')");
  Up("INSERT INTO " + T("s_b") + " VALUES (2, 'b')");
  Down("CREATE TABLE " + T("all") + " (id INT PRIMARY KEY, v VARCHAR(5))");
  Plant("INSERT INTO " + T("all") + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  std::vector<std::string> args = {"--upstream",        up_options_.host + ":" + std::to_string(up_options_.port),
                                   "--source-user",     up_options_.user,
                                   "--source-password", up_options_.password.reveal(),
                                   "--downstream",      down_options_.host + ":" + std::to_string(down_options_.port),
                                   "--target-user",     down_options_.user,
                                   "--target-password", down_options_.password.reveal(),
                                   "--tables",          db_ + ".all",
                                   "--route",           db_ + ".s_*=" + db_ + ".all"};
  BinaryRun equal = RunBinary(args);
  EXPECT_EQ(equal.exit_code, 0) << equal.output;
  Plant("DELETE FROM " + T("all") + " WHERE id = 2");
  BinaryRun missing = RunBinary(args);
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("missing-row at (`id`=2): row is in source"), std::string::npos) << missing.output;
}

// DM-task mode: two sources (both on UPSTREAM, told apart by their
// block-allow-lists) whose shards merge into one target table that has
// extract-table and extract-source columns in its primary key; shard ids
// overlap, so only those columns keep the rows apart.
class TaskDiffTest : public DiffTest {
 protected:
  void SetUp() override {
    DiffTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* shard : {"_a", "_b"}) Up("CREATE DATABASE " + QuoteIdentifier(db_ + shard));
    const std::string columns = " (id INT NOT NULL PRIMARY KEY, amount DECIMAL(10,2), note VARCHAR(20))";
    for (const auto& [db, table] : {std::pair{db_ + "_a", "orders_1"}, {db_ + "_a", "orders_2"},
                                    {db_ + "_b", "orders_3"}, {db_ + "_a", "orders_skip"}}) {
      Up("CREATE TABLE " + QualifiedName(db, table) + columns);
      Up("INSERT INTO " + QualifiedName(db, table) + " SELECT seq, seq * 1.25, CONCAT('" + table +
         "-', seq) FROM seq_1_to_40");
    }
    Down("CREATE TABLE " + T("orders") +
         " (id INT NOT NULL, amount DECIMAL(10,2), note VARCHAR(20), c_table VARCHAR(20) NOT NULL,"
         " c_source VARCHAR(20), PRIMARY KEY (id, c_table))");
    for (const auto& [db, n, source] : {std::tuple{db_ + "_a", "1", "a"}, {db_ + "_a", "2", "a"},
                                        {db_ + "_b", "3", "b"}}) {
      Down(fmt::format("INSERT INTO {} SELECT seq, seq * 1.25, CONCAT('orders_{}-', seq), '{}', '{}'"
                       " FROM seq_1_to_40",
                       T("orders"), n, n, source));
    }
    auto encrypted = crypto::Encrypt(up_options_.password.reveal(), crypto::LegacyBuiltinKey());
    ASSERT_TRUE(encrypted.ok()) << encrypted.status().ToString();
    source_a_ = dir_.WriteFile("source-a.yaml", SourceYaml("src-a", *encrypted));
    source_b_ = dir_.WriteFile("source-b.yaml", SourceYaml("src-b", up_options_.password.reveal()));
    task_ = dir_.WriteFile("task.yaml", fmt::format(R"yaml(name: orders-merge
task-mode: all
shard-mode: pessimistic
target-database:
  host: "{host}"
  port: {port}
  user: "{user}"
  password: '{password}'
mysql-instances:
  - source-id: src-a
    block-allow-list: bal-a
    route-rules: [orders]
  - source-id: src-b
    block-allow-list: bal-b
    route-rules: [orders]
block-allow-list:
  bal-a:
    do-dbs: ["{db}_a"]
    ignore-tables:
      - db-name: "{db}_a"
        tbl-name: orders_skip
  bal-b:
    do-dbs: ["{db}_b"]
routes:
  orders:
    schema-pattern: "{db}_*"
    table-pattern: "orders_*"
    target-schema: "{db}"
    target-table: orders
    extract-table: {{table-regexp: "orders_(.*)", target-column: c_table}}
    extract-source: {{source-regexp: "src-(.*)", target-column: c_source}}
)yaml",
                                                    fmt::arg("host", down_options_.host),
                                                    fmt::arg("port", down_options_.port),
                                                    fmt::arg("user", down_options_.user),
                                                    fmt::arg("password", down_options_.password.reveal()),
                                                    fmt::arg("db", db_)));
  }
  void TearDown() override {
    for (const char* shard : {"_a", "_b"}) {
      if (up_) {
        EXPECT_TRUE(up_->Execute("DROP DATABASE IF EXISTS " + QuoteIdentifier(db_ + shard)).ok());
      }
    }
    DiffTest::TearDown();
  }

  std::string SourceYaml(const std::string& id, const std::string& password) const {
    return fmt::format("source-id: {}\nfrom:\n  host: \"{}\"\n  port: {}\n  user: \"{}\"\n  password: '{}'\n", id,
                       up_options_.host, up_options_.port, up_options_.user, password);
  }
  std::vector<std::string> Args() const {
    return {"--task", task_, "--source", source_a_, "--source", source_b_, "--chunk-size", "7"};
  }

  testutil::TempDir dir_;
  std::string task_;
  std::string source_a_;
  std::string source_b_;
};

TEST_F(TaskDiffTest, ShardedTaskIsEqualAndSkipsBlockedTables) {
  BinaryRun equal = RunBinary(Args());
  EXPECT_EQ(equal.exit_code, 0) << equal.output;
  EXPECT_NE(equal.output.find("[OK] " + T("orders") + ": 120 rows equal"), std::string::npos) << equal.output;
  EXPECT_NE(equal.output.find("Summary: 1 tables (1 equal"), std::string::npos) << equal.output;
  // orders_skip also matches the route, but bal-a ignores it.
  EXPECT_EQ(equal.output.find("orders_skip"), std::string::npos) << equal.output;
}

TEST_F(TaskDiffTest, RowMissingFromTheMergedTargetIsNamed) {
  Plant("DELETE FROM " + T("orders") + " WHERE id = 17 AND c_table = '3'");
  BinaryRun missing = RunBinary(Args());
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("missing-row at (`id`=17, `c_table`='3'): row is in source"), std::string::npos)
      << missing.output;
  EXPECT_NE(missing.output.find("`orders_3`"), std::string::npos) << missing.output;
}

TEST_F(TaskDiffTest, WrongExtractedValueIsAColumnDifference) {
  Plant("UPDATE " + T("orders") + " SET c_source = 'b' WHERE id = 5 AND c_table = '2'");
  BinaryRun differ = RunBinary(Args());
  EXPECT_EQ(differ.exit_code, 1) << differ.output;
  EXPECT_NE(differ.output.find("columns-differ at (`id`=5, `c_table`='2'): column `c_source`: source 'a', target 'b'"),
            std::string::npos)
      << differ.output;
}

TEST_F(TaskDiffTest, TaskModeRefusesASourceTheTaskDoesNotName) {
  std::string stray = dir_.WriteFile("stray.yaml", SourceYaml("src-c", "x"));
  std::vector<std::string> args = Args();
  args.insert(args.end(), {"--source", stray});
  BinaryRun r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("source 'src-c' is not one of task orders-merge's mysql-instances"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace dm::diff
