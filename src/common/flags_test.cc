#include "common/flags.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

std::vector<std::string> Normalize(std::vector<const char*> args) {
  return NormalizeGoStyleFlags(static_cast<int>(args.size()), args.data());
}

TEST(FlagsTest, SingleDashLongNamesBecomeDoubleDash) {
  EXPECT_EQ(Normalize({"dm-worker", "-config", "w.toml", "-log-level=debug"}),
            (std::vector<std::string>{"dm-worker", "--config", "w.toml", "--log-level=debug"}));
}

TEST(FlagsTest, OtherFormsAreUnchanged) {
  EXPECT_EQ(Normalize({"dmctl", "--master-addr", "a:1", "--x=1", "-V", "-L", "info", "-1", "-", "encrypt"}),
            (std::vector<std::string>{"dmctl", "--master-addr", "a:1", "--x=1", "-V", "-L", "info", "-1", "-",
                                      "encrypt"}));
}

TEST(FlagsTest, NothingAfterDoubleDashIsTouched) {
  EXPECT_EQ(Normalize({"dmctl", "encrypt", "--", "-secret"}),
            (std::vector<std::string>{"dmctl", "encrypt", "--", "-secret"}));
}

}  // namespace
}  // namespace dm
