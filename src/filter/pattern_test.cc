#include "filter/pattern.h"

#include <gtest/gtest.h>

namespace dm::filter {
namespace {

TEST(PatternTest, WildcardStarMatchesAnySuffix) {
  EXPECT_TRUE(WildcardMatch("doc*", "doc"));
  EXPECT_TRUE(WildcardMatch("doc*", "document"));
  EXPECT_FALSE(WildcardMatch("doc*", "dodo"));
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything"));
}

TEST(PatternTest, WildcardQuestionMatchesExactlyOneByte) {
  EXPECT_TRUE(WildcardMatch("t_?", "t_1"));
  EXPECT_FALSE(WildcardMatch("t_?", "t_"));
  EXPECT_FALSE(WildcardMatch("t_?", "t_12"));
  EXPECT_TRUE(WildcardMatch("t_??", "t_12"));
}

TEST(PatternTest, WildcardRanges) {
  EXPECT_TRUE(WildcardMatch("t_[0-9]", "t_5"));
  EXPECT_FALSE(WildcardMatch("t_[0-9]", "t_x"));
  EXPECT_TRUE(WildcardMatch("t_[!0-9]", "t_x"));
  EXPECT_FALSE(WildcardMatch("t_[!0-9]", "t_5"));
  EXPECT_TRUE(WildcardMatch("t_[abc]x", "t_bx"));
  EXPECT_TRUE(WildcardMatch("t_[", "t_["));  // no closing bracket: literal
  EXPECT_TRUE(WildcardMatch("a[!]", "a!"));  // DM's special case
}

TEST(PatternTest, WildcardLiteralNonAsciiMatchesBytes) {
  EXPECT_TRUE(WildcardMatch("tëst", "tëst"));
  EXPECT_FALSE(WildcardMatch("tëst", "test"));
}

TEST(PatternTest, StarMustBeLast) {
  EXPECT_TRUE(ValidateWildcard("a*").ok());
  EXPECT_FALSE(ValidateWildcard("a*b").ok());
  EXPECT_FALSE(ValidateWildcard("").ok());
}

TEST(PatternTest, FoldCaseLowersAsciiAndUnicode) {
  EXPECT_EQ(FoldCase("Shop_01"), "shop_01");
  EXPECT_EQ(FoldCase("ÄÖÜ"), "äöü");
  EXPECT_EQ(FoldCase(std::string("A\xff", 2)), std::string("a\xff", 2));  // invalid UTF-8 kept
}

TEST(PatternTest, GoRegexTranslatesRe2Constructs) {
  auto re = GoRegex::Compile("(?i)^shop_(?P<n>[0-9]+)\\z");
  ASSERT_TRUE(re.ok()) << re.status().ToString();
  EXPECT_TRUE(re->Search("SHOP_12"));
  EXPECT_FALSE(re->Search("shop_12x"));
  EXPECT_EQ(re->FindSubmatch("shop_12"), (std::vector<std::string>{"shop_12", "12"}));
  EXPECT_TRUE(re->FindSubmatch("other").empty());
  EXPECT_FALSE(GoRegex::Compile("(").ok());
}

TEST(PatternTest, GoRegexSearchIsUnanchored) {
  auto re = GoRegex::Compile("_2018$");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Search("messages_2018"));
  EXPECT_FALSE(re->Search("messages_2018x"));
}

TEST(PatternTest, SelectorOrdersSchemaRulesBeforeTableRules) {
  RuleSelector s;
  ASSERT_TRUE(s.Insert("test_*", "ab*", 0, false).ok());
  ASSERT_TRUE(s.Insert("test_1_*", "abc*", 1, false).ok());
  ASSERT_TRUE(s.Insert("test_*", "", 2, false).ok());
  ASSERT_TRUE(s.Insert("test_1_a", "", 3, false).ok());
  EXPECT_EQ(s.Match("test_1_a", "abc1"), (std::vector<int>{2, 3, 0, 1}));
  EXPECT_EQ(s.Match("test_1_a", ""), (std::vector<int>{2, 3}));
  EXPECT_TRUE(s.Match("other", "abc").empty());
  EXPECT_EQ(s.Insert("test_*", "ab*", 4, false).code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(s.Insert("test_*", "ab*", 4, true).ok());
  EXPECT_EQ(s.Match("test_2", "ab"), (std::vector<int>{2, 0, 4}));
}

TEST(PatternTest, SelectorBareStarTableMatchesSchemaQuestions) {
  RuleSelector s;
  ASSERT_TRUE(s.Insert("*", "*", 0, false).ok());
  EXPECT_EQ(s.Match("db", ""), (std::vector<int>{0}));
  EXPECT_EQ(s.Match("", ""), (std::vector<int>{0}));
}

}  // namespace
}  // namespace dm::filter
