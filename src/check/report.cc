#include "check/report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace dm::check {

std::string_view StateName(State state) {
  switch (state) {
    case State::kSuccess: return "success";
    case State::kFail: return "fail";
    case State::kWarn: return "warn";
  }
  return "";
}

CheckReport MakeReport(std::vector<CheckResult> results) {
  CheckReport report;
  report.results = std::move(results);
  for (size_t i = 0; i < report.results.size(); ++i) {
    const CheckResult& r = report.results[i];
    report.results[i].id = i;
    ++report.summary.total;
    if (r.state == State::kSuccess) ++report.summary.successful;
    if (r.state == State::kFail) ++report.summary.failed;
    if (r.state == State::kWarn) ++report.summary.warning;
  }
  report.summary.passed = report.summary.failed == 0;
  return report;
}

CheckReport LimitForDisplay(const CheckReport& report, int max_errors, int max_warnings) {
  int errors_left = std::max(max_errors, 0);
  int warnings_left = std::max(max_warnings, 0);
  // Takes one from the budget of `severity`; false when it is used up.
  auto take = [&](State severity) {
    int& left = severity == State::kWarn ? warnings_left : errors_left;
    if (left == 0) return false;
    --left;
    return true;
  };
  CheckReport shown;
  shown.summary = report.summary;
  for (const CheckResult& r : report.results) {
    if (r.state == State::kSuccess) continue;
    if (r.errors.empty()) {
      if (take(r.state)) shown.results.push_back(r);
      continue;
    }
    CheckResult kept = r;
    kept.errors.clear();
    for (const CheckError& e : r.errors) {
      if (take(e.severity)) kept.errors.push_back(e);
    }
    if (!kept.errors.empty()) shown.results.push_back(std::move(kept));
  }
  return shown;
}

std::string CheckReportJson(const CheckReport& report) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const CheckResult& r : report.results) {
    nlohmann::ordered_json item;
    item["id"] = r.id;
    item["name"] = r.name;
    item["desc"] = r.desc;
    item["state"] = StateName(r.state);
    if (!r.errors.empty()) {
      nlohmann::ordered_json errors = nlohmann::ordered_json::array();
      for (const CheckError& e : r.errors) {
        nlohmann::ordered_json error;
        error["severity"] = StateName(e.severity);
        error["short_error"] = e.short_error;
        if (!e.self.empty()) error["self"] = e.self;
        if (!e.other.empty()) error["other"] = e.other;
        if (!e.instruction.empty()) error["instruction"] = e.instruction;
        errors.push_back(std::move(error));
      }
      item["errors"] = std::move(errors);
    }
    if (!r.instruction.empty()) item["instruction"] = r.instruction;
    if (!r.extra.empty()) item["extra"] = r.extra;
    results.push_back(std::move(item));
  }
  nlohmann::ordered_json body;
  body["results"] = std::move(results);
  body["summary"] = {{"passed", report.summary.passed},
                     {"total", report.summary.total},
                     {"successful", report.summary.successful},
                     {"failed", report.summary.failed},
                     {"warning", report.summary.warning}};
  // Names and messages may hold any bytes a server sent; replace invalid
  // UTF-8 instead of throwing.
  return body.dump(1, '\t', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool Passed(const CheckReport& report) { return report.summary.failed == 0; }

}  // namespace dm::check
