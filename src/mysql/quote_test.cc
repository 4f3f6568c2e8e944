#include "mysql/quote.h"

#include <gtest/gtest.h>

namespace dm::mysql {
namespace {

TEST(QuoteTest, IdentifierIsBacktickedWithBackticksDoubled) {
  EXPECT_EQ(QuoteIdentifier("t"), "`t`");
  EXPECT_EQ(QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIdentifier("``"), "``````");
  EXPECT_EQ(QuoteIdentifier("with space"), "`with space`");
  EXPECT_EQ(QuoteIdentifier("select"), "`select`");
  EXPECT_EQ(QuoteIdentifier("表名"), "`表名`");
  EXPECT_EQ(QuoteIdentifier(""), "``");
}

TEST(QuoteTest, QualifiedNameQuotesBothParts) {
  EXPECT_EQ(QualifiedName("db", "t`1"), "`db`.`t``1`");
  EXPECT_EQ(QualifiedName("a.b", "c"), "`a.b`.`c`");
}

TEST(QuoteTest, StringEscapesSpecialBytes) {
  using namespace std::string_literals;
  EXPECT_EQ(QuoteString("abc"), "'abc'");
  EXPECT_EQ(QuoteString(""), "''");
  EXPECT_EQ(QuoteString("a\0b"s), "'a\\0b'");
  EXPECT_EQ(QuoteString("\n\r\\'\"\x1a"), "'\\n\\r\\\\\\'\\\"\\Z'");
  EXPECT_EQ(QuoteString("it's"), "'it\\'s'");
}

TEST(QuoteTest, StringWithoutBackslashEscapesDoublesQuotesOnly) {
  using namespace std::string_literals;
  EXPECT_EQ(QuoteString("it's \\n", StringEscaping::kNoBackslashEscapes), "'it''s \\n'");
  EXPECT_EQ(QuoteString("a\0b"s, StringEscaping::kNoBackslashEscapes), "'a\0b'"s);
}

TEST(QuoteTest, StringKeepsEveryOtherByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string quoted = QuoteString(all);
  // 7 escaped bytes each gain one backslash.
  EXPECT_EQ(quoted.size(), all.size() + 7 + 2);
  EXPECT_NE(quoted.find(std::string("\xff")), std::string::npos);
}

TEST(QuoteTest, HexLiteralIsUpperCase) {
  using namespace std::string_literals;
  EXPECT_EQ(HexLiteral(""), "X''");
  EXPECT_EQ(HexLiteral("\0\xff\x10"s), "X'00FF10'");
}

TEST(QuoteTest, HexRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto decoded = HexDecode(HexEncode(all));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, all);
  auto lower = HexDecode("0aff");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, "\x0a\xff");
}

TEST(QuoteTest, HexDecodeRejectsBadInput) {
  EXPECT_EQ(HexDecode("abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HexDecode("zz").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dm::mysql
