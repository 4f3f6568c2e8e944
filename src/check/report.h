// The result of a precheck (dm-spec §6.7), in DM's shape: one result per
// checker run, each with its errors, and a summary. CheckReportJson() gives
// the body dmctl check-task prints in `msg`:
//   {"results":[{id, name, desc, state, errors:[{severity, short_error, self,
//    other, instruction}], instruction, extra}],
//    "summary":{passed, total, successful, failed, warning}}
// Empty errors / instruction / extra / self / other are left out, as DM's
// `omitempty` does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dm::check {

// A result's state and an error's severity: DM's "success", "fail", "warn".
enum class State : uint8_t { kSuccess, kFail, kWarn };
std::string_view StateName(State state);

struct CheckError {
  State severity = State::kFail;  // kFail or kWarn
  std::string short_error;
  std::string self;   // shard checks: the table compared against
  std::string other;  // shard checks: the table that differs
  std::string instruction;
};

// One checker run (one item on one instance, or one shard group).
struct CheckResult {
  uint64_t id = 0;    // position in the report, set by MakeReport
  std::string item;   // the ignore-checking-items name; not in the JSON
  std::string name;   // DM's checker name, e.g. "mysql_binlog_format"
  std::string desc;
  State state = State::kSuccess;
  std::vector<CheckError> errors;
  std::string instruction;
  std::string extra;  // DM: "address of db instance - host:port", ...
};

struct CheckSummary {
  bool passed = true;  // no result failed (warnings alone pass)
  int64_t total = 0;
  int64_t successful = 0;
  int64_t failed = 0;
  int64_t warning = 0;
};

struct CheckReport {
  std::vector<CheckResult> results;
  CheckSummary summary;
};

// Numbers the results in order and counts them into the summary.
CheckReport MakeReport(std::vector<CheckResult> results);

// What DM's checker shows (its Process): successful results dropped, at most
// `max_errors` errors of severity fail and `max_warnings` of severity warn
// kept in result order, results left without errors dropped. A result
// without errors counts as one of its state's kind. The summary keeps the
// counts of the full run. Negative limits count as 0.
CheckReport LimitForDisplay(const CheckReport& report, int max_errors, int max_warnings);

// The JSON above, indented with tabs (DM prints MarshalIndent output).
std::string CheckReportJson(const CheckReport& report);

// True when no result failed: warnings alone pass, as in DM.
bool Passed(const CheckReport& report);


}  // namespace dm::check
