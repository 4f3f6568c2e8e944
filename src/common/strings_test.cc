#include "common/strings.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(StringsTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("source-id", "sourceid"), 1u);
}

TEST(StringsTest, DidYouMeanSuggestsOnlyPlausibleTypos) {
  std::vector<std::string> keys = {"source-id", "enable-gtid", "from", "flavor"};
  EXPECT_EQ(DidYouMean("soruce-id", keys), " (did you mean 'source-id'?)");
  EXPECT_EQ(DidYouMean("flavour", keys), " (did you mean 'flavor'?)");
  EXPECT_EQ(DidYouMean("completely-different", keys), "");
}

TEST(StringsTest, SplitAndTrim) {
  EXPECT_EQ(SplitString("a,,b", ','), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitString("a,,b", ',', false), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(TrimSpace("  x y \n"), "x y");
  EXPECT_TRUE(EqualsIgnoreCase("MariaDB", "mariadb"));
}

}  // namespace
}  // namespace dm

namespace dm {
namespace {

TEST(StringsTest, AsciiCaseFoldingLeavesOtherBytes) {
  EXPECT_EQ(AsciiLower("MiXeD_Ä1"), "mixed_Ä1");
  EXPECT_EQ(AsciiUpper("MiXeD_ä1"), "MIXED_ä1");
}

TEST(StringsTest, Fnv1a64MatchesThePublishedVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace dm
