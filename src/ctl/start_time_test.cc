#include "ctl/start_time.h"

#include <gtest/gtest.h>

namespace dm::ctl {
namespace {

TEST(StartTimeTest, AcceptsDmForms) {
  for (const char* text : {"2021-10-21 00:01:00", "2021-10-21T00:01:00", "2021-10-21T00:01:00+08:00",
                           "2021-10-21 00:01:00+08:00", "2021-10-21T00:01:00+0800", "2021-10-21T00:01:00-05:30",
                           "2021-10-21T00:01:00Z", "2024-02-29 23:59:59"}) {
    EXPECT_TRUE(ValidateStartTime(text).ok()) << text;
  }
}

TEST(StartTimeTest, RejectsOtherFormsNamingTheValue) {
  for (const char* text : {"", "15:04:05", "2021/10/21 00:01:00", "20211021 000100", "2021-10-21",
                           "2021-10-21 00:01:00.123", "2021-10-21 00:01", "2021-13-01 00:00:00",
                           "2023-02-29 00:00:00", "2021-10-21 24:00:00", "2021-10-21 00:60:00",
                           "2021-10-21T00:01:00+8", "2021-10-21T00:01:00+08:00 ", "2021-10-21T00:01:00UTC",
                           "2021-10-21T00:01:00+15:00"}) {
    Status status = ValidateStartTime(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find(std::string("'") + text + "'"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("2021-10-21T00:01:00+08:00"), std::string::npos);
  }
}

}  // namespace
}  // namespace dm::ctl
