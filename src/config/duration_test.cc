#include "config/duration.h"

#include <gtest/gtest.h>

#include <string>

namespace dm::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(DurationTest, ParsesGoSyntax) {
  EXPECT_EQ(ParseGoDuration("30s").value(), seconds(30));
  EXPECT_EQ(ParseGoDuration("5m0s").value(), minutes(5));
  EXPECT_EQ(ParseGoDuration("5m").value(), minutes(5));
  EXPECT_EQ(ParseGoDuration("1h").value(), hours(1));
  EXPECT_EQ(ParseGoDuration("1h30m").value(), minutes(90));
  EXPECT_EQ(ParseGoDuration("1.5s").value(), milliseconds(1500));
  EXPECT_EQ(ParseGoDuration(".5s").value(), milliseconds(500));
  EXPECT_EQ(ParseGoDuration("100ms").value(), milliseconds(100));
  EXPECT_EQ(ParseGoDuration("2us").value(), nanoseconds(2000));
  EXPECT_EQ(ParseGoDuration("2\xC2\xB5s").value(), nanoseconds(2000));
  EXPECT_EQ(ParseGoDuration("7ns").value(), nanoseconds(7));
  EXPECT_EQ(ParseGoDuration("0").value(), nanoseconds(0));
  EXPECT_EQ(ParseGoDuration("0s").value(), nanoseconds(0));
  EXPECT_EQ(ParseGoDuration("-1m").value(), minutes(-1));
  EXPECT_EQ(ParseGoDuration("+2h").value(), hours(2));
  EXPECT_EQ(ParseGoDuration("2562047h47m16.854775807s").value(), nanoseconds(INT64_MAX));
}

TEST(DurationTest, RejectsBadSyntaxWithoutEchoingInput) {
  for (const char* bad : {"", "s", "5", "5x", "1.s.", "--1s", "1h-1m", "9999999999999999999h", "2562047h48m"}) {
    auto parsed = ParseGoDuration(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  auto parsed = ParseGoDuration("hunter2");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().find("hunter2"), std::string::npos);
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatGoDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatGoDuration(minutes(5)), "5m0s");
  EXPECT_EQ(FormatGoDuration(hours(1)), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(seconds(60)), "1m0s");
  EXPECT_EQ(FormatGoDuration(seconds(30)), "30s");
  EXPECT_EQ(FormatGoDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(milliseconds(100)), "100ms");
  EXPECT_EQ(FormatGoDuration(nanoseconds(1500)), "1.5\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(nanoseconds(7)), "7ns");
  EXPECT_EQ(FormatGoDuration(minutes(-90)), "-1h30m0s");
  EXPECT_EQ(FormatGoDuration(minutes(30)), "30m0s");
}

TEST(DurationTest, FormatParsesBack) {
  for (const char* text : {"5m0s", "1h0m0s", "1.5s", "100ms", "2h45m10.25s"}) {
    EXPECT_EQ(FormatGoDuration(ParseGoDuration(text).value()), text);
  }
}

}  // namespace
}  // namespace dm::config
