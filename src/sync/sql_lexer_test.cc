#include "sync/sql_lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dm::sync {
namespace {

struct Lexed {
  TokenKind kind;
  std::string text;
  bool operator==(const Lexed&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Lexed& t) {
  return os << static_cast<int>(t.kind) << ":" << t.text;
}

std::vector<Lexed> LexOk(std::string_view sql, SqlDialect dialect = SqlDialect()) {
  Result<std::vector<Token>> tokens = LexSql(sql, dialect);
  EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
  std::vector<Lexed> out;
  if (!tokens.ok()) return out;
  for (const Token& token : *tokens) out.push_back({token.kind, std::string(TokenText(sql, token))});
  return out;
}

constexpr TokenKind W = TokenKind::kWord;
constexpr TokenKind Q = TokenKind::kQuotedIdent;
constexpr TokenKind S = TokenKind::kString;
constexpr TokenKind N = TokenKind::kNumber;
constexpr TokenKind O = TokenKind::kOperator;

TEST(DdlLexerTest, CommentsProduceNoTokens) {
  EXPECT_EQ(LexOk("# hash\nDROP -- dash\n/* block\n*/ TABLE/*x*/t -- end"),
            (std::vector<Lexed>{{W, "DROP"}, {W, "TABLE"}, {W, "t"}}));
}

TEST(DdlLexerTest, DoubleDashNeedsSpaceToStartComment) {
  EXPECT_EQ(LexOk("a--1"), (std::vector<Lexed>{{W, "a"}, {O, "-"}, {O, "-"}, {N, "1"}}));
  EXPECT_EQ(LexOk("a--\t1"), (std::vector<Lexed>{{W, "a"}}));
  EXPECT_EQ(LexOk("a --"), (std::vector<Lexed>{{W, "a"}}));
}

TEST(DdlLexerTest, VersionedCommentContentIsLive) {
  EXPECT_EQ(LexOk("/*!40000 ALTER TABLE `t` DISABLE KEYS */"),
            (std::vector<Lexed>{{W, "ALTER"}, {W, "TABLE"}, {Q, "`t`"}, {W, "DISABLE"}, {W, "KEYS"}}));
  EXPECT_EQ(LexOk("DROP /*!40005 TEMPORARY */ TABLE t"),
            (std::vector<Lexed>{{W, "DROP"}, {W, "TEMPORARY"}, {W, "TABLE"}, {W, "t"}}));
  EXPECT_EQ(LexOk("/*M!100100 x*/y"), (std::vector<Lexed>{{W, "x"}, {W, "y"}}));
  EXPECT_EQ(LexOk("/*!x*/"), (std::vector<Lexed>{{W, "x"}}));
}

TEST(DdlLexerTest, VersionTakesAtMostSixDigits) {
  EXPECT_EQ(LexOk("/*!1000001 */"), (std::vector<Lexed>{{N, "1"}}));
}

TEST(DdlLexerTest, OrdinaryCommentInsideVersionedCommentIsSkipped) {
  EXPECT_EQ(LexOk("/*!50000 a /* c */ b */ d"), (std::vector<Lexed>{{W, "a"}, {W, "b"}, {W, "d"}}));
}

TEST(DdlLexerTest, OptimizerHintIsAComment) {
  EXPECT_EQ(LexOk("a /*+ BKA(t) */ b"), (std::vector<Lexed>{{W, "a"}, {W, "b"}}));
}

TEST(DdlLexerTest, CloseCommentOutsideVersionedCommentIsOperators) {
  EXPECT_EQ(LexOk("a */"), (std::vector<Lexed>{{W, "a"}, {O, "*"}, {O, "/"}}));
}

TEST(DdlLexerTest, BacktickIdentifierWithDoubledBacktick) {
  const std::string sql = "`a``b c`";
  Result<std::vector<Token>> tokens = LexSql(sql, SqlDialect());
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(IdentifierValue(sql, (*tokens)[0]), "a`b c");
}

TEST(DdlLexerTest, StringsWithBackslashAndDoubledQuotes) {
  EXPECT_EQ(LexOk(R"('it''s' 'a\'b' "q\"x" "d""d")"),
            (std::vector<Lexed>{{S, "'it''s'"}, {S, R"('a\'b')"}, {S, R"("q\"x")"}, {S, R"("d""d")"}}));
}

TEST(DdlLexerTest, NoBackslashEscapesEndsStringAtQuoteAfterBackslash) {
  SqlDialect dialect;
  dialect.backslash_escapes = false;
  EXPECT_EQ(LexOk(R"('a\' b)", dialect), (std::vector<Lexed>{{S, R"('a\')"}, {W, "b"}}));
}

TEST(DdlLexerTest, AnsiQuotesMakeDoubleQuotesIdentifiers) {
  SqlDialect dialect;
  dialect.ansi_quotes = true;
  const std::string sql = R"("my ""t""")";
  Result<std::vector<Token>> tokens = LexSql(sql, dialect);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ(IdentifierValue(sql, (*tokens)[0]), R"(my "t")");
}

TEST(DdlLexerTest, SqlModeBitsSelectDialect) {
  EXPECT_FALSE(SqlDialect::FromSqlMode(0).ansi_quotes);
  EXPECT_TRUE(SqlDialect::FromSqlMode(0).backslash_escapes);
  EXPECT_TRUE(SqlDialect::FromSqlMode(4).ansi_quotes);
  EXPECT_FALSE(SqlDialect::FromSqlMode(uint64_t{1} << 20).backslash_escapes);
}

TEST(DdlLexerTest, NumbersAndDigitLeadingNames) {
  EXPECT_EQ(LexOk("12 1.5 .5 1e3 1E-3 0x1F 0b101 1abc 1e 0xZZ"),
            (std::vector<Lexed>{{N, "12"},
                                {N, "1.5"},
                                {N, ".5"},
                                {N, "1e3"},
                                {N, "1E-3"},
                                {N, "0x1F"},
                                {N, "0b101"},
                                {W, "1abc"},
                                {W, "1e"},
                                {W, "0xZZ"}}));
}

TEST(DdlLexerTest, DigitsAfterNameDotAreAName) {
  EXPECT_EQ(LexOk("db.123 t.5"), (std::vector<Lexed>{{W, "db"}, {O, "."}, {W, "123"}, {W, "t"}, {O, "."}, {W, "5"}}));
}

TEST(DdlLexerTest, Utf8BytesAreIdentifierBytes) {
  EXPECT_EQ(LexOk("CREATE TABLE tábla_日本 (x INT)"),
            (std::vector<Lexed>{{W, "CREATE"}, {W, "TABLE"}, {W, "tábla_日本"}, {O, "("}, {W, "x"}, {W, "INT"}, {O, ")"}}));
}

TEST(DdlLexerTest, TokensCarryByteOffsets) {
  const std::string sql = "/* c */ DROP  `t`";
  Result<std::vector<Token>> tokens = LexSql(sql, SqlDialect());
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].begin, 8u);
  EXPECT_EQ((*tokens)[0].end, 12u);
  EXPECT_EQ((*tokens)[1].begin, 14u);
  EXPECT_EQ((*tokens)[1].end, 17u);
}

TEST(DdlLexerTest, UnterminatedInputIsAnErrorNamingItsStart) {
  struct Case {
    std::string sql;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{{"a 'abc", "unterminated string starting at byte 2"},
                                         {"a `abc", "unterminated quoted identifier starting at byte 2"},
                                         {"ab /* x", "unterminated comment starting at byte 3"},
                                         {"x /*!40000 a", "unterminated versioned comment starting at byte 2"},
                                         {"'a\\'", "unterminated string starting at byte 0"}}) {
    Result<std::vector<Token>> tokens = LexSql(c.sql, SqlDialect());
    ASSERT_FALSE(tokens.ok()) << c.sql;
    EXPECT_EQ(tokens.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(tokens.status().message(), c.message) << c.sql;
  }
}

TEST(DdlLexerTest, EmptyAndBlankInputHaveNoTokens) {
  EXPECT_TRUE(LexOk("").empty());
  EXPECT_TRUE(LexOk(" \n\t-- only a comment").empty());
}

}  // namespace
}  // namespace dm::sync
