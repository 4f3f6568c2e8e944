// The body of `dmctl query-status <task>` (DM's JSON field names, int64
// values as strings), built from subtask snapshots. Served by a standalone
// dm-worker at GET /apis/v1alpha1/status/{task}.
#pragma once

#include <string>
#include <vector>

#include "unit/subtask.h"

namespace dm::unit {

// `worker` names the process that runs the subtasks (its address).
std::string QueryStatusJson(const std::vector<SubTaskStatus>& subtasks, const std::string& worker);

// DM's error object for a Status: {ErrCode, ErrClass, ErrScope, ErrLevel,
// Message, RawCause, Workaround}.
std::string ErrorJson(const Status& status);

}  // namespace dm::unit
