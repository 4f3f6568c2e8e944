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
