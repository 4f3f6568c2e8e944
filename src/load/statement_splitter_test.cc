#include "load/statement_splitter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace dm::load {
namespace {

struct Split {
  std::string text;
  uint64_t begin;
  uint64_t end;
};

Result<std::vector<Split>> SplitAll(const std::string& input, size_t read_size = 1 << 20,
                                    bool backslash_escapes = true) {
  StatementSplitter::Options options;
  options.read_size = read_size;
  options.backslash_escapes = backslash_escapes;
  StatementSplitter splitter(MemoryByteSource(input, "f.sql"), options);
  std::vector<Split> out;
  while (true) {
    DM_ASSIGN_OR_RETURN(bool more, splitter.Next());
    if (!more) break;
    out.push_back({std::string(splitter.statement()), splitter.begin_offset(), splitter.end_offset()});
  }
  if (splitter.consumed() != input.size()) return Status::Internal("did not consume the whole input");
  return out;
}

std::vector<std::string> Texts(const std::string& input, size_t read_size = 1 << 20) {
  auto r = SplitAll(input, read_size);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  if (r.ok()) {
    for (auto& s : *r) out.push_back(s.text);
  }
  return out;
}

TEST(StatementSplitterTest, SplitsAtSemicolonsOutsideQuotes) {
  EXPECT_EQ(Texts("SELECT 1; SELECT 2;\n"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Texts("INSERT INTO t VALUES ('a;b'),(\"c;d\"),(`e;f`);"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a;b'),(\"c;d\"),(`e;f`)"}));
}

TEST(StatementSplitterTest, BackslashAndDoubledQuotesDoNotCloseLiterals) {
  EXPECT_EQ(Texts("INSERT INTO t VALUES ('it\\'s;'),('it''s;'),(\"q\\\";\"),('\\\\');X;"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('it\\'s;'),('it''s;'),(\"q\\\";\"),('\\\\')", "X"}));
  // Under NO_BACKSLASH_ESCAPES a backslash is an ordinary byte.
  auto r = SplitAll("INSERT INTO t VALUES ('a\\');B;", 1 << 20, false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].text, "INSERT INTO t VALUES ('a\\')");
}

TEST(StatementSplitterTest, BacktickIdentifiersWithDoubledBackticks) {
  EXPECT_EQ(Texts("INSERT INTO `a``;b` VALUES (1);"),
            (std::vector<std::string>{"INSERT INTO `a``;b` VALUES (1)"}));
}

TEST(StatementSplitterTest, CommentsBeforeStatementsAreDropped) {
  EXPECT_EQ(Texts("-- header; comment\n# another; one\n/* block; */ SELECT 1;\n-- trailing\n"),
            (std::vector<std::string>{"SELECT 1"}));
}

TEST(StatementSplitterTest, CommentsInsideStatementsAreKeptAndHideSemicolons) {
  EXPECT_EQ(Texts("SELECT 1 -- x; y\n, 2 /* ; */ # z;\n;"),
            (std::vector<std::string>{"SELECT 1 -- x; y\n, 2 /* ; */ # z;"}));
  // "--" without a following space is two minus signs.
  EXPECT_EQ(Texts("SELECT 1--1;SELECT 2;"), (std::vector<std::string>{"SELECT 1--1", "SELECT 2"}));
}

TEST(StatementSplitterTest, VersionedCommentsAreStatements) {
  EXPECT_EQ(Texts("/*!40101 SET NAMES binary*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n/*M!100101 SET x=1; */;"),
            (std::vector<std::string>{"/*!40101 SET NAMES binary*/", "/*!40014 SET FOREIGN_KEY_CHECKS=0*/",
                                      "/*M!100101 SET x=1; */"}));
}

TEST(StatementSplitterTest, EmptyStatementsAreSkipped) {
  EXPECT_EQ(Texts(";;  ;\nSELECT 1;;"), (std::vector<std::string>{"SELECT 1"}));
  EXPECT_TRUE(Texts("").empty());
  EXPECT_TRUE(Texts("  \n\t-- only a comment").empty());
}

TEST(StatementSplitterTest, OffsetsPointPastTheSemicolon) {
  std::string input = "/*!40101 SET NAMES binary*/;\nINSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (2);\n";
  auto r = SplitAll(input);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].begin, 0u);
  EXPECT_EQ(input[(*r)[0].end - 1], ';');
  EXPECT_EQ((*r)[1].begin, (*r)[0].end + 1);  // after the newline
  EXPECT_EQ(input.substr((*r)[2].begin, 6), "INSERT");
  EXPECT_EQ((*r)[2].end, input.size() - 1);
}

TEST(StatementSplitterTest, BinaryBytesAreKept) {
  std::string payload;
  for (int i = 0; i < 256; ++i) {
    char c = static_cast<char>(i);
    if (c == '\'' || c == '\\') payload.push_back('\\');
    payload.push_back(c);
  }
  std::string stmt = "INSERT INTO t VALUES ('" + payload + "')";
  auto texts = Texts(stmt + ";" + stmt + ";");
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], stmt);
  EXPECT_EQ(texts[1], stmt);
}

TEST(StatementSplitterTest, LastStatementWithoutSemicolonIsReturned) {
  EXPECT_EQ(Texts("SELECT 1;SELECT 2  \n"), (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
}

TEST(StatementSplitterTest, UnterminatedQuoteIsCorruptionWithOffset) {
  auto r = SplitAll("SELECT 1;\nINSERT INTO t VALUES ('abc);\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("f.sql"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("byte offset 32"), std::string::npos) << r.status().message();
  auto c = SplitAll("SELECT 1 /* never closed");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unterminated comment starting at byte offset 9"), std::string::npos);
}

TEST(StatementSplitterTest, StatementLongerThanLimitIsCorruption) {
  StatementSplitter::Options options;
  options.read_size = 16;
  options.max_statement_bytes = 100;
  StatementSplitter splitter(MemoryByteSource("INSERT INTO t VALUES ('" + std::string(500, 'x'), "f.sql"), options);
  auto r = splitter.Next();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("longer than 100 bytes"), std::string::npos);
}

// Every buffer size, down to one byte per read, splits a tricky input the
// same way: escapes, comment openers and versioned-comment markers split
// across reads.
TEST(StatementSplitterTest, ResultDoesNotDependOnReadBoundaries) {
  std::string input =
      "/*!40101 SET NAMES binary*/;\n-- c;\nINSERT INTO `t``x` VALUES ('a\\'b;c','d''e;'),(\"f\\\\\",'\\0;');"
      "/* x; */INSERT INTO t VALUES (1--1);#c;\n/*M!1 SET y=1*/;SELECT 'end'";
  auto reference = SplitAll(input, 1 << 20);
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  ASSERT_EQ(reference->size(), 5u);
  for (size_t read_size = 1; read_size < 40; ++read_size) {
    auto r = SplitAll(input, read_size);
    ASSERT_TRUE(r.ok()) << read_size;
    ASSERT_EQ(r->size(), reference->size()) << read_size;
    for (size_t i = 0; i < r->size(); ++i) {
      EXPECT_EQ((*r)[i].text, (*reference)[i].text) << read_size;
      EXPECT_EQ((*r)[i].begin, (*reference)[i].begin) << read_size;
      EXPECT_EQ((*r)[i].end, (*reference)[i].end) << read_size;
    }
  }
}

// A multi-megabyte statement spanning many reads, with random binary
// content, comes back byte for byte.
TEST(StatementSplitterTest, HugeStatementAcrossManyReads) {
  std::mt19937 rng(42);
  std::string value;
  for (int i = 0; i < (3 << 20); ++i) {
    char c = static_cast<char>(rng() & 0xff);
    if (c == '\'' || c == '\\') value.push_back('\\');
    value.push_back(c);
  }
  std::string stmt = "INSERT INTO t VALUES ('" + value + "')";
  std::string input = "SET NAMES binary;\n" + stmt + ";\nINSERT INTO t VALUES (2);\n";
  for (size_t read_size : {size_t{4096}, size_t{65536 + 7}, size_t{1} << 20}) {
    auto r = SplitAll(input, read_size);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_TRUE((*r)[1].text == stmt);
    EXPECT_EQ((*r)[2].text, "INSERT INTO t VALUES (2)");
  }
}

// Splitting resumes at any statement's end offset with the same result as a
// full pass, which is what the loader's restart relies on.
TEST(StatementSplitterTest, SplittingFromAnEndOffsetMatchesTheFullPass) {
  std::string input = "SET a=1;\nINSERT INTO t VALUES ('x;y');\n-- c\nINSERT INTO t VALUES (\"z\");\n";
  auto full = SplitAll(input);
  ASSERT_TRUE(full.ok());
  for (const Split& s : *full) {
    auto tail = SplitAll(input.substr(s.end));
    ASSERT_TRUE(tail.ok());
    size_t skipped = static_cast<size_t>(&s - full->data()) + 1;
    ASSERT_EQ(tail->size(), full->size() - skipped);
    for (size_t i = 0; i < tail->size(); ++i) EXPECT_EQ((*tail)[i].text, (*full)[i + skipped].text);
  }
}

}  // namespace
}  // namespace dm::load
