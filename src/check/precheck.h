// The precheck of a task (dm-spec §6.7): DM's check-task, which start-task
// also runs before any unit starts. It connects to every source and the
// target with the task's own users and checks what the task-mode needs:
//
//   every mode   version, table_schema, target_privilege, the routes
//                (conflicting rules, target names equal but for case)
//   full, all    dump_privilege, conn_number, schema_of_shard_tables and
//                auto_increment_ID (fresh tasks that merge tables)
//   incremental, server_id, binlog_enable, binlog_format, binlog_row_image,
//   all          binlog_db, replication_privilege; meta_position for an
//                incremental task's `meta` when it has no checkpoint yet
//
// Items are skipped when named in `ignore` ("all" skips every item). Which
// problems fail and which only warn follows DM; see docs/design/precheck.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/report.h"
#include "common/status.h"
#include "config/source_config.h"
#include "config/task_config.h"

namespace dm::check {

struct CheckOptions {
  std::vector<std::string> ignore;  // the task's ignore-checking-items
  int max_errors = 10;              // dmctl check-task -e: errors shown
  int max_warnings = 10;            // dmctl check-task -w: warnings shown
};

// The item that checks routes; it is not one of DM's ignore-checking-items,
// since DM refuses such routes with an error before any item runs.
inline constexpr std::string_view kRouteItem = "table_route";

// Runs the precheck. `task` must be adjusted and validated; `sources` holds
// the source config of every mysql-instances entry, in the same order.
// Returns the full report (every result, successes included); show it with
// CheckMessage(). Errors: a source or the target cannot be reached or its
// tables cannot be listed (the report would be meaningless).
Result<CheckReport> RunPrecheck(const config::TaskConfig& task, const std::vector<config::SourceConfig>& sources,
                                const CheckOptions& options);

// True when the target holds no loader or syncer checkpoint table of
// `task` (DM's IsFreshTask): the task starts rather than resumes. Errors: the
// target cannot be reached or queried.
Result<bool> IsFreshTask(const config::TaskConfig& task);

// DM's check-task `msg` for a report from RunPrecheck: "pre-check is
// passed. " when every result succeeded, else the JSON report limited to
// `options.max_errors` / `max_warnings` (see LimitForDisplay).
std::string CheckMessage(const CheckReport& report, const CheckOptions& options);

// DM's error text for a precheck that failed (error 26005 with the limited
// report after "detail: "): check-task's `msg`, start-task's `checkResult`.
// dmctl recognises it by DM's header and prints the report unescaped.
std::string CheckFailureMessage(const CheckReport& report, const CheckOptions& options);

// What happens before a task starts, as DM's start-task: a task that resumes
// (IsFreshTask is false) or ignores "all" items is not checked; otherwise
// RunPrecheck with the task's ignore-checking-items and DM's display limits.
struct StartCheck {
  std::optional<CheckReport> report;  // nullopt: not checked
  // When checked: CheckMessage if the report passed, CheckFailureMessage if not.
  std::string message;
};
// `task` and `sources` as for RunPrecheck. Errors: as RunPrecheck and
// IsFreshTask.
Result<StartCheck> PrecheckBeforeStart(const config::TaskConfig& task,
                                       const std::vector<config::SourceConfig>& sources);

}  // namespace dm::check
