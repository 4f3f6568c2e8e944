#include "common/status.h"

#include <gtest/gtest.h>

#include <set>

namespace dm {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  DM_ASSIGN_OR_RETURN(int half, Half(n));
  DM_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  DM_RETURN_IF_ERROR(Half(n).status());
  return Status::OK();
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, ContextIsPrependedAsErrorTravelsUp) {
  Status s = Status::InvalidArgument("bad port").WithContext("key 'from.port'").WithContext("source.yaml:3");
  EXPECT_EQ(s.message(), "source.yaml:3: key 'from.port': bad port");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, CatalogueCodeRendersAsDmTag) {
  Status s = Status::InvalidArgument("x").WithErrorCode(ErrorCode::kConfigUnknownKey);
  EXPECT_EQ(s.ToString(), "InvalidArgument: [code=20004:class=config:scope=internal:level=medium] x");
}

TEST(StatusTest, CopyIsDeep) {
  Status a = Status::Aborted("deadlock");
  Status b = a;
  b = std::move(b).WithContext("batch");
  EXPECT_EQ(a.message(), "deadlock");
  EXPECT_EQ(b.message(), "batch: deadlock");
  EXPECT_TRUE(a.IsRetryable());
  EXPECT_FALSE(Status::InvalidArgument("x").IsRetryable());
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(Quarter(8).value(), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> r{Status::OK()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ErrorCatalogueTest, CodesAreUniqueAndInDmRanges) {
  std::set<int32_t> seen;
  for (const ErrorInfo& info : AllErrors()) {
    int32_t code = static_cast<int32_t>(info.code);
    EXPECT_TRUE(seen.insert(code).second) << "duplicate code " << code;
    EXPECT_GE(code, 10000);
    EXPECT_LT(code, 50000);
    EXPECT_FALSE(info.message.empty()) << info.name;
  }
}

}  // namespace
}  // namespace dm
