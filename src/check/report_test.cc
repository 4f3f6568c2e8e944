#include "check/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/precheck.h"

namespace dm::check {
namespace {

CheckResult Result(State state, std::vector<CheckError> errors = {}) {
  CheckResult r;
  r.name = "n";
  r.desc = "d";
  r.state = state;
  r.errors = std::move(errors);
  return r;
}

CheckError Err(State severity, std::string text) { return {severity, std::move(text), "", "", ""}; }

TEST(ReportTest, SummaryCountsStatesAndWarningsAlonePass) {
  CheckReport report = MakeReport({Result(State::kSuccess), Result(State::kWarn, {Err(State::kWarn, "w")}),
                                   Result(State::kSuccess)});
  EXPECT_EQ(report.summary.total, 3);
  EXPECT_EQ(report.summary.successful, 2);
  EXPECT_EQ(report.summary.warning, 1);
  EXPECT_EQ(report.summary.failed, 0);
  EXPECT_TRUE(Passed(report));
  EXPECT_EQ(report.results[2].id, 2u);
  report = MakeReport({Result(State::kFail, {Err(State::kFail, "f")}), Result(State::kWarn)});
  EXPECT_FALSE(Passed(report));
  EXPECT_EQ(report.summary.failed, 1);
}

TEST(ReportTest, JsonHasDmsFieldsAndLeavesEmptyOnesOut) {
  CheckResult r = Result(State::kFail, {{State::kFail, "column length mismatch", "self t", "other t", ""}});
  r.instruction = "fix it";
  CheckReport report = MakeReport({r, Result(State::kSuccess)});
  auto json = nlohmann::json::parse(CheckReportJson(report));
  EXPECT_EQ(json["summary"], nlohmann::json::parse(
                                 R"({"passed":false,"total":2,"successful":1,"failed":1,"warning":0})"));
  const auto& first = json["results"][0];
  EXPECT_EQ(first["id"], 0);
  EXPECT_EQ(first["state"], "fail");
  EXPECT_EQ(first["errors"][0]["severity"], "fail");
  EXPECT_EQ(first["errors"][0]["short_error"], "column length mismatch");
  EXPECT_EQ(first["errors"][0]["self"], "self t");
  EXPECT_FALSE(first["errors"][0].contains("instruction"));
  EXPECT_EQ(first["instruction"], "fix it");
  EXPECT_FALSE(first.contains("extra"));
  EXPECT_FALSE(json["results"][1].contains("errors"));
}

TEST(ReportTest, DisplayLimitKeepsFirstErrorsAndWarningsAndDropsSuccesses) {
  CheckReport report = MakeReport({
      Result(State::kSuccess),
      Result(State::kFail, {Err(State::kFail, "f1"), Err(State::kWarn, "w1"), Err(State::kFail, "f2")}),
      Result(State::kWarn, {Err(State::kWarn, "w2"), Err(State::kWarn, "w3")}),
      Result(State::kFail, {Err(State::kFail, "f3")}),
      Result(State::kFail),  // no errors: counts as one error
  });
  CheckReport shown = LimitForDisplay(report, 2, 2);
  ASSERT_EQ(shown.results.size(), 2u);
  ASSERT_EQ(shown.results[0].errors.size(), 3u);  // f1, w1, f2
  ASSERT_EQ(shown.results[1].errors.size(), 1u);  // w2; w3 over the limit, f3 and the last result too
  EXPECT_EQ(shown.results[1].errors[0].short_error, "w2");
  EXPECT_EQ(shown.summary.total, 5);  // the full run's counts stay
  EXPECT_EQ(shown.summary.failed, 3);
  EXPECT_TRUE(LimitForDisplay(report, 0, 0).results.empty());
}

TEST(ReportTest, MessageIsDmsPassedLineOnlyWhenEverythingSucceeded) {
  CheckOptions options;
  EXPECT_EQ(CheckMessage(MakeReport({Result(State::kSuccess)}), options), "pre-check is passed. ");
  EXPECT_EQ(CheckMessage(MakeReport({}), options), "pre-check is passed. ");
  std::string warned = CheckMessage(MakeReport({Result(State::kWarn, {Err(State::kWarn, "w")})}), options);
  EXPECT_EQ(nlohmann::json::parse(warned)["summary"]["passed"], true);
  options.max_warnings = 0;
  EXPECT_TRUE(nlohmann::json::parse(CheckMessage(MakeReport({Result(State::kWarn, {Err(State::kWarn, "w")})}),
                                                 options))["results"]
                  .empty());
}

TEST(ReportTest, FailureMessageIsDmsError26005WithTheLimitedReportAsDetail) {
  CheckOptions options;
  options.max_errors = 1;
  CheckReport report = MakeReport({Result(State::kFail, {Err(State::kFail, "f1"), Err(State::kFail, "f2")}),
                                   Result(State::kSuccess)});
  const std::string message = CheckFailureMessage(report, options);
  const std::string head =
      "[code=26005:class=task-check:scope=internal:level=medium], Message: fail to check synchronization "
      "configuration with type: check was failed, please see detail\n detail: ";
  ASSERT_EQ(message.substr(0, head.size()), head);
  nlohmann::json detail = nlohmann::json::parse(message.substr(head.size()));
  EXPECT_EQ(detail["summary"]["failed"], 1);
  ASSERT_EQ(detail["results"].size(), 1u);
  ASSERT_EQ(detail["results"][0]["errors"].size(), 1u);
  EXPECT_EQ(detail["results"][0]["errors"][0]["short_error"], "f1");
}

}  // namespace
}  // namespace dm::check
