#include "binlog/append_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace dm::binlog {
namespace {

std::string Printed(uint64_t v) {
  TextBuffer out;
  AppendUInt(v, &out);
  return std::string(out.view());
}

std::string Printed(int64_t v) {
  TextBuffer out;
  AppendInt(v, &out);
  return std::string(out.view());
}

TEST(AppendTextTest, UnsignedDigitsMatchToStringAtEveryPowerOfTen) {
  EXPECT_EQ(Printed(uint64_t{0}), "0");
  uint64_t p = 1;
  for (int i = 0; i < 20; ++i, p *= 10) {
    EXPECT_EQ(Printed(p), std::to_string(p));
    EXPECT_EQ(Printed(p - 1), std::to_string(p - 1));
    EXPECT_EQ(Printed(p + 1), std::to_string(p + 1));
  }
  EXPECT_EQ(Printed(std::numeric_limits<uint64_t>::max()), "18446744073709551615");
}

TEST(AppendTextTest, RandomValuesMatchToString) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t u = rng() >> (rng() % 64);
    ASSERT_EQ(Printed(u), std::to_string(u));
    const auto s = static_cast<int64_t>(rng()) >> (rng() % 64);
    ASSERT_EQ(Printed(s), std::to_string(s));
  }
}

TEST(AppendTextTest, SignedExtremes) {
  EXPECT_EQ(Printed(int64_t{0}), "0");
  EXPECT_EQ(Printed(int64_t{-1}), "-1");
  EXPECT_EQ(Printed(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(Printed(std::numeric_limits<int64_t>::max()), "9223372036854775807");
}

TEST(AppendTextTest, TextBufferGrowsAndKeepsContents) {
  TextBuffer out;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    out.push_back('a');
    out.append("bc", 2);
    out.append(3, 'z');
    AppendUInt(static_cast<uint64_t>(i), &out);
    expected += "abczzz" + std::to_string(i);
  }
  EXPECT_EQ(out.view(), expected);
  out.clear();
  EXPECT_EQ(out.size(), 0u);
}

}  // namespace
}  // namespace dm::binlog
