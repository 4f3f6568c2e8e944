#include "mysql/error.h"

#include <gtest/gtest.h>

namespace dm::mysql {
namespace {

TEST(MysqlErrorTest, ConnectionLossIsUnavailable) {
  for (int n : {2002, 2003, 2006, 2013, 2055, 1040, 1053, 1927, 1158, 1161}) {
    EXPECT_EQ(ClassifyMysqlError(n), StatusCode::kUnavailable) << n;
    EXPECT_TRUE(IsConnectionLost(n)) << n;
  }
}

TEST(MysqlErrorTest, DeadlockAndLockWaitAreAborted) {
  EXPECT_EQ(ClassifyMysqlError(1213), StatusCode::kAborted);
  EXPECT_EQ(ClassifyMysqlError(1205), StatusCode::kAborted);
  EXPECT_FALSE(IsConnectionLost(1213));
}

TEST(MysqlErrorTest, OtherErrorsAreNotRetryable) {
  for (int n : {1045, 1062, 1064, 1146, 1406, 1452, 9999}) {
    Status s = MysqlError(n, "HY000", "x", "h:1", ErrorCode::kDBQueryFailed);
    EXPECT_FALSE(s.IsRetryable()) << n;
    EXPECT_FALSE(IsConnectionLost(n)) << n;
  }
  EXPECT_EQ(ClassifyMysqlError(1062), StatusCode::kAlreadyExists);
  EXPECT_EQ(ClassifyMysqlError(1064), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyMysqlError(1146), StatusCode::kNotFound);
  EXPECT_EQ(ClassifyMysqlError(1045), StatusCode::kFailedPrecondition);
}

TEST(MysqlErrorTest, MessageCarriesNumberStateAndEndpoint) {
  Status s =
      MysqlError(1062, "23000", "Duplicate entry '1' for key 'PRIMARY'", "127.0.0.1:3306", ErrorCode::kDBExecuteFailed);
  EXPECT_EQ(s.message(), "127.0.0.1:3306: Error 1062 (23000): Duplicate entry '1' for key 'PRIMARY'");
  EXPECT_EQ(s.error_code(), ErrorCode::kDBExecuteFailed);
  EXPECT_EQ(MysqlErrorNumber(s), 1062);
}

TEST(MysqlErrorTest, ErrorNumberSurvivesContext) {
  Status s = MysqlError(1213, "40001", "Deadlock found", "h:1", ErrorCode::kDBExecuteFailed)
                 .WithContext("apply batch Error 7 in file");
  EXPECT_EQ(MysqlErrorNumber(s), 1213);
  EXPECT_EQ(s.code(), StatusCode::kAborted);
}

TEST(MysqlErrorTest, ErrorNumberIsZeroForOtherStatuses) {
  EXPECT_EQ(MysqlErrorNumber(Status::OK()), 0);
  EXPECT_EQ(MysqlErrorNumber(Status::Internal("Error 12 (oops)")), 0);
}

TEST(MysqlErrorTest, BadSqlStateIsReplaced) {
  Status s = MysqlError(2013, "", "Lost connection", "h:1", ErrorCode::kDBBadConn);
  EXPECT_EQ(s.message(), "h:1: Error 2013 (HY000): Lost connection");
  EXPECT_EQ(MysqlErrorNumber(s), 2013);
}

}  // namespace
}  // namespace dm::mysql
